"""Validators for Belgian company identifiers, built on python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import iban as stdnum_iban
from stdnum.be import vat as be_vat
from stdnum.exceptions import ValidationError as StdnumError


def normalize_enterprise_number(value: str) -> str:
    """Return the 10-digit KBO/BCE enterprise number, or raise ValidationError."""
    try:
        number = be_vat.validate(value)
    except StdnumError:
        raise ValidationError(
            _("%(value)s is not a valid Belgian enterprise number (KBO/BCE)."),
            code="invalid_enterprise_number",
            params={"value": value},
        ) from None
    return number


def validate_enterprise_number(value: str) -> None:
    normalize_enterprise_number(value)


def validate_vat_number(value: str) -> None:
    if not value.upper().startswith("BE"):
        raise ValidationError(
            _("A Belgian VAT number starts with BE."), code="invalid_vat_number"
        )
    normalize_enterprise_number(value)


def validate_iban(value: str) -> None:
    try:
        stdnum_iban.validate(value)
    except StdnumError:
        raise ValidationError(
            _("%(value)s is not a valid IBAN."),
            code="invalid_iban",
            params={"value": value},
        ) from None
