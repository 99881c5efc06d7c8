from datetime import date
from decimal import Decimal as D

import pytest

from etalage.customs.cbec import ConsumptionBasis, OrderLine, order_tax
from etalage.customs.models import TariffRate, TaxClassRate
from etalage.customs.selectors import (
    NoRatesInForce,
    tariff_in_force,
    tax_rates_in_force,
)


def test_todays_rates_are_loaded_for_every_tax_class(markets):
    rates = tax_rates_in_force(on=date(2026, 11, 27))
    assert set(rates) == {
        "ordinary-13",
        "food-9",
        "wine",
        "beer",
        "cosmetics",
        "jewellery",
    }
    assert rates["food-9"].vat == D("0.09")
    assert rates["wine"].consumption_basis == ConsumptionBasis.AD_VALOREM
    assert rates["beer"].consumption_per_tonne == D("250")
    assert rates["beer"].consumption_per_tonne_lower == D("220")
    assert rates["beer"].per_tonne_class_a_from == D("3000")
    assert rates["cosmetics"].threshold_per_gram == D("10")


def test_no_rate_before_the_first_in_force(db):
    assert tax_rates_in_force(on=date(2019, 3, 31)) == {}


def test_a_rate_change_with_an_effective_date_leaves_earlier_quotes_unchanged(
    markets,
):
    TaxClassRate.objects.create(
        tax_class="ordinary-13", effective_from=date(2027, 1, 1), vat_rate=D("0.15")
    )

    def quote(on):
        rates = tax_rates_in_force(on=on)["ordinary-13"]
        line = OrderLine(key="a", unit_price=D("400.00"), quantity=1, rates=rates)
        return order_tax(lines=[line], freight=D("50.00")).tax

    assert quote(date(2026, 12, 31)) == D("40.95")
    assert quote(date(2027, 1, 1)) == D("47.25")  # 450 * 0.15 * 0.7


def test_the_tariff_is_the_longest_matching_prefix_in_force(db):
    TariffRate.objects.create(
        hs_prefix="71", rate=D("0.08"), effective_from=date(2020, 1, 1)
    )
    TariffRate.objects.create(
        hs_prefix="711319", rate=D("0.10"), effective_from=date(2020, 1, 1)
    )
    assert tariff_in_force(hs_code="7113191100", on=date(2026, 1, 1)) == D("0.10")
    assert tariff_in_force(hs_code="7102391000", on=date(2026, 1, 1)) == D("0.08")
    with pytest.raises(NoRatesInForce):
        tariff_in_force(hs_code="1806900000", on=date(2026, 1, 1))
