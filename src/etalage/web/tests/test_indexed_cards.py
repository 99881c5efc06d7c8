"""The cards of results and listings come from what the search index stored of
each product (no row read), and show what the products' own cards show: the
same name, links, picture and price in every market and language, the price
exact, and a new price once the follower has applied the change."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from django.utils import translation

from etalage.catalog.models import Product
from etalage.catalog.selectors import products_with_card_data
from etalage.catalog.services import variant_price_set
from etalage.events.outbox import outbox_deliver
from etalage.pricing.selectors import market_strategies
from etalage.search.feed import search_follow
from etalage.search.index import search_reindex
from etalage.search.selectors import products_listed
from etalage.web.presenters import product_card
from etalage.web.storefront.cards import indexed_card, slug_url

LANGUAGES = ("zh-hans", "fr", "nl", "en")


def _stored_cards(market_code):
    listing = products_listed(market_code=market_code, cards=True, limit=100)
    assert listing is not None and listing.cards and not listing.products
    return {card.id: card for card in listing.cards}


def test_a_card_from_the_index_shows_what_the_products_card_shows(
    catalogue, ecb_rates, today_is_2024_07_01
):
    shop = catalogue.merchant()
    pictured = catalogue.product(merchant=shop, prices=("12.35", "19.99"))
    catalogue.picture(pictured)
    catalogue.product(merchant=shop, prices=("7.07",), languages=("fr",))
    catalogue.product(prices=("123.45",), languages=("nl", "en"))
    search_reindex()
    products = products_with_card_data(Product.objects.all())
    for market, pricing in market_strategies():
        stored = _stored_cards(market.code)
        assert len(stored) == 3
        for language in LANGUAGES:
            with translation.override(language):
                for product in products:
                    expected = product_card(product, pricing, language)
                    assert indexed_card(stored[product.pk], pricing, language) == (
                        expected
                    )
                    assert expected.price  # (a price to compare, in each market)


def test_a_price_changed_reaches_the_stored_card_once_followed(
    catalogue, ecb_rates, today_is_2024_07_01, django_capture_on_commit_callbacks
):
    product = catalogue.product(prices=("10.00",))
    search_reindex()
    before = _stored_cards("CN")[product.pk].prices["CN"]
    with django_capture_on_commit_callbacks(execute=True):
        variant_price_set(variant=product.variants.get(), price_eur=Decimal("20.01"))
        outbox_deliver()
    assert _stored_cards("CN")[product.pk].prices["CN"] == before  # not yet followed
    assert search_follow() >= 1
    after = _stored_cards("CN")[product.pk].prices["CN"]
    shown = product.listing_prices.get(market_code="CN")
    assert after.amount == shown.amount and after.currency == shown.currency == "CNY"
    assert isinstance(after.amount, Decimal) and after.amount > before.amount


def test_a_slug_address_is_the_one_reverse_gives_in_every_language():
    from django.urls import reverse

    for language in LANGUAGES:
        with translation.override(language):
            for slug in ("pralines-1", "a_b-2", "x"):
                assert slug_url("web:product", slug) == reverse(
                    "web:product", args=[slug]
                )
                assert slug_url("web:merchant", slug) == reverse(
                    "web:merchant", args=[slug]
                )


def test_a_new_days_prices_reach_the_stored_cards_through_the_clock(
    catalogue, ecb_rates, today_is_2024_07_01
):
    from django.core.cache import cache

    from etalage.catalog.models import ListingPrice
    from etalage.search.handlers import prices_of_the_day_indexed
    from etalage.search.models import IndexChange

    product = catalogue.product(prices=("10.00",))
    search_reindex()
    assert prices_of_the_day_indexed() == 1  # (the prices were never followed)
    search_follow()
    cache.delete("etalage:search-prices-of-the-day")
    assert prices_of_the_day_indexed() == 0  # today's are in the index
    # The next day's recomputation (new rates in force), which tells no one:
    shown = ListingPrice.objects.get(product=product, market_code="CN")
    day = shown.computed_on
    IndexChange.objects.filter(product_id=None).update(
        at=datetime.combine(day, time(12), tzinfo=UTC)  # (followed that day)
    )
    ListingPrice.objects.update(computed_on=day + timedelta(days=1))
    ListingPrice.objects.filter(pk=shown.pk).update(amount=shown.amount + 1)
    search_follow()
    assert _stored_cards("CN")[product.pk].prices["CN"].amount == shown.amount
    cache.delete("etalage:search-prices-of-the-day")
    assert prices_of_the_day_indexed() == 1
    search_follow()
    assert _stored_cards("CN")[product.pk].prices["CN"].amount == shown.amount + 1


def test_a_search_page_and_a_listing_read_no_product_name_or_image_row(
    client, catalogue, ecb_rates, today_is_2024_07_01
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    category = catalogue.category("pralines")
    for n in range(3):
        catalogue.picture(catalogue.product(category=category, name=f"Praline {n}"))
    search_reindex()
    for path, data in (("/en/search/", {"q": "praline"}), ("/en/c/pralines/", {})):
        with CaptureQueriesContext(connection) as captured:
            page = client.get(path, data)
        assert page.status_code == 200 and "Praline 2" in page.content.decode()
        read = " ".join(q["sql"] for q in captured.captured_queries)
        for table in ("catalog_producttranslation", "catalog_productimage"):
            assert table not in read, (path, table)
