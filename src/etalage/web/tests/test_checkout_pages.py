"""Checkout and the buyer's order pages, as a buyer uses them."""

import re
from decimal import Decimal as D

import pytest

from etalage.inventory.models import Stock
from etalage.orders.models import Order

# What the cart page reads for a cart of two merchants (pictures in one query; the
# routes' transit times for the delivery promise, reference data, in one).
CART_QUERIES = 21  # (two of them the promotions in force and the sale prices)


@pytest.fixture
def buyer(shopping, client):
    buyer = shopping.buyer()
    p = shopping.products
    shopping.cart(buyer, [(p["a"], 2), (p["c"], 1)])
    client.force_login(buyer)
    return buyer


def token_of(html):
    return re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)


def total_of(html):
    return re.search(r'name="total" value="([0-9.]*)"', html).group(1)


def place(client, buyer, token, total=None):
    if total is None:
        total = total_of(client.get("/en/checkout/").content.decode())
    return client.post(
        "/en/checkout/",
        {
            "token": token,
            "total": total,
            "identity": str(buyer.identities.get().pk),
            "address": str(buyer.addresses.get().pk),
        },
    )


def test_checkout_shows_each_parcel_the_identity_masked_and_the_total(client, buyer):
    html = client.get("/en/checkout/").content.decode()
    assert html.count('class="sub-order"') == 2
    assert "Parcel 1: First" in html and "Parcel 2: Second" in html
    assert buyer.identities.get().id_number_masked in html
    assert "customs mode 9610" in html and "To pay" in html
    assert "Place the order" in html and " disabled>" not in html
    assert "keeps the goods for you for 15 minutes" in html


def test_placing_twice_with_one_page_gives_one_order(client, buyer):
    page = client.get("/en/checkout/").content.decode()
    token, total = token_of(page), total_of(page)
    first = place(client, buyer, token, total)
    second = place(client, buyer, token, total)
    order = Order.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/en/orders/{order.number}/"
    page = client.get(first["Location"]).content.decode()
    assert order.number in page and "Placed, awaiting payment" in page
    assert "Beijing time" in page
    assert order.number in client.get("/en/orders/").content.decode()


def test_the_cart_links_to_checkout_and_checkout_needs_a_signed_in_buyer(
    client, shopping
):
    assert client.get("/en/checkout/")["Location"].startswith("/en/login/")


def test_a_buyer_without_identity_is_asked_for_one(client, shopping):
    from django.contrib.auth import get_user_model

    newcomer = get_user_model().objects.create_user("newcomer")
    shopping.cart(newcomer, [(shopping.products["a"], 1)])
    client.force_login(newcomer)
    html = client.get("/en/checkout/").content.decode()
    assert "You have not added an identity yet." in html and " disabled>" in html
    response = client.post(
        "/en/account/addresses/new/?next=checkout",
        {
            "recipient": "王小明",
            "phone": "12345",
            "province": "上海市",
            "city": "上海市",
            "district": "浦东新区",
            "street": "世纪大道 100 号",
        },
    )
    assert "Enter a mainland China mobile number." in response.content.decode()
    response = client.post(
        "/en/account/addresses/new/?next=checkout",
        {
            "recipient": "王小明",
            "phone": "13800138000",
            "province": "上海市",
            "city": "上海市",
            "district": "浦东新区",
            "street": "世纪大道 100 号",
        },
    )
    assert response["Location"].startswith("/en/checkout/?address=")


def test_the_buyer_cancels_and_the_stock_comes_back(client, buyer):
    token = token_of(client.get("/en/checkout/").content.decode())
    place(client, buyer, token)
    order = Order.objects.get()
    assert sum(Stock.objects.values_list("allocated", flat=True)) == 3
    client.post(f"/en/orders/{order.number}/cancel/")
    order.refresh_from_db()
    assert order.state == "cancelled"
    assert sum(Stock.objects.values_list("allocated", flat=True)) == 0


def test_another_buyers_order_is_not_found(client, buyer, shopping):
    token = token_of(client.get("/en/checkout/").content.decode())
    place(client, buyer, token)
    order = Order.objects.get()
    client.force_login(shopping.buyer())
    assert client.get(f"/en/orders/{order.number}/").status_code == 404
    assert client.post(f"/en/orders/{order.number}/cancel/").status_code == 404
    order.refresh_from_db()
    assert order.state == "placed"


def test_stock_gone_since_the_cart_is_said_plainly(client, buyer, shopping):
    token = token_of(client.get("/en/checkout/").content.decode())
    Stock.objects.filter(variant__product=shopping.products["a"]).update(allocated=19)
    html = place(client, buyer, token).content.decode()
    sku = shopping.products["a"].variants.get().sku
    assert f"{sku}: 2 wanted, 1 left." in html
    assert not Order.objects.exists()


def test_a_page_without_its_token_places_nothing(client, buyer):
    html = place(client, buyer, "").content.decode()
    assert "This page has expired" in html and not Order.objects.exists()
    assert re.search(r'name="token" value="[0-9a-f]{32}"', html)


