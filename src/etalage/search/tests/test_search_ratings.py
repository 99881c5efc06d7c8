"""Buyers' stars in the index: a "4 stars and up" filter and its count, and a
small ranking signal that parts otherwise equal texts (never a text's match)."""

from decimal import Decimal

from etalage.reviews.models import ProductRating
from etalage.search.index import search_reindex
from etalage.search.selectors import Filters, search_products
from etalage.search.tests.test_search import shelf  # noqa: F401 (a fixture)


def _rated(product, **stars):
    counts = {"one": 0, "two": 0, "three": 0, "four": 0, "five": 0, **stars}
    total = sum(n * i for i, n in enumerate(counts.values(), start=1))
    count = sum(counts.values())
    ProductRating.objects.create(
        product=product, count=count, average=Decimal(total) / count, **counts
    )


def _slugs(results):
    return [p.slug for p in results.products]


def test_four_stars_and_up_filters_and_is_counted(shelf):  # noqa: F811
    _rated(shelf["tripel"], five=3, four=1)  # 4.8
    _rated(shelf["saison"], four=1)  # 4.0: counted
    _rated(shelf["truffles"], five=1)  # not a beer
    search_reindex()
    beers = search_products(text="啤酒", market_code="CN", currency="CNY")
    assert beers.facets["stars"] == [{"value": 4, "count": 2}]
    ProductRating.objects.filter(pk=shelf["saison"].pk).update(
        four=0, three=1, average=Decimal("3.0")
    )
    search_reindex()
    beers = search_products(text="啤酒", market_code="CN", currency="CNY")
    assert beers.facets["stars"] == [{"value": 4, "count": 1}]
    rated = search_products(text="啤酒", market_code="CN", currency="CNY",
                            filters=Filters(min_stars=4))  # fmt: skip
    assert _slugs(rated) == [shelf["tripel"].slug]


def test_of_two_equal_texts_the_better_rated_comes_first(shelf, catalogue):  # noqa: F811
    twins = [catalogue.product(name="Gaufre de Liège au sucre perlé") for _ in "ab"]
    search_reindex()
    first = _slugs(search_products(text="gaufre", market_code="CN", currency="CNY"))
    assert sorted(first) == sorted(p.slug for p in twins)
    _rated(next(p for p in twins if p.slug == first[-1]), five=2)
    search_reindex()
    again = _slugs(search_products(text="gaufre", market_code="CN", currency="CNY"))
    assert again == [first[-1], first[0]]


def test_the_search_page_and_the_api_offer_four_stars_and_up(client, shelf):  # noqa: F811
    _rated(shelf["tripel"], five=1)
    search_reindex()
    page = client.get("/en/search/", {"q": "啤酒"}).content.decode()
    assert "4 stars and up" in page and "stars=4" in page
    narrowed = client.get("/en/search/", {"q": "啤酒", "stars": "4"}).content.decode()
    assert shelf["tripel"].slug in narrowed and shelf["saison"].slug not in narrowed
    answer = client.get("/api/v1/products", {"q": "啤酒", "min_stars": 4}).json()
    assert [p["slug"] for p in answer["items"]] == [shelf["tripel"].slug]
    assert answer["search"]["facets"]["stars"][0]["count"] == 1
