"""Validators for catalogue codes: GTINs (HS codes are in customs.hs_codes)."""

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
