"""The product page kept in the shared fragment cache: a variant's timed sale
price is its price while the sale runs and the regular price before and after,
across the sale's start and end; the shop's offers and coupons; a suspended
shop's page no longer found."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from etalage.events.outbox import event_record, outbox_deliver
from etalage.events.types import MerchantChanged
from etalage.merchants.models import Merchant
from etalage.promotions.services import (
    PromotionTerms,
    promotion_create,
    sale_price_end,
    sale_price_set,
)

pytestmark = pytest.mark.usefixtures("ecb_rates", "today_is_2024_07_01")


@pytest.fixture
def fragments(settings):
    # Longer than the test's travels: only a change of what the body shows may
    # renew it, never its lifetime.
    settings.ETALAGE_FRAGMENT_CACHE_SECONDS = 24 * 3600


def _main_price(client, slug):
    html = client.get(f"/en/p/{slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    return re.search(r'<p class="price big">(.*?)</p>', html, re.S).group(1)


def _variant_prices(client, slug):
    html = client.get(f"/en/p/{slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    return re.findall(r'<td class="price">([^<]*)</td>', html)


def test_the_main_price_follows_a_sale_through_its_start_and_end(
    client, catalogue, fragments
):
    merchant = catalogue.merchant()
    product = catalogue.product(merchant=merchant, prices=("10.00",))
    # The same product at the sale's price: what the page must show during the sale.
    at_sale_price = catalogue.product(merchant=merchant, prices=("8.00",))
    now = timezone.now()
    sale_price_set(
        variant=product.variants.get(),
        price_eur=Decimal("8.00"),
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
    )
    regular = _main_price(client, product.slug)
    sale = _main_price(client, at_sale_price.slug)
    assert regular != sale
    with time_machine.travel(now + timedelta(minutes=90), tick=False):
        assert _main_price(client, product.slug) == sale
        assert _variant_prices(client, product.slug) == _variant_prices(
            client, at_sale_price.slug
        )
    with time_machine.travel(now + timedelta(hours=3), tick=False):
        assert _main_price(client, product.slug) == regular


def test_a_sale_set_or_ended_early_shows_on_a_kept_page_once_delivered(
    client, catalogue, fragments
):
    merchant = catalogue.merchant()
    product = catalogue.product(merchant=merchant, prices=("10.00",))
    at_sale_price = catalogue.product(merchant=merchant, prices=("8.00",))
    regular = _main_price(client, product.slug)  # kept, no sale to come
    sale = sale_price_set(
        variant=product.variants.get(),
        price_eur=Decimal("8.00"),
        starts_at=timezone.now() - timedelta(minutes=1),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    outbox_deliver()  # the background worker: the product changed
    assert _main_price(client, product.slug) == _main_price(client, at_sale_price.slug)
    sale_price_end(sale=sale)
    outbox_deliver()
    assert _main_price(client, product.slug) == regular


def test_a_page_seen_again_reads_nothing_between_a_sales_start_and_end(
    client, catalogue, fragments, settings
):
    settings.ETALAGE_REFERENCE_CACHE_SECONDS = 3600
    product = catalogue.product(prices=("10.00",))
    now = timezone.now()
    sale_price_set(
        variant=product.variants.get(),
        price_eur=Decimal("8.00"),
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
    )
    outbox_deliver()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/en/p/{product.slug}/")
        return len(captured.captured_queries)

    assert queries() > 0
    assert queries() == 0  # kept until the sale starts
    with time_machine.travel(now + timedelta(minutes=61), tick=False):
        assert queries() > 0  # it started: read again
        assert queries() == 0  # kept until it ends


def test_the_cheapest_variant_on_sale_gives_the_from_price(
    client, catalogue, fragments
):
    merchant = catalogue.merchant()
    product = catalogue.product(merchant=merchant, prices=("10.00", "12.00"))
    at_sale_price = catalogue.product(merchant=merchant, prices=("9.00", "10.00"))
    now = timezone.now()
    sale_price_set(
        variant=product.variants.get(price_eur=Decimal("12.00")),
        price_eur=Decimal("9.00"),
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
    )
    assert _main_price(client, product.slug) == _main_price(client, at_sale_price.slug)


def test_the_flash_sale_line_shows_while_the_sale_runs_only(
    client, catalogue, fragments
):
    product = catalogue.product(prices=("10.00",))
    now = timezone.now()
    sale_price_set(
        variant=product.variants.get(),
        price_eur=Decimal("8.00"),
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
    )

    def page():
        return client.get(f"/en/p/{product.slug}/").content.decode()

    assert 'class="sale"' not in page()
    with time_machine.travel(now + timedelta(minutes=90), tick=False):
        assert 'class="sale"' in page()
    with time_machine.travel(now + timedelta(hours=3), tick=False):
        assert 'class="sale"' not in page()


def test_a_sale_followed_by_another_at_its_price_says_when_the_second_ends(
    client, catalogue, fragments
):
    product = catalogue.product(prices=("10.00",))
    variant = product.variants.get()
    now = timezone.now().replace(second=0, microsecond=0)
    for hours in (1, 2):
        sale_price_set(
            variant=variant,
            price_eur=Decimal("8.00"),
            starts_at=now + timedelta(hours=hours),
            ends_at=now + timedelta(hours=hours + 1),
        )
    outbox_deliver()

    def until():
        html = client.get(f"/en/p/{product.slug}/").content.decode()
        return re.search(r"until (\d{4}-\d\d-\d\d \d\d:\d\d) Beijing", html).group(1)

    with time_machine.travel(now + timedelta(minutes=90), tick=False):
        first = until()
    with time_machine.travel(now + timedelta(minutes=150), tick=False):
        second = until()
    assert first != second


def test_a_shops_offer_shows_on_the_products_it_applies_to(
    client, catalogue, django_user_model
):
    merchant = catalogue.merchant()
    covered = catalogue.product(merchant=merchant)
    other = catalogue.product(merchant=merchant)
    operator = django_user_model.objects.create(username="operator", is_staff=True)
    now = timezone.now()
    promotion_create(
        terms=PromotionTerms(
            kind="spend_and_save",
            name="Pralines week",
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=1),
            budget=Decimal("1000.00"),
            amount_off=Decimal("10.00"),
            threshold=Decimal("100.00"),
            product_ids=[covered.pk],
        ),
        merchant=None,
        by=operator,
    )
    assert 'class="offers"' in client.get(f"/en/p/{covered.slug}/").content.decode()
    assert 'class="offers"' not in client.get(f"/en/p/{other.slug}/").content.decode()


def test_the_coupons_shown_cost_the_same_queries_however_many(
    client, catalogue, django_user_model
):
    operator = django_user_model.objects.create(username="operator", is_staff=True)
    now = timezone.now()

    def coupon(amount):
        promotion_create(
            terms=PromotionTerms(
                kind="coupon",
                name="Welcome",
                starts_at=now - timedelta(days=1),
                ends_at=now + timedelta(days=1),
                budget=Decimal("1000.00"),
                amount_off=Decimal(amount),
                claimable=True,
            ),
            merchant=None,
            by=operator,
        )

    counts = []
    for amounts in (["5.00"], ["6.00", "7.00"]):
        for amount in amounts:
            coupon(amount)
        product = catalogue.product()
        with CaptureQueriesContext(connection) as queries:
            html = client.get(f"/en/p/{product.slug}/").content.decode()
        assert html.count('class="coupon"') == 1 + len(counts) * 2
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_kept_page_of_a_suspended_shop_is_no_longer_found(
    client, catalogue, fragments
):
    product = catalogue.product()
    assert client.get(f"/en/p/{product.slug}/").status_code == 200
    Merchant.objects.filter(pk=product.merchant_id).update(status="suspended")
    event_record(MerchantChanged(merchant_id=product.merchant_id))
    outbox_deliver()
    assert client.get(f"/en/p/{product.slug}/").status_code == 404
