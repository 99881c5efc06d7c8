"""The storefront's shared fragments: a product's or a category's body rendered once
for every viewer, renewed when the catalogue or the prices change, never carrying
one person's token or account to another."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from etalage.catalog.models import ProductTranslation
from etalage.events.outbox import event_record, outbox_deliver
from etalage.events.types import MerchantChanged, PricingChanged, ProductsChanged

pytestmark = pytest.mark.usefixtures("ecb_rates", "today_is_2024_07_01")


@pytest.fixture
def fragments(settings):
    settings.ETALAGE_FRAGMENT_CACHE_SECONDS = 30


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _tokenless(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_product_page_seen_again_reads_no_product(
    client, catalogue, fragments, settings
):
    product = catalogue.product(name="Pralines")
    first, html = _queries(client, f"/en/p/{product.slug}/")
    again, html_again = _queries(client, f"/en/p/{product.slug}/")
    # The product, its texts, images, variants and merchant texts and the sales
    # on its variants (its page data, kept too), the stock, its rating and sales
    # this month (its reviews' section, kept too) are read once; the eight
    # reference reads (markets, rates, taxes, freight, the lists, the category
    # tree) and the two of the offers shown (reference data too) remain, the
    # reference cache being off.
    assert (first, again) == (18, 10)
    assert _tokenless(html_again) == _tokenless(html)
    # With the reference cache, as in production, a page seen again reads nothing:
    # a sale starting or ending is an expiry of the kept data, not a query a view
    # (test_product_page_sale.py).
    settings.ETALAGE_REFERENCE_CACHE_SECONDS = 60
    _queries(client, f"/en/p/{product.slug}/")
    assert _queries(client, f"/en/p/{product.slug}/")[0] == 0


def test_a_first_view_in_another_language_does_not_read_the_product_again(
    client, catalogue, fragments, settings
):
    settings.ETALAGE_REFERENCE_CACHE_SECONDS = 60
    product = catalogue.product(name="Pralines")
    catalogue.product(merchant=product.merchant)  # the shop's offers read
    english, _html = _queries(client, f"/en/p/{product.slug}/")
    french = client.get(f"/fr/p/{product.slug}/", HTTP_ACCEPT_LANGUAGE="fr")
    with CaptureQueriesContext(connection) as queries:
        dutch = client.get(f"/nl/p/{product.slug}/", HTTP_ACCEPT_LANGUAGE="nl")
    assert french.status_code == dutch.status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    # The product's five reads are not made again.
    assert "catalog_producttranslation" not in sql and len(queries) < english


def test_each_viewer_gets_their_own_token_in_a_shared_fragment(catalogue, fragments):
    product = catalogue.product()
    shop = catalogue.product(merchant=product.merchant)
    a, b = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_a = a.get(f"/en/p/{product.slug}/").content.decode()
    page_b = b.get(f"/en/p/{product.slug}/").content.decode()
    assert "<csrf-slot/>" not in page_a + page_b
    token_a, token_b = _token(page_a), _token(page_b)
    assert token_a != token_b
    # Each token works for its own visitor: the cart takes the line.
    variant = shop.variants.first()
    added = b.post(
        "/cart/add/",
        {"variant": str(variant.pk), "quantity": 1, "csrfmiddlewaretoken": token_b},
    )
    assert added.status_code == 302


def test_a_signed_in_buyer_never_shows_in_what_others_see(
    client, catalogue, fragments, django_user_model
):
    product = catalogue.product()
    buyer = django_user_model.objects.create_user("lin.wei", "lin@example.cn", "pw")
    signed_in = Client()
    signed_in.force_login(buyer)
    mine = signed_in.get(f"/en/p/{product.slug}/").content.decode()
    assert "My account" in mine or "我的账户" in mine
    _count, theirs = _queries(client, f"/en/p/{product.slug}/")
    assert "My account" not in theirs and "Sign in" in theirs
    assert "lin.wei" not in theirs


def test_a_changed_product_is_rendered_again(client, catalogue, fragments):
    product = catalogue.product(name="Pralines")
    _queries(client, f"/en/p/{product.slug}/")
    ProductTranslation.objects.filter(product=product, language="en").update(
        name="Truffles"
    )
    _count, stale = _queries(client, f"/en/p/{product.slug}/")
    assert "Pralines" in stale  # nothing said it changed yet
    event_record(ProductsChanged(product_ids=(product.pk,)))
    outbox_deliver()
    _count, fresh = _queries(client, f"/en/p/{product.slug}/")
    assert "Truffles" in fresh and "Pralines" not in fresh


def test_a_category_listing_follows_products_under_it(client, catalogue, fragments):
    parent = catalogue.category()
    child = catalogue.category(parent=parent)
    product = catalogue.product(category=child, name="Speculoos")
    first, html = _queries(client, f"/en/c/{parent.slug}/")
    again, _html = _queries(client, f"/en/c/{parent.slug}/")
    assert "Speculoos" in html and again < first
    ProductTranslation.objects.filter(product=product, language="en").update(
        name="Gaufres"
    )
    event_record(ProductsChanged(product_ids=(product.pk,)))
    outbox_deliver()
    _count, fresh = _queries(client, f"/en/c/{parent.slug}/")
    assert "Gaufres" in fresh
    # Another page of the same category, or the same one filtered, is its own; so is
    # the listing alone that htmx asks for.
    _count, sorted_page = _queries(client, f"/en/c/{parent.slug}/?sort=price")
    assert "Gaufres" in sorted_page
    results = client.get(
        f"/en/c/{parent.slug}/?sort=price",
        headers={"HX-Request": "true", "HX-Target": "results"},
    ).content.decode()
    assert "Gaufres" in results and "<html" not in results
    assert "<html" in client.get(f"/en/c/{parent.slug}/?sort=price").content.decode()
    # A query string unlike a listing's is answered but not kept.
    first, _html = _queries(client, f"/en/c/{parent.slug}/?utm_source=x")
    again, _html = _queries(client, f"/en/c/{parent.slug}/?utm_source=x")
    assert again == first


def test_prices_and_merchants_renew_every_fragment(client, catalogue, fragments):
    product = catalogue.product()
    first, _html = _queries(client, f"/en/p/{product.slug}/")
    event_record(PricingChanged(reason="rates imported"))
    outbox_deliver()
    renewed, _html = _queries(client, f"/en/p/{product.slug}/")
    assert renewed == first
    event_record(MerchantChanged(merchant_id=product.merchant_id))
    outbox_deliver()
    renewed, _html = _queries(client, f"/en/p/{product.slug}/")
    assert renewed == first


def test_without_the_shared_cache_nothing_is_kept(client, catalogue, settings):
    settings.ETALAGE_FRAGMENT_CACHE_SECONDS = 0
    product = catalogue.product()
    first, _html = _queries(client, f"/en/p/{product.slug}/")
    again, _html = _queries(client, f"/en/p/{product.slug}/")
    assert again == first