def test_checkout_says_before_placing_that_a_yearly_cap_would_be_passed(client, buyer):
    from etalage.customs.models import PositiveListEntry

    entry = PositiveListEntry.objects.get(hs_code="1806900000")
    entry.yearly_cap = "500 g"
    entry.save()
    html = client.get("/en/checkout/").content.decode()  # 3 x 250 g in the cart
    assert "China allows each person 500 g a year" in html
    assert "500 g is left for you this year" in html and " disabled>" in html


def test_a_total_that_changed_since_the_page_places_nothing(client, buyer, shopping):
    page = client.get("/en/checkout/").content.decode()
    variant = shopping.products["a"].variants.get()
    variant.price_eur = D("11.00")
    variant.save()
    html = place(client, buyer, token_of(page), total_of(page)).content.decode()
    assert "The total is now" in html and "as shown" in html
    assert not Order.objects.exists()


def test_the_cart_of_another_market_says_where_orders_go(client, buyer):
    client.cookies["etalage_market"] = "BE"
    html = client.get("/en/cart/").content.decode()
    assert "Étalage delivers orders to mainland China only" in html
    assert "/en/checkout/" not in html
    client.cookies["etalage_market"] = "CN"
    assert "/en/checkout/" in client.get("/en/cart/").content.decode()


def test_the_checkout_page_reads_the_same_queries_for_few_or_many_lines(
    client, buyer, shopping, catalogue, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/en/checkout/")
    for n in range(6):
        merchant = shopping.products["ac"[n % 2]].merchant
        product = catalogue.product(merchant=merchant)
        shopping.stock(product)
        shopping.cart(buyer, [(product, 1)])
    with CaptureQueriesContext(connection) as many:
        client.get("/en/checkout/")
    # With Redis, the session is read from the cache (cached_db), not the database.
    # One read is the routes' transit times (the delivery promise; cached in
    # production); three the promotions in force, the sale prices and the buyer's
    # claimed coupons.
    session = 0 if settings.ETALAGE_REDIS_URL else 1
    assert len(few) == len(many) == 18 + 3 + session


def test_the_cart_checks_the_limits_of_the_identity_chosen_at_checkout(client, buyer):
    from etalage.conftest import resident_id
    from etalage.customs.services import cbec_year, identity_add, usage_reserve

    other = identity_add(user=buyer, real_name="李四", id_number=resident_id(900),
                         mobile="13900139000", consent=True)  # fmt: skip
    usage_reserve(id_number_hmac=other.id_number_hmac, year=cbec_year(),
                  amount=D("25990.00"))  # fmt: skip
    assert "over China's limit" not in client.get("/en/cart/").content.decode()
    client.get(f"/en/checkout/?identity={other.pk}")
    cart = client.get("/en/cart/").content.decode()
    assert "over China&#x27;s limit of 26,000 CNY a year" in cart


def test_a_buyer_corrects_and_deletes_identities_and_addresses(client, buyer):
    identity, address = buyer.identities.get(), buyer.addresses.get()
    client.post(f"/en/account/identities/{identity.pk}/",
                {"real_name": "王晓明", "mobile": "13900139000"})  # fmt: skip
    new_address = {
        "recipient": "王晓明",
        "phone": "13900139000",
        "province": "北京市",
        "city": "北京市",
        "district": "朝阳区",
        "street": "建国路 1 号",
    }
    client.post(f"/en/account/addresses/{address.pk}/", new_address)
    identity.refresh_from_db()
    address.refresh_from_db()
    assert identity.real_name == "王晓明" and address.city == "北京市"
    client.post(f"/en/account/identities/{identity.pk}/delete/")
    client.post(f"/en/account/addresses/{address.pk}/delete/")
    page = client.get("/en/account/").content.decode()
    assert "王晓明" not in page and "3604" not in page
    identity.refresh_from_db()
    assert identity.deleted_at is not None  # its number and usage stay the account's
    assert not buyer.addresses.exists()


def test_another_buyer_cannot_touch_my_identity_or_address(client, buyer, shopping):
    stranger = shopping.buyer()
    client.force_login(stranger)
    identity, address = buyer.identities.get(), buyer.addresses.get()
    for url in (f"/en/account/identities/{identity.pk}/",
                f"/en/account/addresses/{address.pk}/"):  # fmt: skip
        assert client.get(url).status_code == 404
        assert client.post(url + "delete/").status_code == 404
    identity.refresh_from_db()
    assert identity.deleted_at is None and buyer.addresses.exists()


def test_my_orders_show_money_as_money_and_the_email_greets_by_name(
    client, buyer, shopping, django_capture_on_commit_callbacks
):
    from django.core import mail

    from etalage.events.outbox import outbox_deliver

    order = shopping.place(buyer).order
    html = client.get("/en/orders/").content.decode()
    assert f"CN¥{order.total:,.2f}" in html and f"{order.total} CNY" not in html
    with django_capture_on_commit_callbacks(execute=True):  # sent after commit
        outbox_deliver()
    assert mail.outbox[-1].body.startswith("Hello 王小明,")


def test_the_history_speaks_the_buyer_s_language_and_marks_an_operator_s_words(
    client, buyer, shopping
):
    from django.contrib.auth import get_user_model

    from etalage.orders.services import order_pay, orders_expire

    order = shopping.place(buyer).order
    Order.objects.filter(pk=order.pk).update(hold_expires_at=order.created_at)
    orders_expire()
    html = client.get(f"/fr/orders/{order.number}/").content.decode()
    assert "Non payée avant la fin de la réservation." in html

    operator = get_user_model().objects.create_user("op", is_staff=True)
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    paid = order_pay(order=shopping.place(buyer, key="k2").order, by=operator,
                     reason="virement reçu", explanation="operator_note",
                     explanation_data={"words": "virement reçu"})  # fmt: skip
    html = client.get(f"/en/orders/{paid.number}/").content.decode()
    assert "Paid (Étalage's note: “virement reçu”)" in html


def test_a_cart_line_costs_what_its_product_page_says(client, shopping):
    """One unit alone in the cart: the product page's price (goods and their CBEC
    tax) is the cart line's price, and the parcel adds only its shipping."""
    buyer = shopping.buyer()
    product = shopping.products["c"]
    shopping.cart(buyer, [(product, 1)])
    client.force_login(buyer)
    page = client.get(f"/en/p/{product.slug}/").content.decode()
    shown = re.search(r'<td class="price">([^<]+)</td>', page).group(1)
    cart = client.get("/en/cart/").content.decode()
    assert "Unit price, tax incl." in cart
    row = re.search(r'<tr>\s*<th scope="row" class="cart-product">.*?</tr>', cart, re.S)
    unit, subtotal = re.findall(r"<td[^>]*>([^<]+)</td>", row.group(0))
    assert unit == subtotal == shown


@pytest.mark.parametrize("language", ["fr", "nl", "zh-hans", "en"])
def test_a_buyer_places_the_order_in_every_language(client, buyer, language):
    """The form is sent back as the page wrote it: no machine value is localized."""
    prefix = "" if language == "zh-hans" else f"/{language}"
    page = client.get(f"{prefix}/checkout/").content.decode()
    hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page)
    hidden = dict(hidden)
    answer = client.post(
        f"{prefix}/checkout/",
        {
            **hidden,
            "identity": str(buyer.identities.get().pk),
            "address": str(buyer.addresses.get().pk),
        },
    )
    order = Order.objects.get()
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert answer["Location"] == f"{prefix}/orders/{order.number}/"
    assert D(hidden["total"]) == order.total


