"""In Chromium: a coupon and a spend-and-save apply at checkout, the buyer pays in
the Alipay sandbox, and the order's page shows what the promotions took off; the
order, its CEB311 figures and the payment agree to the cent."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from etalage.promotions.services import PromotionTerms, promotion_create
from etalage.web.tests.test_browser import (  # noqa: F401 (fixtures)
    _end_the_connections_the_test_server_leaves,
    browser_page,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _promotions(merchant):
    operator = get_user_model().objects.create_user("operator", is_staff=True)
    now = timezone.now()
    window = {"starts_at": now - timedelta(days=1), "ends_at": now + timedelta(days=1),
              "budget": D("1000.00")}  # fmt: skip
    promotion_create(
        terms=PromotionTerms(kind="spend_and_save", name="Shop's", **window,
                             amount_off=D("30.00"), threshold=D("150.00")),
        merchant=merchant, by=operator,
    )  # fmt: skip
    promotion_create(
        terms=PromotionTerms(kind="coupon", name="Welcome", code="WELCOME20",
                             amount_off=D("20.00"), **window),
        by=operator,
    )  # fmt: skip


def test_a_coupon_and_a_spend_and_save_apply_at_checkout_and_the_order_shows_them(
    live_server,
    browser_page,  # noqa: F811
    shopping,
    settings,
):
    from etalage.orders.models import Order
    from etalage.payments.models import Payment
    from etalage.promotions.models import ParcelDiscount

    settings.ETALAGE_SITE_URL = live_server.url
    product = shopping.products["b"]  # ¥158.60 a unit: two reach the ¥150 step twice
    _promotions(product.merchant)
    buyer = shopping.buyer()
    buyer.set_password("a decent password")
    buyer.save()
    shopping.cart(buyer, [(product, 2)])
    page = browser_page
    page.goto(f"{live_server.url}/en/login/?next=/en/cart/")
    page.fill("#id_username", buyer.username)
    page.fill("#id_password", "a decent password")
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/cart/")
    assert "CN¥30.00 off every CN¥150.00" in page.locator("main").inner_text()
    page.get_by_role("link", name="Check out").click()
    page.wait_for_url("**/en/checkout/")
    page.get_by_label("Coupon code").fill("welcome20")
    with page.expect_navigation():  # posted back: nothing of the form in the URL
        page.get_by_role("button", name="Apply").click()
    assert page.url.endswith("/en/checkout/")
    main = page.locator("main").inner_text()
    assert "CN¥20.00 off" in main and "You save" in main
    page.get_by_role("button", name="Place the order").click()
    page.wait_for_url("**/en/orders/E*/")
    order = Order.objects.get()
    shown = page.locator("main").inner_text()  # each offer by name, as in the cart
    assert "CN¥30.00 off every CN¥150.00" in shown and "CN¥20.00 off" in shown
    page.get_by_role("button", name="Pay with Alipay").click()
    page.wait_for_url("**/sandbox/antom/cashier/**")
    page.locator("button[value=pay]").click()
    page.wait_for_url(f"**/orders/{order.number}/")
    assert page.locator(".state").first.inner_text() == "Paid"
    order.refresh_from_db()
    sub = order.sub_orders.get()
    kept = ParcelDiscount.objects.get(sub_order=sub)
    assert kept.noncash == D("20.00")
    assert kept.goods_shown - sub.goods == D("60.00")  # two steps of ¥150
    assert sub.total == sub.goods + sub.freight + sub.tax - kept.noncash
    assert Payment.objects.get(order=order).amount == order.total
