"""The buyer's order page shows a discounted order as the cart and checkout did:
the lines at the prices shown, then each offer by name with what it took off, so
that its figures add up to the total (customs and the books keep the declared
prices: ``promotions.declared``)."""

import re
from decimal import Decimal as D

import pytest

from etalage.orders.models import Order
from etalage.web.tests.test_checkout_coupon_choice import _page_fields
from etalage.web.tests.test_promotion_pages import buyer, make  # noqa: F401

pytestmark = pytest.mark.django_db

AMOUNT = r"−?CN¥([0-9,]+\.[0-9]{2})"


def _amount(text: str) -> D:
    return D(re.search(AMOUNT, text).group(1).replace(",", ""))


def _cells(html: str, label: str) -> list[D]:
    return [_amount(m) for m in re.findall(rf'data-label="{label}">([^<]*)<', html)]


def _rows(table: str) -> dict[str, D]:
    return {
        th: _amount(td)
        for th, td in re.findall(r'<th scope="row">([^<]*)</th><td>([^<]*)</td>', table)
    }


def test_the_order_page_shows_lines_as_at_checkout_and_names_each_offer(
    client,
    shopping,
    buyer,  # noqa: F811
):
    merchant = shopping.products["a"].merchant
    make(merchant, kind="spend_and_save", name="Shop's", amount_off=D("30.00"),
         threshold=D("150.00"))  # fmt: skip
    make(code="WELCOME", amount_off=D("5.00"))
    checkout = client.get("/en/checkout/?coupon=welcome").content.decode()
    shown_lines = _cells(checkout, "Subtotal, tax incl.")
    placed = client.post("/en/checkout/", {
        **_page_fields(checkout), "coupon": "welcome",
        "identity": str(buyer.identities.get().pk),
        "address": str(buyer.addresses.get().pk),
    })  # fmt: skip
    assert placed.status_code == 302
    order = Order.objects.get()
    html = client.get(placed["Location"]).content.decode()
    lines = _cells(html, "Subtotal, tax incl.")
    assert shown_lines and lines == shown_lines  # as at checkout, not reduced
    table = re.search(r'<table class="breakdown">.*?</table>', html, re.S).group(0)
    rows = _rows(table)
    offers = {k: v for k, v in rows.items() if "off" in k}
    assert offers == {"CN¥30.00 off every CN¥150.00": D("30.00"),
                      "CN¥5.00 off": D("5.00")}  # fmt: skip
    assert "Promotions" not in rows
    total = rows["Total"]
    assert total == order.total
    # lines (their tax in them) + shipping − offers = total, to the cent
    assert sum(lines) + rows["Shipping"] - sum(offers.values()) == total
    taxes = sum(v for k, v in rows.items() if k in ("Import VAT", "Consumption tax",
                                                  "Import duty"))  # fmt: skip
    assert rows["Goods"] + rows["Shipping"] - sum(offers.values()) + taxes == total


def test_the_carts_hint_says_which_figure_the_threshold_is_measured_on(
    client,
    shopping,
    buyer,  # noqa: F811
):
    make(shopping.products["a"].merchant, kind="spend_and_save",
         amount_off=D("30.00"), threshold=D("300.00"))  # fmt: skip
    html = client.get("/en/cart/").content.decode()
    assert "before tax and shipping (the “Goods” line of its parcels)" in html
    more = _amount(re.search(r"First: (CN¥[0-9,.]+) more for", html).group(1))
    goods = _rows(re.search(r'<table class="breakdown">.*?</table>', html, re.S)[0])
    assert goods["Goods"] + more == D(
        "300.00"
    )  # the figure labelled, not the tax-incl.


def test_an_order_of_two_parcels_names_its_offers_for_the_order_and_each_parcel(
    client,
    shopping,
    buyer,  # noqa: F811
):
    shopping.cart(buyer, [(shopping.products["c"], 1)])  # a second shop's parcel
    make(code="WELCOME", amount_off=D("10.00"))
    checkout = client.get("/en/checkout/?coupon=welcome").content.decode()
    placed = client.post("/en/checkout/", {
        **_page_fields(checkout), "coupon": "welcome",
        "identity": str(buyer.identities.get().pk),
        "address": str(buyer.addresses.get().pk),
    })  # fmt: skip
    assert placed.status_code == 302
    html = client.get(placed["Location"]).content.decode()
    parcels = re.findall(r'<table class="breakdown">.*?</table>', html, re.S)
    assert len(parcels) == 2
    named = re.search(r'<table class="breakdown offers">.*?</table>', html, re.S)
    assert _rows(named[0]) == {"CN¥10.00 off": D("10.00")}
    taken = sum(_rows(p).get("CN¥10.00 off", D(0)) for p in parcels)  # its shares
    assert taken == D("10.00")
    assert sum(_rows(p)["Total"] for p in parcels) == Order.objects.get().total


def test_each_parcel_names_its_own_offers_and_its_share_of_the_platform_coupon(
    client,
    shopping,
    buyer,  # noqa: F811
):
    """Two shops, each with its own offer, and a platform coupon over both: each
    parcel names its shop's offer and what the coupon took off that parcel, and
    its figures add up to its total; the order's table names each offer once."""
    shopping.cart(buyer, [(shopping.products["c"], 1)])  # a second shop's parcel
    first, second = shopping.products["a"].merchant, shopping.products["c"].merchant
    assert first != second
    make(first, kind="spend_and_save", name="A's", amount_off=D("10.00"),
         threshold=D("100.00"))  # fmt: skip
    make(second, kind="free_shipping", name="C's", threshold=D("1.00"))
    make(code="WELCOME", amount_off=D("10.00"))
    checkout = client.get("/en/checkout/?coupon=welcome").content.decode()
    placed = client.post("/en/checkout/", {
        **_page_fields(checkout), "coupon": "welcome",
        "identity": str(buyer.identities.get().pk),
        "address": str(buyer.addresses.get().pk),
    })  # fmt: skip
    assert placed.status_code == 302
    html = client.get(placed["Location"]).content.decode()
    tables = re.findall(r'<table class="breakdown">.*?</table>', html, re.S)
    parcels = [_rows(table) for table in tables]
    assert len(parcels) == 2
    coupon = "CN¥10.00 off"
    assert "CN¥10.00 off every CN¥100.00" in parcels[0]
    assert any(k.startswith("Free shipping") for k in parcels[1]), parcels[1]
    assert all("Promotions" not in p for p in parcels)
    assert parcels[0][coupon] + parcels[1][coupon] == D("10.00")
    assert parcels[0][coupon] > 0 and parcels[1][coupon] > 0
    for rows in parcels:
        offers = sum(v for k, v in rows.items() if "off" in k or "Free" in k)
        taxes = sum(v for k, v in rows.items() if k in ("Import VAT",
                    "Consumption tax", "Import duty"))  # fmt: skip
        assert rows["Goods"] + rows["Shipping"] - offers + taxes == rows["Total"]
    named = re.search(r'<table class="breakdown offers">.*?</table>', html, re.S)
    assert _rows(named[0])[coupon] == D("10.00")
