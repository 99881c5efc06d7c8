from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etalage.money import CurrencyMismatch, Money, MoneyError, format_money

amounts = st.decimals(
    min_value=Decimal("-1000000000"),
    max_value=Decimal("1000000000"),
    allow_nan=False,
    allow_infinity=False,
    places=6,
)
currencies = st.sampled_from(["EUR", "CNY", "JPY", "USD", "KWD"])


def test_refuses_a_float_amount():
    with pytest.raises(MoneyError, match="float"):
        Money(0.1, "EUR")


def test_refuses_a_float_factor():
    with pytest.raises(MoneyError, match="float"):
        Money("1.00", "EUR") * 1.1


def test_refuses_an_unknown_currency():
    with pytest.raises(MoneyError, match="ISO 4217"):
        Money("1", "XYZ1")


def test_refuses_text_that_is_not_a_number():
    with pytest.raises(MoneyError, match="not a number"):
        Money("12,50", "EUR")


def test_adding_two_currencies_raises():
    with pytest.raises(CurrencyMismatch, match="EUR with CNY"):
        Money("1", "EUR") + Money("1", "CNY")


def test_comparing_two_currencies_raises():
    with pytest.raises(CurrencyMismatch):
        assert Money("1", "EUR") < Money("2", "CNY")


def test_rounds_half_up_to_the_minor_unit():
    assert Money("0.005", "CNY").rounded() == Money("0.01", "CNY")
    assert Money("2.345", "EUR").rounded() == Money("2.35", "EUR")
    assert Money("-2.345", "EUR").rounded() == Money("-2.35", "EUR")
    assert Money("1234.5", "JPY").rounded() == Money("1235", "JPY")
    assert Money("1.2345", "KWD").rounded() == Money("1.235", "KWD")


def test_sum_of_money_starts_from_zero():
    assert sum([Money("1.10", "CNY"), Money("2.20", "CNY")]) == Money("3.30", "CNY")


def test_formats_by_locale():
    assert format_money(Money("1234.5", "CNY"), "zh-hans") == "¥1,234.50"
    assert format_money(Money("1234.5", "EUR"), "nl") == "€\xa01.234,50"
    assert format_money(Money("1234.5", "EUR"), "de") == "1.234,50\xa0€"
    assert format_money(Money("1234.5", "EUR"), "fr") == "1\u202f234,50\xa0€"


@given(amounts, amounts, currencies)
def test_addition_is_exact_and_commutative(a, b, currency):
    assert Money(a, currency) + Money(b, currency) == Money(a + b, currency)
    assert Money(a, currency) + Money(b, currency) == Money(b, currency) + Money(
        a, currency
    )


@given(amounts, currencies)
def test_rounding_moves_at_most_half_a_minor_unit(a, currency):
    money = Money(a, currency)
    rounded = money.rounded()
    quantum = Money("1", currency).rounded().amount  # 1 at the currency's scale
    step = Decimal(1).scaleb(quantum.as_tuple().exponent)
    assert abs(rounded.amount - money.amount) <= step / 2
    assert rounded.is_rounded()
    assert rounded.rounded() == rounded


@given(amounts, currencies)
def test_subtracting_itself_gives_zero(a, currency):
    assert Money(a, currency) - Money(a, currency) == Money.zero(currency)


@given(amounts, st.integers(min_value=-1000, max_value=1000), currencies)
def test_multiplying_by_an_integer_is_repeated_addition(a, n, currency):
    assert Money(a, currency) * n == Money(a * n, currency)


@pytest.mark.parametrize("language", ["zh-hans", "fr", "nl", "en"])
def test_a_kept_formatting_is_babels_own(language):
    """``format_money`` keeps what Babel wrote for an amount: asked again, in any
    order, every amount reads as Babel writes it, a negative zero included."""
    from babel.numbers import format_currency

    from etalage.money.formatting import _locale

    amounts = ["0.00", "-0.00", "1.5", "1.50", "-12.34", "1234567.891", "0.005"]
    for _round in range(2):
        for text in amounts:
            for currency in ("CNY", "EUR"):
                money = Money(Decimal(text), currency)
                expected = format_currency(
                    money.rounded().amount, currency, locale=_locale(language)
                )
                assert format_money(money, language) == expected, (text, currency)
