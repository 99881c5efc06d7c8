"""Validators for catalogue codes and values: GTINs, countries (HS codes are in
customs.hs_codes), and the variant rules of ``catalog.variant_rules`` as Django
validators, in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from babel import Locale
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumError

from etalage.catalog.variant_rules import (
    Refusal,
    net_content_refusal,
    price_refusal,
    sku_refusal,
    variant_refusals,
    weight_refusal,
)
from etalage.money import format_number


def normalize_gtin(value: str) -> str:
    """Return a GTIN-8, -12, -13 or -14 without separators, or raise."""
    try:
        number = ean.validate(value)
    except StdnumError:
        raise ValidationError(
            _("%(value)s is not a valid GTIN (EAN/UPC): wrong length or check digit."),
            code="invalid_gtin",
            params={"value": value},
        ) from None
    return number


def validate_gtin(value: str) -> None:
    normalize_gtin(value)


# ISO 3166-1 alpha-2 codes as CLDR knows them: two letters, less CLDR's own
# groupings and placeholders (unknown region, EU, eurozone, UN, pseudo-locales).
_NOT_COUNTRIES = {"ZZ", "QO", "EU", "EZ", "UN", "XA", "XB"}
_COUNTRIES = frozenset(
    code
    for code in map(str, Locale("en").territories)
    if len(code) == 2 and code not in _NOT_COUNTRIES
)


def normalize_country(value: str) -> str:
    """Return an ISO 3166 country code in capitals (``be`` → ``BE``), or raise."""
    code = (value or "").strip().upper()
    if code not in _COUNTRIES:
        raise ValidationError(
            _("%(value)s is not an ISO 3166 country code (BE, FR, CN…)."),
            code="invalid_country",
            params={"value": value},
        )
    return code


def refusal_message(refusal: Refusal) -> str:
    """A rule's refusal in the active language, its figures formatted for it."""
    language = get_language() or "en"
    figures = {
        name: format_number(value, language) for name, value in refusal.params.items()
    }
    return gettext(refusal.message) % figures


def refusal_error(refusal: Refusal) -> ValidationError:
    """A rule's refusal as the ValidationError a form field shows."""
    return ValidationError(refusal_message(refusal), code=f"invalid_{refusal.field}")


def refusals_check(refusals: Iterable[Refusal | None], *, prefix: str = "") -> None:
    """Raise one ValidationError naming every field (``prefix`` + its name) that
    the rules refused, each with its rule's message; nothing when all are None."""
    errors = {
        f"{prefix}{refusal.field}": refusal_error(refusal)
        for refusal in refusals
        if refusal is not None
    }
    if errors:
        raise ValidationError(errors)


def variant_values_check(
    *,
    sku: str | None,
    price_eur: Decimal,
    weight_grams: int,
    net_content: int,
    prefix: str = "",
) -> None:
    """Check a variant's values against the rules (a ``sku`` of None: not judged,
    the SKU is kept as stored); errors name the field, after ``prefix``."""
    refusals_check(
        variant_refusals(
            sku=sku,
            price_eur=price_eur,
            weight_grams=weight_grams,
            net_content=net_content,
        ),
        prefix=prefix,
    )


def _raise(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise refusal_error(refusal)


def validate_sku(value: str) -> None:
    """Django validator: the SKU rule."""
    _raise(sku_refusal(value))


def validate_price_eur(value: Decimal) -> None:
    """Django validator: the price rule."""
    _raise(price_refusal(value))


def validate_weight_grams(value: int) -> None:
    """Django validator: the shipping weight rule."""
    _raise(weight_refusal(value))


def validate_net_content(value: int) -> None:
    """Django validator: the net content rule."""
    _raise(net_content_refusal(value))
