from datetime import date
from decimal import Decimal

import pytest

from etalage.money import Money, MoneyError
from etalage.pricing.core import FxQuote, NoRateInForce
from etalage.pricing.models import Market
from etalage.pricing.selectors import market_strategy, rate_in_force


def cny(margin="2.00", rate="7.7748"):
    return FxQuote("CNY", Decimal(rate), date(2024, 6, 28), Decimal(margin))


def test_converts_at_the_rate_plus_margin_rounded_half_up():
    # 10.00 EUR x 7.7748 x 1.02 = 79.30296 CNY
    assert cny().convert(Money("10.00", "EUR")) == Money("79.30", "CNY")
    # 1.00 EUR x 7.7748 x 1.005 = 7.813674 -> 7.81; at 7.7745: 7.8133725 -> 7.81
    assert cny("0.50").convert(Money("1.00", "EUR")) == Money("7.81", "CNY")


def test_a_half_cent_rounds_up():
    quote = FxQuote("CNY", Decimal("1.0005"), None, Decimal("0"))
    assert quote.convert(Money("10.00", "EUR")) == Money("10.01", "CNY")  # 10.005


def test_only_euro_prices_are_converted():
    with pytest.raises(MoneyError, match="from EUR"):
        cny().convert(Money("1", "USD"))


def test_the_euro_market_shows_the_merchant_price():
    assert FxQuote.identity().convert(Money("12.5", "EUR")) == Money("12.50", "EUR")


def test_the_rate_in_force_on_a_sunday_is_fridays(ecb_rates):
    assert rate_in_force(currency="CNY", on=date(2024, 6, 30)).rate_date == date(
        2024, 6, 28
    )


def test_there_is_no_rate_before_the_first_published_one(ecb_rates):
    with pytest.raises(NoRateInForce, match="on or before 2024-06-27"):
        rate_in_force(currency="CNY", on=date(2024, 6, 27))


def test_a_market_without_a_rate_cannot_show_prices(ecb_rates):
    pricing = market_strategy(market=Market.objects.get(code="CN"), on=date(2020, 1, 1))
    assert not pricing.can_price
    assert pricing.price(Decimal("10")) is None


def test_the_china_market_prices_in_cny_with_the_operators_margin(ecb_rates):
    market = Market.objects.get(code="CN")
    market.fx_margin_percent = Decimal("2.00")
    market.save()
    pricing = market_strategy(market=market, on=date(2024, 7, 1))
    assert pricing.price(Decimal("10.00")) == Money("79.30", "CNY")
    assert pricing.fx.rate_date == date(2024, 6, 28)
