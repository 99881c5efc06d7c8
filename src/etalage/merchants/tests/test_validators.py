import pytest
from django.core.exceptions import ValidationError

from etalage.merchants.validators import (
    normalize_bic,
    normalize_enterprise_number,
    normalize_iban,
    normalize_phone,
    normalize_vat_number,
)


@pytest.mark.parametrize(
    "typed", ["0403019261", "0403.019.261", "BE0403019261", "403019261"]
)
def test_accepts_a_valid_enterprise_number_however_it_is_typed(typed):
    assert normalize_enterprise_number(typed) == "0403019261"


@pytest.mark.parametrize("number", ["0403019262", "0431150351", "123", "abcdefghij"])
def test_refuses_an_enterprise_number_with_a_wrong_check(number):
    with pytest.raises(ValidationError, match="not a valid Belgian enterprise number"):
        normalize_enterprise_number(number)


def test_a_vat_number_is_be_and_the_enterprise_number():
    assert normalize_vat_number("be 0403.019.261") == "BE0403019261"
    with pytest.raises(ValidationError, match="starts with BE"):
        normalize_vat_number("0403019261")
    with pytest.raises(ValidationError, match="not a valid Belgian enterprise number"):
        normalize_vat_number("BE431150351")


def test_an_iban_is_checked_and_stored_compact():
    assert normalize_iban("BE71 0961 2345 6769") == "BE71096123456769"
    assert normalize_iban("NL91ABNA0417164300") == "NL91ABNA0417164300"
    with pytest.raises(ValidationError, match="not a valid IBAN"):
        normalize_iban("BE71096123456768")


def test_a_bic_must_be_well_formed_and_belong_to_the_ibans_bank():
    assert normalize_bic("GKCCBEBB", "BE71096123456769") == "GKCCBEBB"
    with pytest.raises(ValidationError, match="not a valid BIC"):
        normalize_bic("GKCCBEB1X")
    with pytest.raises(ValidationError, match="belongs to the bank GKCCBEBB"):
        normalize_bic("KREDBEBB", "BE71096123456769")


@pytest.mark.parametrize("typed", ["+32 2 511 11 11", "02 511 11 11", "+3225111111"])
def test_a_phone_number_is_stored_in_international_form(typed):
    assert normalize_phone(typed) == "+3225111111"


@pytest.mark.parametrize("typed", ["12345", "phone", "+32 2 511"])
def test_refuses_a_phone_number_that_cannot_ring(typed):
    with pytest.raises(ValidationError, match="not a valid phone number"):
        normalize_phone(typed)


def test_the_model_refuses_a_control_character_as_the_back_office_would(catalogue):
    """The back-office's forms check the model's fields: the same rule as every
    other door (etalage.core.text)."""
    from django.forms import modelform_factory

    from etalage.merchants.models import Merchant

    merchant = catalogue.merchant("Maison")
    form = modelform_factory(Merchant, fields=["name", "legal_name", "street"])(
        {"name": "Maison", "legal_name": "Maison\x85 SRL", "street": "Rue\x01 1"},
        instance=merchant,
    )
    assert set(form.errors) == {"legal_name", "street"}
    merchant.refresh_from_db()
    assert "\x85" not in merchant.legal_name
    merchant.name = "Mai\x7fson"
    try:
        merchant.full_clean()
    except ValidationError as refused:
        assert "name" in refused.message_dict
    else:
        raise AssertionError("a DEL in a name passed")
