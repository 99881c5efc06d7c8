"""The variant rules (SKU, price, shipping weight, net content): a pure core, tested
without a database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from etalage.catalog.validators import validate_price_eur
from etalage.catalog.variant_rules import (
    PRICE_CEILING_EUR,
    SKU_MAX_LENGTH,
    net_content_refusal,
    price_refusal,
    sku_refusal,
    variant_refusals,
    weight_refusal,
)
from etalage.core.text import refused_character


@pytest.mark.parametrize("sku", ["A", "PRAL-250-DARK", "BOX/12", "x_1.2", "9" * 64])
def test_a_sku_of_letters_digits_and_dot_underscore_slash_dash_passes(sku):
    assert sku_refusal(sku) is None


@pytest.mark.parametrize(
    "sku", ["", "-A", ".A", "A B", "PR 250!", "Café", "A\n", "A" * 65, "果仁糖"]
)
def test_a_sku_that_is_empty_too_long_or_of_other_characters_is_refused(sku):
    refusal = sku_refusal(sku)
    assert refusal is not None
    assert (refusal.field, refusal.params) == ("sku", {"max": SKU_MAX_LENGTH})
    assert refusal.message.startswith("The SKU is 1 to %(max)s characters")


@given(st.text(max_size=80))
def test_a_sku_the_rule_lets_through_fits_the_column_and_every_label(sku):
    if sku_refusal(sku) is None:
        assert 1 <= len(sku) <= SKU_MAX_LENGTH
        assert sku.isascii() and " " not in sku
        assert refused_character(sku) is None


@pytest.mark.parametrize("price", ["0.01", "24.50", "7", "999999.99"])
def test_a_price_above_0_below_the_ceiling_in_whole_cents_passes(price):
    assert price_refusal(Decimal(price)) is None


@pytest.mark.parametrize(
    "price",
    ["0", "-1", "0.001", "1.234", "1000000", "1000000.00", "1E+7", "NaN", "-Infinity"],
)
def test_a_price_of_0_or_less_past_the_ceiling_or_in_fractions_of_cents_is_refused(
    price,
):
    refusal = price_refusal(Decimal(price))
    assert refusal is not None
    assert (refusal.field, refusal.params) == (
        "price_eur",
        {"ceiling": PRICE_CEILING_EUR},
    )


def test_a_price_that_is_not_a_decimal_is_refused():
    assert price_refusal(24.5) is not None  # type: ignore[arg-type]  # a float


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_every_price_the_rule_lets_through_is_stored_to_the_cent(price):
    if price_refusal(price) is None:
        DecimalValidator(max_digits=12, decimal_places=2)(price)  # the column
        assert price == price.quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("rule", "field", "top"),
    [
        (weight_refusal, "weight_grams", 1_000_000),
        (net_content_refusal, "net_content", 10_000_000),
    ],
)
def test_a_weight_or_a_net_content_is_a_whole_number_from_1_to_its_top(
    rule, field, top
):
    assert rule(1) is None and rule(top) is None
    for wrong in (0, -1, top + 1, True):
        refusal = rule(wrong)
        assert refusal is not None
        assert (refusal.field, refusal.params) == (field, {"max": top})


def test_a_variant_is_told_every_rule_it_breaks_in_the_order_of_its_fields():
    refusals = variant_refusals(
        sku="A B", price_eur=Decimal("0"), weight_grams=0, net_content=1
    )
    assert [r.field for r in refusals] == ["sku", "price_eur", "weight_grams"]
    kept = variant_refusals(
        sku=None, price_eur=Decimal("1"), weight_grams=1, net_content=1
    )
    assert kept == []  # a SKU kept as stored is not judged


def test_the_django_validators_say_the_rule_in_the_readers_language():
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        validate_price_eur(Decimal("0"))
    assert refused.value.messages == [
        "Le prix (EUR) est supérieur à 0 et inférieur à 1\u202f000\u202f000, "
        "avec au plus 2 décimales."
    ]
