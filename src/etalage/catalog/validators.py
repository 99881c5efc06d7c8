"""Validators for catalogue codes: GTINs (HS codes are in customs.hs_codes)."""

from babel import Locale
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumError


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
    for code in Locale("en").territories
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
