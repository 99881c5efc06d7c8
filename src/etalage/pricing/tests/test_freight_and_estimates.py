from datetime import date
from decimal import Decimal as D

import pytest

from etalage.customs.routes import Route
from etalage.customs.selectors import tax_rates_in_force
from etalage.money import Money
from etalage.pricing.core import FxQuote
from etalage.pricing.freight import TooHeavy, WeightBand, parcel_freight
from etalage.pricing.models import FreightRate
from etalage.pricing.selectors import freight_bands_in_force
from etalage.pricing.strategy import CrossBorderChina

BANDS = [
    WeightBand(1000, D("78.00")),
    WeightBand(500, D("58.00")),
    WeightBand(2000, D("118.00")),
]


@pytest.mark.parametrize(
    ("grams", "price"), [(1, "58.00"), (500, "58.00"), (501, "78.00"), (2000, "118.00")]
)
def test_a_parcel_pays_the_first_band_that_carries_it(grams, price):
    assert parcel_freight(BANDS, grams) == D(price)


def test_a_parcel_past_the_last_band_is_refused_unless_a_band_has_no_bound():
    with pytest.raises(TooHeavy):
        parcel_freight(BANDS, 2001)
    assert parcel_freight([*BANDS, WeightBand(None, D("300.00"))], 9000) == D("300.00")


def test_the_latest_price_list_in_force_is_used(db):
    for day, price in ((date(2025, 1, 1), "50.00"), (date(2026, 1, 1), "58.00")):
        FreightRate.objects.create(
            route="direct_liege", max_grams=500, price_cny=D(price), effective_from=day
        )
    assert freight_bands_in_force(route="direct_liege", on=date(2025, 6, 1)) == [
        WeightBand(500, D("50.00"))
    ]
    assert freight_bands_in_force(route="direct_liege", on=date(2026, 6, 1)) == [
        WeightBand(500, D("58.00"))
    ]


def test_the_china_estimate_adds_freight_and_taxes_both(markets):
    pricing = CrossBorderChina(
        market_code="CN",
        country="CN",
        currency="CNY",
        default_language="zh-hans",
        fx=FxQuote("CNY", D("7.7748"), date(2024, 6, 28), D("2.00")),
        tax_rates=tax_rates_in_force(on=date(2026, 1, 1)),
        freight={Route.DIRECT_MAIL: (WeightBand(500, D("58.00")),)},
    )
    estimate = pricing.estimate(D("10.00"), tax_class="ordinary-13", weight_grams=300)
    # goods 79.30; tax (79.30 + 58.00) x 13 % x 70 % = 12.4943 -> 12.49
    assert estimate.goods == Money("79.30", "CNY")
    assert estimate.freight == Money("58.00", "CNY")
    assert estimate.tax == Money("12.49", "CNY")
    assert estimate.total == Money("149.79", "CNY")
    too_heavy = pricing.estimate(D("10.00"), tax_class="ordinary-13", weight_grams=900)
    assert too_heavy.freight is None and too_heavy.total is None
