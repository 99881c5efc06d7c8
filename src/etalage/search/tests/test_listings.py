"""Category and merchant pages served by the search index: a listing is a search
with filters and no words; without an index the node lists from the database."""

import pytest

from etalage.catalog.models import Product
from etalage.search.feed import changes_record, search_follow
from etalage.search.index import search_reindex


@pytest.fixture
def shelf(catalogue, ecb_rates, today_is_2024_07_01):
    sweets = catalogue.category("chocolate", names={"en": "Chocolate"})
    pralines = catalogue.category("pralines", names={"en": "Pralines"}, parent=sweets)
    maker = catalogue.merchant("Chocolaterie Lesse")
    made = {
        "bar": catalogue.product(category=sweets, name="Dark bar", prices=("3.00",)),
        "box": catalogue.product(
            category=pralines, name="Praline box", merchant=maker, prices=("40.00",)
        ),
        "truffles": catalogue.product(
            category=sweets, name="Truffles", prices=("12.00",)
        ),
    }
    search_reindex()
    return made


def names(html):
    return [n for n in ("Dark bar", "Praline box", "Truffles") if n in html]


def test_a_category_lists_its_own_and_its_subcategories_products(client, shelf):
    html = client.get("/en/c/chocolate/").content.decode()
    assert set(names(html)) == {"Dark bar", "Praline box", "Truffles"}
    assert "3 products" in html
    assert names(client.get("/en/c/pralines/").content.decode()) == ["Praline box"]


def test_a_listing_sorts_by_price_and_filters_by_price_and_merchant(client, shelf):
    html = client.get("/en/c/chocolate/", {"sort": "price"}).content.decode()
    order = sorted(names(html), key=html.index)
    assert order == ["Dark bar", "Truffles", "Praline box"]
    html = client.get("/en/c/chocolate/", {"sort": "-price"}).content.decode()
    assert sorted(names(html), key=html.index) == [
        "Praline box",
        "Truffles",
        "Dark bar",
    ]
    shown = Product.objects.get(pk=shelf["truffles"].pk).listing_prices.get(
        market_code="CN"
    )
    html = client.get("/en/c/chocolate/", {"price_max": str(shown.amount)})
    assert set(names(html.content.decode())) == {"Dark bar", "Truffles"}  # included
    html = client.get("/en/c/chocolate/", {"merchant": shelf["box"].merchant.slug})
    assert names(html.content.decode()) == ["Praline box"]


def test_a_merchants_page_lists_what_the_index_holds_of_it(client, shelf):
    html = client.get(f"/en/m/{shelf['box'].merchant.slug}/").content.decode()
    assert names(html) == ["Praline box"]


def test_the_listing_is_the_indexs_until_the_index_follows(client, shelf, catalogue):
    late = catalogue.product(category=shelf["bar"].category, name="Gianduja")
    assert "Gianduja" not in client.get("/en/c/chocolate/?page=1").content.decode()
    changes_record([late.pk])
    search_follow()
    # (another page's address: the first is kept as a fragment for a while)
    assert "Gianduja" in client.get("/en/c/chocolate/?sort=price").content.decode()


def test_a_page_past_the_end_shows_the_last_page(client, shelf):
    html = client.get("/en/c/chocolate/", {"page": "9"}).content.decode()
    assert set(names(html)) == {"Dark bar", "Praline box", "Truffles"}
