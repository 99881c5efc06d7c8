"""How many queries a search page and a listing make: a few, the same for a page
of two products as for a page of eight (the page's cards are what the index
stored of each product: no product row is read; the API reads the page's
products in one go, with only what their summaries show)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from etalage.search.index import search_reindex
from etalage.search.tests.test_search import shelf  # noqa: F401 (a fixture)

# The cards from the index, their ratings and sales too. (Tests keep no
# reference data, so the glossary, markets, rates and categories are read too.)
SEARCH_PAGE_QUERIES = 15
API_SEARCH_QUERIES = 18


def queries(client, path, data):
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(path, data)
    assert answer.status_code == 200
    return len(captured.captured_queries)


def test_a_search_page_makes_as_many_queries_for_two_products_as_for_eight(
    client,
    markets,
    shelf,  # noqa: F811
    catalogue,
):
    client.get("/en/search/", {"q": "啤酒"})  # (the page's first visit warms up)
    two = queries(client, "/en/search/", {"q": "啤酒"})
    two_api = queries(client, "/api/v1/products", {"q": "啤酒", "lang": "en"})
    beers = shelf["tripel"].category
    for n in range(6):
        catalogue.product(category=beers, name=f"Bière blonde {n}")
    search_reindex()
    page = client.get("/en/search/", {"q": "啤酒"}).content.decode()
    assert "8 products" in page
    eight = queries(client, "/en/search/", {"q": "啤酒"})
    eight_api = queries(client, "/api/v1/products", {"q": "啤酒", "lang": "en"})
    assert two == eight == SEARCH_PAGE_QUERIES
    assert two_api == eight_api == API_SEARCH_QUERIES
