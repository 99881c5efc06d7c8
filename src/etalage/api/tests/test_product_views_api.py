"""A product read through the API's product endpoint is a view, counted like the
product page's (``analytics.product_views``), so the dashboards' views and
conversion include the apps' buyers; a product not on sale counts nothing."""

import pytest

from etalage.analytics.models import ProductViewDay
from etalage.analytics.product_views import product_views_flush, product_views_pending

pytestmark = pytest.mark.usefixtures("ecb_rates", "today_is_2024_07_01")


def test_the_api_s_product_endpoint_counts_a_view_like_the_page(client, shopping):
    product = shopping.products["a"]
    product_views_flush()  # whatever an earlier test left in this process
    assert client.get(f"/api/v1/products/{product.slug}").status_code == 200
    assert client.get(f"/api/v1/products/{product.slug}").status_code == 200
    assert client.get("/api/v1/products/no-such-thing").status_code == 404
    assert product_views_pending() == 2
    assert product_views_flush() == 2
    assert ProductViewDay.objects.get(product=product).views == 2


def test_reading_a_product_s_reviews_is_not_a_view(client, shopping):
    product = shopping.products["a"]
    product_views_flush()
    assert client.get(f"/api/v1/products/{product.slug}/reviews").status_code == 200
    assert product_views_pending() == 0
