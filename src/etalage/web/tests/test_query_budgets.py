"""The key pages make a fixed number of queries, however many products they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from etalage.catalog.models import PavilionEntry
from etalage.catalog.services import product_image_add
from etalage.catalog.tests.test_product_images import picture

pytestmark = pytest.mark.usefixtures("ecb_rates", "today_is_2024_07_01")

# Queries per page: markets, rate, CBEC tax rates, freight rates, category tree (2),
# then the page's own reads (the product page: also its positive-list line and stock).
# In production the first six come from the cache. A page of cards reads their
# ratings and sales in one query; the product page its rating and sales in one.
# The product page reads the product in five small reads of values (the product
# and its merchant, texts, merchant texts, pictures, variants), the coupons to
# claim and the offers (reference data), and the sales running on its variants.
BUDGETS = {"home": 16, "category": 14, "product": 18}


def fill(catalogue, category, count):
    merchant = catalogue.merchant()
    products = [
        catalogue.product(merchant=merchant, category=category, prices=("5", "9"))
        for _ in range(count)
    ]
    image = picture((300, 300))
    for product in products[:3]:
        product_image_add(product=product, data=image, is_illustration=True)
    PavilionEntry.objects.create(merchant=merchant)
    for product in products[:4]:
        PavilionEntry.objects.create(product=product)
    return products


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["home", "category", "product"])
def test_a_page_makes_the_same_few_queries_for_few_or_many_products(
    client, catalogue, page
):
    counts = []
    for size in (4, 24):
        category = catalogue.category()
        products = fill(catalogue, category, size)
        url = {
            "home": "/",
            "category": f"/c/{category.slug}/",
            "product": f"/p/{products[0].slug}/",
        }[page]
        counts.append(count_queries(client, url))
    assert counts[0] == counts[1] == BUDGETS[page], counts


def test_with_the_reference_cache_a_product_page_reads_only_the_product(
    client, catalogue, settings
):
    from django.core.cache import cache

    settings.ETALAGE_REFERENCE_CACHE_SECONDS = 60
    cache.clear()
    products = fill(catalogue, catalogue.category(), 4)
    client.get(f"/p/{products[1].slug}/")  # fills the cache
    # The 8 reference reads (markets, rates, tax, freight, lists, categories) cached,
    # and the shop's offers and coupons, the same on each of its products' pages.
    assert count_queries(client, f"/p/{products[0].slug}/") == BUDGETS["product"] - 10
    cache.clear()


def test_with_the_reference_cache_a_category_page_does_not_count_again(
    client, catalogue, settings
):
    from django.core.cache import cache

    settings.ETALAGE_REFERENCE_CACHE_SECONDS = 60
    cache.clear()
    category = catalogue.category()
    fill(catalogue, category, 30)
    client.get(f"/c/{category.slug}/")
    # Markets, rate, category tree, merchants of the filter and the count are all
    # reused: only the page of products, its two prefetches and the cards' ratings
    # and sales remain.
    assert count_queries(client, f"/c/{category.slug}/?page=2") == 4
    cache.clear()
