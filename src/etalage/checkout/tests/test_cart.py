"""The cart: lines from many merchants, priced per merchant sub-order, live."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from etalage.checkout.models import CartLine
from etalage.pricing.models import FreightRate

pytestmark = pytest.mark.usefixtures("ecb_rates", "today_is_2024_07_01")


@pytest.fixture
def shop(catalogue):
    FreightRate.objects.create(
        route="direct_liege",
        max_grams=5000,
        price_cny=D("58.00"),
        effective_from=date(2024, 1, 1),
    )
    first, second = catalogue.merchant("First"), catalogue.merchant("Second")
    products = {
        "a": catalogue.product(merchant=first, prices=("10.00",)),
        "b": catalogue.product(merchant=first, prices=("20.00",)),
        "c": catalogue.product(merchant=second, prices=("30.00",)),
        "hidden": catalogue.product(merchant=second, status="draft"),
    }
    stocked(list(products.values()))
    return products


def stocked(products, quantity=20):
    from etalage.inventory.models import Warehouse
    from etalage.inventory.services import stock_receive

    hub = Warehouse.objects.get_or_create(
        code="hub", defaults={"name": "Hub", "kind": "hub"}
    )[0]
    for product in products:
        for variant in product.variants.all():
            stock_receive(warehouse=hub, variant=variant, quantity=quantity)


def add(client, product, quantity=1):
    variant = product.variants.get()
    return client.post(
        "/en/cart/add/", {"variant": str(variant.pk), "quantity": quantity}
    )


def test_a_cart_across_two_merchants_shows_each_sub_order_and_the_total(client, shop):
    add(client, shop["a"], 2)
    add(client, shop["c"])
    html = client.get("/en/cart/").content.decode()
    assert html.count('class="sub-order"') == 2
    # First: 2 x 79.30 goods, 58.00 shipping, VAT (158.60 + 58) x 13 % x 70 % = 19.71
    assert "CN¥158.60" in html and "CN¥58.00" in html and "CN¥19.71" in html
    assert "CN¥236.31" in html  # 158.60 + 58.00 + 19.71


def test_adding_again_grows_the_line_and_zero_removes_it(client, shop):
    add(client, shop["a"])
    add(client, shop["a"], 3)
    line = CartLine.objects.get()
    assert line.quantity == 4
    client.post("/en/cart/", {f"line-{line.pk}": "0"})
    assert not CartLine.objects.exists()
    assert "Your cart is empty." in client.get("/en/cart/").content.decode()


def test_a_product_not_on_sale_cannot_be_added(client, shop):
    add(client, shop["hidden"])
    assert not CartLine.objects.exists()
    assert "This product is not on sale." in client.get("/en/cart/").content.decode()


def test_a_visitor_never_sees_another_visitors_cart(client, shop):
    add(client, shop["a"])
    client.cookies.clear()
    assert "Your cart is empty." in client.get("/en/cart/").content.decode()


def test_the_yearly_limit_of_the_signed_in_buyer_is_checked(client, shop):
    from etalage.customs.services import cbec_year, identity_add, usage_reserve

    buyer = get_user_model().objects.create_user("buyer")
    identity = identity_add(
        user=buyer,
        real_name="王小明",
        id_number="360426199101010071",
        mobile="13800138000",
        consent=True,
    )
    usage_reserve(
        id_number_hmac=identity.id_number_hmac, year=cbec_year(), amount=D("25950.00")
    )
    client.force_login(buyer)
    add(client, shop["c"])
    html = client.get("/en/cart/").content.decode()
    assert "over China&#x27;s limit of 26,000 CNY a year" in html


def test_the_cart_page_reads_the_same_few_queries_for_few_or_many_lines(
    client, shop, catalogue
):
    add(client, shop["a"])
    with CaptureQueriesContext(connection) as few:
        client.get("/en/cart/")
    for _ in range(6):
        product = catalogue.product(merchant=shop["a"].merchant)
        stocked([product])
        add(client, product)
    with CaptureQueriesContext(connection) as many:
        client.get("/en/cart/")
    assert len(few) == len(many)


def test_the_cart_takes_what_there_is_and_never_more(client, shop, catalogue):
    scarce = catalogue.product(merchant=shop["a"].merchant)
    stocked([scarce], quantity=3)
    add(client, scarce, 2)
    add(client, scarce, 2)  # one more is all there is: the line keeps it
    assert CartLine.objects.get(variant__product=scarce).quantity == 3
    assert (
        "Only 1 more could be added: your cart now holds all 3 there are."
        in client.get("/en/cart/").content.decode()
    )
    add(client, scarce, 1)
    assert CartLine.objects.get(variant__product=scarce).quantity == 3
    assert "Only 3 left." in client.get("/en/cart/").content.decode()
    empty = catalogue.product(merchant=shop["a"].merchant)
    add(client, empty)
    assert "This product is out of stock." in client.get("/en/cart/").content.decode()
    assert not CartLine.objects.filter(variant__product=empty).exists()


def test_bonded_only_goods_come_only_from_a_bonded_warehouse(client, shop, catalogue):
    from etalage.customs.models import PositiveListEntry
    from etalage.inventory.models import Warehouse
    from etalage.inventory.services import stock_receive

    sugar = catalogue.product(merchant=shop["a"].merchant)
    PositiveListEntry.objects.filter(hs_code=sugar.hs_code).update(bonded_only=True)
    stocked([sugar])  # at the Liège hub only
    add(client, sugar)
    html = client.get("/en/cart/").content.decode()
    assert "only from a bonded warehouse in China" in html
    assert not CartLine.objects.filter(variant__product=sugar).exists()
    bonded = Warehouse.objects.create(code="bonded", name="Ningbo", kind="bonded")
    stock_receive(warehouse=bonded, variant=sugar.variants.get(), quantity=5)
    add(client, sugar)
    assert CartLine.objects.filter(variant__product=sugar).exists()


def test_signing_in_keeps_the_anonymous_cart_and_adds_it_to_the_buyers(client, shop):
    from etalage.checkout.models import Cart

    buyer = get_user_model().objects.create_user("anne", password="a decent password")
    mine = Cart.objects.create(user=buyer)
    CartLine.objects.create(cart=mine, variant=shop["a"].variants.get(), quantity=2)
    add(client, shop["a"], 3)
    add(client, shop["c"])
    client.post("/en/login/", {"username": "anne", "password": "a decent password"})
    assert Cart.objects.count() == 1
    quantities = dict(
        CartLine.objects.values_list("variant__product__slug", "quantity")
    )
    assert quantities == {shop["a"].slug: 5, shop["c"].slug: 1}


def test_a_malformed_variant_is_refused_with_a_reason(client, shop):
    client.post("/en/cart/add/", {"variant": "not-a-variant", "quantity": 1})
    assert "This product is not on sale." in client.get("/en/cart/").content.decode()
    assert not CartLine.objects.exists()
