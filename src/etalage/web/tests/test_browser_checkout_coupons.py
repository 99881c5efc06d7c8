"""In Chromium, under the site's Content-Security-Policy: choosing a claimed coupon
from the checkout's list applies it at once, and applying a coupon puts neither
the CSRF token nor the buyer's identity or address in the URL."""

from decimal import Decimal as D

import pytest

from etalage.promotions.models import CouponClaim
from etalage.web.tests.test_browser import (  # noqa: F401 (fixtures)
    _end_the_connections_the_test_server_leaves,
    browser_page,
)
from etalage.web.tests.test_promotion_pages import make

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_claimed_coupon_chosen_from_the_list_applies_and_no_url_carries_the_form(
    live_server,
    browser_page,  # noqa: F811
    shopping,
    settings,
):
    settings.ETALAGE_SITE_URL = live_server.url
    buyer = shopping.buyer()
    buyer.set_password("a decent password")
    buyer.save()
    shopping.cart(buyer, [(shopping.products["a"], 2)])
    claimed = make(name="Claimed", amount_off=D("8.00"), claimable=True)
    CouponClaim.objects.create(promotion=claimed, buyer=buyer)
    make(name="Typed", code="WELCOME", amount_off=D("20.00"))
    page = browser_page
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and blocked.append(m.text),
    )
    page.goto(f"{live_server.url}/en/login/?next=/en/checkout/")
    page.fill("#id_username", buyer.username)
    page.fill("#id_password", "a decent password")
    page.click("form:has(#id_password) [type=submit]")
    page.wait_for_url("**/en/checkout/")
    assert not page.locator("#coupon-use-claimed").is_visible()
    page.select_option("#coupon-claimed", str(claimed.pk))
    page.locator("p.savings").wait_for(timeout=5000)
    assert "CN¥8.00" in page.locator("p.savings").inner_text()
    assert page.locator("#coupon-claimed").input_value() == str(claimed.pk)
    assert blocked == []
    page.get_by_label("Coupon code").fill("welcome")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply").click()
    assert "CN¥20.00" in page.locator("p.savings").inner_text()
    for private in ("csrfmiddlewaretoken", "token", "identity", "address", "?"):
        assert private not in page.url.removeprefix(live_server.url)
    # Post/redirect/get: reloading the page after "Apply" sends a GET, no form.
    methods: list[str] = []
    page.on(
        "request",
        lambda r: r.resource_type == "document" and methods.append(r.method),
    )
    page.reload()
    assert methods == ["GET"]
    assert "CN¥20.00" in page.locator("p.savings").inner_text()
    assert page.get_by_label("Coupon code").input_value() == "welcome"
