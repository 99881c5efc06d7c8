"""Validators for a merchant's identity and payout details.

Company numbers with python-stdnum, IBAN and BIC with schwifty (which knows each
country's IBAN layout and the banks' BICs), phone numbers with phonenumbers.
"""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
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


def normalize_vat_number(value: str) -> str:
    """Return a Belgian VAT number as BE + 10 digits, or raise ValidationError."""
    if not (value or "").strip().upper().startswith("BE"):
        raise ValidationError(
            _("A Belgian VAT number starts with BE."), code="invalid_vat_number"
        )
    return "BE" + normalize_enterprise_number(value)


def validate_vat_number(value: str) -> None:
    normalize_vat_number(value)


def normalize_iban(value: str) -> str:
    """Return the IBAN in its compact form (BE71096123456769), or raise."""
    try:
        return IBAN(value).compact
    except SchwiftyException:
        raise ValidationError(
            _("%(value)s is not a valid IBAN."),
            code="invalid_iban",
            params={"value": value},
        ) from None


def validate_iban(value: str) -> None:
    normalize_iban(value)


def normalize_bic(value: str, iban: str | None = None) -> str:
    """Return the BIC (8 or 11 characters); with an IBAN, check that they agree."""
    try:
        bic = BIC(value)
    except SchwiftyException:
        raise ValidationError(
            _("%(value)s is not a valid BIC."),
            code="invalid_bic",
            params={"value": value},
        ) from None
    if iban:
        expected = IBAN(iban).bic
        if expected is not None and str(expected)[:8] != str(bic)[:8]:
            raise ValidationError(
                _("This IBAN belongs to the bank %(expected)s, not %(bic)s."),
                code="bic_mismatch",
                params={"expected": str(expected), "bic": str(bic)},
            )
    return str(bic)


def normalize_phone(value: str, region: str = "BE") -> str:
    """Return a phone number in E.164 (+3225111111), or raise ValidationError."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("%(value)s is not a valid phone number."),
            code="invalid_phone",
            params={"value": value},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
