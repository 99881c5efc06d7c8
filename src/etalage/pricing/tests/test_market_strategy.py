"""The market strategy: one object per market answers what depends on the market."""

from datetime import date
from decimal import Decimal as D

from etalage.customs.cbec import NetContent, NetUnit, TaxRates
from etalage.customs.routes import Route, WarehouseKind
from etalage.pricing.core import FxQuote
from etalage.pricing.freight import WeightBand
from etalage.pricing.strategy import (
    CrossBorderChina,
    Domestic,
    ReferenceData,
    strategy_class,
)

DATA = ReferenceData(
    tax_rates={"ordinary-13": TaxRates(vat=D("0.13"))},
    freight={
        Route.DIRECT_MAIL: (WeightBand(None, D("58.00")),),
        Route.BONDED: (WeightBand(None, D("12.00")),),
        Route.DOMESTIC: (WeightBand(None, D("4.95")),),
    },
    bonded_only_hs_codes=frozenset({"3304990099"}),
)


def build(country, currency="CNY"):
    fx = (
        FxQuote("CNY", D("7.4326"), date(2026, 10, 30), D("2"))
        if currency == "CNY"
        else FxQuote.identity()
    )
    return strategy_class(country).build(
        market_code=country,
        country=country,
        currency=currency,
        default_language="zh-hans" if country == "CN" else "fr",
        fx=fx,
        warehouse_priority=["bonded", "hub", "merchant"],
        data=DATA,
    )


def test_china_is_the_cross_border_regime_and_takes_orders():
    china = build("CN")
    assert isinstance(china, CrossBorderChina)
    assert china.takes_orders and china.has_cbec_tax and china.has_personal_limits
    assert china.route_for(WarehouseKind.BONDED) == Route.BONDED
    assert china.route_for(WarehouseKind.HUB) == Route.DIRECT_MAIL
    assert Route.BONDED.customs_mode == "1210"
    assert Route.DIRECT_MAIL.customs_mode == "9610"
    assert china.bands_for(Route.BONDED) == (WeightBand(None, D("12.00")),)
    assert china.bands_for(Route.DOMESTIC) == ()


def test_china_takes_bonded_only_goods_from_a_bonded_warehouse_alone():
    china = build("CN")
    assert china.stock_sources("3304990099") == ("bonded",)
    assert china.stock_sources("1806900000") == ("bonded", "hub", "merchant")
    assert "bonded warehouse" in str(china.out_of_stock_message(["bonded"]))


def test_china_refuses_a_listing_off_the_positive_list():
    china = build("CN")
    (problem,) = china.listing_problems(hs_code="1806900000", on_positive_list=False)
    assert "positive list" in problem
    assert china.listing_problems(hs_code="1806900000", on_positive_list=True) == []


def test_a_domestic_market_prices_without_cross_border_tax_or_orders():
    belgium = build("BE", currency="EUR")
    assert isinstance(belgium, Domestic)
    assert not belgium.takes_orders and not belgium.has_cbec_tax
    assert belgium.route_for(WarehouseKind.BONDED) == Route.DOMESTIC
    assert not Route.DOMESTIC.crosses_border
    assert belgium.stock_sources("3304990099") == ("bonded", "hub", "merchant")
    assert belgium.estimate(D("10"), tax_class="ordinary-13", weight_grams=300) is None
    assert belgium.shown_price(
        D("10.00"),
        tax_class="ordinary-13",
        weight_grams=300,
        net=NetContent(250, NetUnit.GRAM),
    ).amount == D("10.00")
    assert belgium.listing_problems(hs_code="x", on_positive_list=False) == []
    assert belgium.tax_rates == {}


def test_the_china_price_shown_includes_the_estimated_tax():
    china = build("CN")
    shown = china.shown_price(
        D("10.00"),
        tax_class="ordinary-13",
        weight_grams=300,
        net=NetContent(250, NetUnit.GRAM),
    )
    # goods 10 x 7.4326 x 1.02 = 75.81; tax (75.81 + 58.00) x 13 % x 70 % = 12.18
    assert shown.amount == D("87.99")
