"""The delivery promise on the product page, the cart, checkout and the order page,
in each language; the order page holds the parcel to the window it was placed with."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from etalage.core.time_zones import BEIJING
from etalage.orders.services import order_pay
from etalage.orders.transit_times import delivery_windows, window_text

LANGUAGES = {"zh-hans": "", "fr": "/fr", "nl": "/nl", "en": "/en"}


def promise_in(language: str) -> str:
    window = delivery_windows(["direct_liege"])["direct_liege"]
    with translation.override(language):
        return window_text(window)


@pytest.fixture
def buyer(shopping, client):
    buyer = shopping.buyer()
    client.force_login(buyer)
    return buyer


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_product_page_cart_and_checkout_show_when_a_parcel_arrives(
    client, buyer, shopping, language
):
    prefix = LANGUAGES[language]
    expected = promise_in(language)
    product = client.get(f"{prefix}/p/{shopping.products['a'].slug}/")
    assert expected in product.content.decode()
    shopping.cart(buyer, [(shopping.products["a"], 1), (shopping.products["c"], 1)])
    cart = client.get(f"{prefix}/cart/").content.decode()
    assert cart.count(expected) == 2  # one parcel per merchant
    checkout = client.get(f"{prefix}/checkout/").content.decode()
    assert checkout.count(expected) == 2
    if language == "zh-hans":
        assert re.search(r"预计 \d{1,2}月\d{1,2}日–\d{1,2}月\d{1,2}日送达", expected)
        assert "该线路签收记录尚少，暂为估计值。" in cart


def test_a_product_page_kept_as_a_fragment_still_says_today_s_window(
    client, shopping, settings
):
    settings.ETALAGE_FRAGMENT_CACHE_SECONDS = 60
    url = f"/en/p/{shopping.products['a'].slug}/"
    client.get(url)
    html = client.get(url).content.decode()
    assert promise_in("en") in html and "<promise-slot/>" not in html


def test_the_order_keeps_its_window_and_its_page_says_on_time_then_late(
    client, buyer, shopping
):
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    order = order_pay(order=shopping.place(buyer).order, reason="paid")
    sub = order.sub_orders.get()
    window = delivery_windows(["direct_liege"])["direct_liege"]
    assert (sub.promised_from, sub.promised_by) == (window.earliest, window.latest)
    html = client.get(f"/en/orders/{order.number}/").content.decode()
    assert "Promised at checkout:" in html and "On time: expected by" in html
    # Promised for three days from now: the default's ten days make it a week late.
    today = timezone.now().astimezone(BEIJING).date()
    sub.promised_by = today + timedelta(days=3)
    sub.save(update_fields=["promised_by"])
    html = client.get(f"/zh-hans/orders/{order.number}/".replace("/zh-hans", ""))
    assert "已延误 7 天" in html.content.decode()


def test_an_order_placed_before_promises_shows_none(client, buyer, shopping):
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    order = shopping.place(buyer).order
    order.sub_orders.update(promised_from=None, promised_by=None)
    html = client.get(f"/en/orders/{order.number}/").content.decode()
    assert "Promised at checkout" not in html


def test_with_the_reference_cache_the_promise_costs_the_product_page_no_query(
    client, shopping, settings
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.ETALAGE_REFERENCE_CACHE_SECONDS = 60
    cache.clear()
    url = f"/en/p/{shopping.products['a'].slug}/"
    client.get(url)  # fills the cache
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert promise_in("en") in html
    assert not [q for q in queries if "routetransit" in q["sql"].lower()]
    cache.clear()