def test_chinese_pages_say_modify_for_an_address_and_switch_for_the_market(
    client, buyer
):
    html = client.get("/account/").content.decode()
    assert "修改</a>" in html and "切换</button>" in html
    assert '<a class="brand" href="/">' in html  # named by the text it shows


def test_the_order_page_says_a_payment_is_being_confirmed_or_did_not_go_through(
    client, buyer, shopping
):
    from etalage.payments.models import Payment

    order = shopping.place(buyer).order
    page = f"/en/orders/{order.number}/"
    assert "Confirming your payment" not in client.get(page).content.decode()
    payment = Payment.objects.create(
        order=order, provider="alipay", request_id=f"{order.number}-P1",
        amount=order.total, currency=order.currency,
        redirect_url="https://cashier.example/", state=Payment.State.PENDING,
    )  # fmt: skip
    back = client.get(page).content.decode()
    assert "Confirming your payment" in back and "did not go through" not in back
    Payment.objects.filter(pk=payment.pk).update(state=Payment.State.FAILED)
    declined = client.get(page).content.decode()
    assert "Your payment did not go through" in declined
    assert "Confirming your payment" not in declined and "Pay with Alipay" in declined
    zh = client.get(f"/orders/{order.number}/").content.decode()
    assert "您的付款未成功" in zh


def test_the_cart_shows_each_product_s_picture_and_removes_a_line(
    client, buyer, shopping, django_assert_max_num_queries
):
    from etalage.catalog.services import product_image_add
    from etalage.catalog.tests.test_product_images import picture

    product_image_add(product=shopping.products["a"], data=picture((600, 600)))
    with django_assert_max_num_queries(CART_QUERIES):
        cart = client.get("/en/cart/").content.decode()
    assert cart.count('<img src="/media/') == 1  # the product with a picture
    assert cart.count('name="remove"') == 2 and 'class="button primary"' in cart
    line = buyer.carts.get().lines.get(variant__product=shopping.products["c"])
    client.post("/en/cart/", {"remove": str(line.pk), f"line-{line.pk}": "1"})
    left = client.get("/en/cart/").content.decode()
    assert shopping.products["c"].slug not in left
    assert shopping.products["a"].slug in left


def test_the_order_names_its_products_in_the_reader_s_language(client, buyer, shopping):
    order = shopping.place(buyer).order
    line = order.sub_orders.first().lines.first()
    english = client.get(f"/en/orders/{order.number}/").content.decode()
    french = client.get(f"/fr/orders/{order.number}/").content.decode()
    chinese = client.get(f"/orders/{order.number}/").content.decode()
    assert "(en)" in english and "(fr)" not in english
    assert "(fr)" in french and "(en)" not in french
    assert line.name_zh in chinese  # what customs was told
