"""The CBEC tax and limits, against the rules document and as properties."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etalage.customs.cbec import (
    ConsumptionBasis,
    NetContent,
    NetUnit,
    OrderLine,
    TaxRates,
    Verdict,
    allocate,
    composite_rate,
    order_tax,
)

ORDINARY = TaxRates(vat=D("0.13"))
FOOD = TaxRates(vat=D("0.09"))
AD_VALOREM = ConsumptionBasis.AD_VALOREM
WINE = TaxRates(vat=D("0.13"), consumption=D("0.10"), consumption_basis=AD_VALOREM)
COSMETICS = TaxRates(
    vat=D("0.13"),
    consumption=D("0.15"),
    consumption_basis=AD_VALOREM,
    threshold_per_gram=D("10"),
    threshold_per_piece=D("15"),
)
BEER = TaxRates(
    vat=D("0.13"),
    consumption_basis=ConsumptionBasis.PER_TONNE,
    consumption_per_tonne=D("250"),
    consumption_per_tonne_lower=D("220"),
    per_tonne_class_a_from=D("3000"),
)
ML, G, PIECE = NetUnit.MILLILITRE, NetUnit.GRAM, NetUnit.PIECE


def line(price, quantity=1, rates=ORDINARY, key="a", **kwargs):
    return OrderLine(
        key=key, unit_price=D(price), quantity=quantity, rates=rates, **kwargs
    )


def test_the_worked_example_of_the_rules_document():
    # Chocolate, 13 % VAT: goods 400.00, freight 50.00; dutiable 450.00, statutory VAT
    # 58.50, due 40.95; paid 490.95.
    tax = order_tax(lines=[line("400.00")], freight=D("50.00"))
    assert tax.dutiable == D("450.00")
    assert tax.vat == D("40.95")
    assert tax.consumption_tax == D("0.00")
    assert tax.paid == D("490.95")
    assert tax.limits.verdict == Verdict.WITHIN_LIMITS


def test_a_coupon_lowers_the_price_but_not_the_tax():
    tax = order_tax(lines=[line("400.00")], freight=D("50.00"), discount=D("30.00"))
    assert tax.tax == D("40.95")
    assert tax.paid == D("460.95")


@pytest.mark.parametrize(
    ("rates", "expected"),
    [
        (ORDINARY, D("0.091")),
        (FOOD, D("0.063")),
        (WINE, D("0.1788888888888888888888888889")),
        (COSMETICS, D("0.2305882352941176470588235294")),
    ],
)
def test_the_composite_rates_of_the_rules_document(rates, expected):
    assert composite_rate(rates) == expected


def test_wine_pays_consumption_tax_then_vat_on_both():
    # P = 1000: CT = 1000 / 0.9 * 0.1 = 111.11…; VAT = 1111.11… * 0.13 = 144.44…
    tax = order_tax(lines=[line("1000.00", rates=WINE)])
    assert tax.consumption_tax == D("77.78")  # 0.7 * 111.111…
    assert tax.vat == D("101.11")  # 0.7 * 144.444…


def test_high_end_cosmetics_pay_consumption_tax_from_the_threshold():
    net = NetContent(50, ML)
    cheap = order_tax(lines=[line("300.00", rates=COSMETICS, net=net)])
    dear = order_tax(lines=[line("600.00", rates=COSMETICS, net=net)])
    assert cheap.consumption_tax == 0  # 6 CNY per ml
    assert dear.consumption_tax == D("74.12")  # 12 CNY per ml: 600/0.85*0.15*0.7
    at_threshold = order_tax(lines=[line("500.00", rates=COSMETICS, net=net)])
    assert at_threshold.consumption_tax > 0  # 10 CNY per ml exactly is high-end


def test_cosmetics_sold_by_the_piece_are_taxed_from_15_cny_a_piece():
    # A box of 10 sheet masks: 140 CNY is 14 CNY a piece (no consumption tax),
    # 150 CNY is 15 CNY a piece: CT = 150 / 0.85 * 0.15 * 0.7 = 18.529… -> 18.53.
    box = NetContent(10, PIECE)
    cheap = order_tax(lines=[line("140.00", rates=COSMETICS, net=box)])
    dear = order_tax(lines=[line("150.00", rates=COSMETICS, net=box)])
    assert cheap.consumption_tax == 0
    assert dear.consumption_tax == D("18.53")
    # Read per gram (14 CNY >= 10) the cheap box would pay: pieces have their own rule.
    assert cheap.vat == D("12.74")  # 140 * 0.13 * 0.7


def test_beer_converts_litres_at_988_a_tonne_and_pays_class_a_rate():
    # 24 bottles of 330 ml at 10 CNY: 7.92 L = 7.92 / 988 t = 0.0080162 t.
    # Taxable 240 CNY / 0.0080162 t = 29,939 CNY/t >= 3,000: class A, 250 CNY/t.
    # CT = 250 * 7.92 / 988 = 2.00405 ; within limits * 0.7 = 1.4028 -> 1.40.
    # VAT = (240 + 2.00405) * 0.13 * 0.7 = 22.0224 -> 22.02.
    tax = order_tax(lines=[line("10.00", 24, BEER, net=NetContent(330, ML))])
    assert tax.consumption_tax == D("1.40")
    assert tax.vat == D("22.02")


def test_cheap_beer_below_3000_cny_a_tonne_pays_220():
    # 20 L kegs at 50 CNY: 50 / (20 / 988) = 2,470 CNY/t < 3,000: class B, 220/t.
    # CT = 220 * 20 / 988 = 4.45344 ; * 0.7 = 3.1174 -> 3.12.
    keg = order_tax(lines=[line("50.00", 1, BEER, net=NetContent(20000, ML))])
    assert keg.consumption_tax == D("3.12")
    # 60 CNY a keg is 2,964 CNY/t, still class B; 61 CNY is 3,013.4: class A.
    assert order_tax(
        lines=[line("61.00", 1, BEER, net=NetContent(20000, ML))]
    ).consumption_tax == D("3.54")  # 250 * 20 / 988 * 0.7 = 3.5425
    # Freight counts in the taxable value that picks the class: 50 + 11 = 61.
    with_freight = order_tax(
        lines=[line("50.00", 1, BEER, net=NetContent(20000, ML))], freight=D("11.00")
    )
    assert with_freight.consumption_tax == D("3.54")


def test_beer_by_weight_counts_grams_as_they_are():
    tax = order_tax(lines=[line("10.00", 24, BEER, net=NetContent(330, G))])
    # 7.92 kg = 0.00792 t * 250 = 1.98 ; * 0.7 = 1.386 -> 1.39
    assert tax.consumption_tax == D("1.39")


def test_beer_without_a_volume_cannot_be_taxed():
    with pytest.raises(ValueError, match="net content in ml or g"):
        order_tax(lines=[line("10.00", 1, BEER, net=NetContent(6, PIECE))])


def test_the_order_limit_is_5000_exactly():
    at_limit = order_tax(lines=[line("2500.00", key="a"), line("2500.00", key="b")])
    assert at_limit.limits.verdict == Verdict.WITHIN_LIMITS
    over = order_tax(lines=[line("2500.00", key="a"), line("2500.01", key="b")])
    assert over.limits.verdict == Verdict.OVER_ORDER_LIMIT
    assert over.limits.over_by == D("0.01")
    assert not over.limits.allowed


def test_freight_counts_toward_the_order_limit():
    tax = order_tax(
        lines=[line("4990.00", 1, key="a"), line("5.00", key="b")], freight=D("5.01")
    )
    assert tax.limits.verdict == Verdict.OVER_ORDER_LIMIT


def test_the_annual_limit_is_26000_exactly():
    assert order_tax(lines=[line("1000.00")], year_used=D("25000.00")).limits.allowed
    over = order_tax(lines=[line("1000.00")], year_used=D("25000.01"))
    assert over.limits.verdict == Verdict.OVER_ANNUAL_LIMIT
    assert over.limits.over_by == D("0.01")
    assert over.limits.year_remaining == D("999.99")


def test_one_indivisible_unit_over_5000_pays_the_full_general_trade_taxes():
    watch = TaxRates(
        vat=D("0.13"),
        consumption=D("0.20"),
        consumption_basis=ConsumptionBasis.AD_VALOREM,
        tariff=D("0.10"),
    )
    tax = order_tax(lines=[line("8000.00", rates=watch)])
    assert tax.limits.verdict == Verdict.SINGLE_ITEM_EXCEPTION
    assert tax.full_rates
    # duty = 800; CT = 8800 / 0.8 * 0.2 = 2200; VAT = (8000 + 800 + 2200) * 0.13 = 1430
    assert (tax.tariff, tax.consumption_tax, tax.vat) == (
        D("800.00"),
        D("2200.00"),
        D("1430.00"),
    )


def test_the_exception_needs_a_single_unit_and_room_in_the_year():
    two = order_tax(lines=[line("3000.00", quantity=2)])
    assert two.limits.verdict == Verdict.OVER_ORDER_LIMIT
    late = order_tax(lines=[line("8000.00")], year_used=D("20000.00"))
    assert late.limits.verdict == Verdict.OVER_ANNUAL_LIMIT
    assert late.limits.over_by == D("2000.00")


def test_refuses_money_that_is_not_whole_cents():
    with pytest.raises(ValueError, match="whole cents"):
        order_tax(lines=[line("1.00")], freight=D("0.005"))
    with pytest.raises(ValueError, match="Decimal"):
        order_tax(lines=[line("1.00")], freight=0.5)


cents = st.integers(min_value=0, max_value=2_000_000).map(lambda c: D(c) / 100)
rate_sets = st.sampled_from([ORDINARY, FOOD, WINE, COSMETICS, BEER])
lines_strategy = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=300_000).map(lambda c: D(c) / 100),
        st.integers(min_value=1, max_value=5),
        rate_sets,
        st.integers(min_value=1, max_value=2000),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300)
@given(lines_strategy, cents, cents, cents)
def test_every_order_satisfies_the_customs_identity(
    specs, freight, insurance, year_used
):
    lines = [
        OrderLine(key=str(i), unit_price=p, quantity=q, rates=r, net=NetContent(g, ML))
        for i, (p, q, r, g) in enumerate(specs)
    ]
    goods = sum((ln.goods for ln in lines), D(0))
    discount = min(goods, D("10.00"))
    tax = order_tax(
        lines=lines,
        freight=freight,
        insurance=insurance,
        discount=discount,
        year_used=year_used,
    )
    assert tax.tax >= 0
    assert all(
        t.vat >= 0 and t.consumption_tax >= 0 and t.tariff >= 0 for t in tax.lines
    )
    assert sum((t.freight for t in tax.lines), D(0)) == freight
    assert sum((t.insurance for t in tax.lines), D(0)) == insurance
    assert tax.tax == sum((t.tax for t in tax.lines), D(0))
    assert tax.paid == goods + freight + insurance + tax.tax - discount
    assert tax.paid == tax.paid.quantize(D("0.01"))
    assert tax.limits.counted == goods + freight + insurance


@given(
    cents,
    st.lists(st.integers(min_value=0, max_value=10**7).map(D), min_size=1, max_size=8),
)
def test_allocation_adds_up_to_the_cent_and_stays_proportional(total, weights):
    shares = allocate(total, weights)
    assert sum(shares, D(0)) == total
    assert all(share >= 0 for share in shares)
    whole = sum(weights, D(0))
    if whole:
        for share, weight in zip(shares, weights, strict=True):
            exact = total * weight / whole
            assert share - exact > -D("0.01")


def test_each_merchants_sub_order_is_its_own_customs_order_within_one_year():
    from etalage.customs.cbec import SubOrder, cart_tax

    first = SubOrder(key="m1", lines=(line("4000.00"),), freight=D("50.00"))
    second = SubOrder(key="m2", lines=(line("4000.00"),), freight=D("50.00"))
    taxes = cart_tax(sub_orders=[first, second], year_used=D("18000.00"))
    assert taxes[0].limits.verdict == Verdict.WITHIN_LIMITS  # 18,000 + 4,050
    assert taxes[1].limits.verdict == Verdict.OVER_ANNUAL_LIMIT  # 22,050 + 4,050
    assert taxes[1].limits.over_by == D("100.00")
