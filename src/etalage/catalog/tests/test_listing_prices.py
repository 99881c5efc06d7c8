"""Listings filter and sort by the price their cards show in each market, kept
current when prices, rates or the day change."""

from datetime import date
from decimal import Decimal as D

import pytest

from etalage.catalog.listing_prices import listing_prices_recomputed
from etalage.catalog.models import ListingPrice, Product
from etalage.catalog.selectors import Sort, storefront_products
from etalage.events.outbox import outbox_deliver
from etalage.pricing.services import exchange_rates_import

pytestmark = pytest.mark.usefixtures("ecb_rates", "today_is_2024_07_01")

ECB_FILE = """<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"
 xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
<gesmes:subject>Reference rates</gesmes:subject>
<gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
<Cube><Cube time="2024-07-01"><Cube currency="CNY" rate="8.0000"/></Cube></Cube>
</gesmes:Envelope>"""


def shown(product, market="CN"):
    return ListingPrice.objects.get(product=product, market_code=market).amount


def test_sorting_by_price_follows_the_price_with_tax_not_the_goods(catalogue):
    chocolate = catalogue.product(prices=("100.00",))  # 9.1 % tax
    wine = catalogue.product(prices=("95.00",))  # cheaper goods, 17.89 % tax
    Product.objects.filter(pk=wine.pk).update(tax_class="wine")
    from etalage.catalog.listing_prices import product_price_from_refresh

    product_price_from_refresh(product=Product.objects.get(pk=wine.pk))
    assert shown(wine) > shown(chocolate)
    cheapest_first = storefront_products(market_code="CN", sort=Sort.PRICE_LOW)
    assert list(cheapest_first) == [chocolate, wine]
    # In Belgium (no CBEC tax) the goods decide.
    assert list(storefront_products(market_code="BE", sort=Sort.PRICE_LOW)) == [
        wine,
        chocolate,
    ]


def test_a_new_exchange_rate_reprices_every_listing(catalogue):
    product = catalogue.product(prices=("10.00",))
    before = shown(product)
    exchange_rates_import(data=ECB_FILE.encode(), file_name="daily.xml")
    outbox_deliver()
    after = shown(product)
    assert after != before
    # 10.00 EUR x 8.0000 x 1.02 margin = 81.60 goods + 9.1 % = 7.43 tax.
    assert after == D("89.03")


def test_the_clock_fills_in_missing_prices_and_redoes_yesterdays(catalogue):
    product = catalogue.product(prices=("10.00",))
    ListingPrice.objects.all().delete()
    assert listing_prices_recomputed() == 2  # China and Belgium
    assert shown(product, "BE") == D("10.00")
    assert listing_prices_recomputed() == 0  # all are today's
    ListingPrice.objects.update(computed_on=date(2024, 6, 30))
    assert listing_prices_recomputed() == 2
    assert set(ListingPrice.objects.values_list("computed_on", flat=True)) == {
        date(2024, 7, 1)
    }
