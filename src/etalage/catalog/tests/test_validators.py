import pytest
from django.core.exceptions import ValidationError

from etalage.catalog.validators import normalize_gtin
from etalage.customs.hs_codes import normalize_hs_code


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1806320000", "1806320000"),
        ("1806.32.00.00", "1806320000"),
        ("2203 0000 00", "2203000000"),
        ("9503-00-89-00", "9503008900"),
    ],
)
def test_accepts_a_ten_digit_china_hs_code_with_separators(typed, stored):
    assert normalize_hs_code(typed) == stored


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("18063200", "has 10 digits; this one has 8"),
        ("180632000000", "has 10 digits; this one has 12"),
        ("18063200AB", "digits only"),
        ("", "required"),
        ("0006320000", "chapter 00 does not exist"),
        ("7706320000", "chapter 77 does not exist"),
        ("9806320000", "chapter 98 does not exist"),
    ],
)
def test_refuses_a_wrong_hs_code_and_says_why(code, reason):
    with pytest.raises(ValidationError) as error:
        normalize_hs_code(code)
    assert reason in error.value.messages[0]


@pytest.mark.parametrize(
    "gtin",
    ["4006381333931", "5449000000996", "73513537", "012345678905", "10012345678902"],
)
def test_accepts_valid_gtins_of_every_length(gtin):
    assert normalize_gtin(gtin) == gtin


@pytest.mark.parametrize("gtin", ["4006381333932", "540000", "ABCDEFGHIJKLM", "12345"])
def test_refuses_a_gtin_with_a_wrong_check_digit_or_length(gtin):
    with pytest.raises(ValidationError, match="not a valid GTIN"):
        normalize_gtin(gtin)
