"""The buyer's ID number: validated, encrypted at rest, keyed-hashed, always masked."""

import logging
from decimal import Decimal as D

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from stdnum.cn import ric

from etalage.customs.identity_crypto import decrypt_id_number, id_number_hmac
from etalage.customs.models import BuyerIdentity
from etalage.customs.selectors import identities_of
from etalage.customs.services import (
    identities_rotate,
    identity_add,
    identity_delete,
    identity_update,
    normalize_resident_id,
    usage_confirm,
    usage_release,
    usage_reserve,
    yearly_used,
)

NUMBER = "360426199101010071"  # a published valid test vector
MASKED = "3604**********0071"


@pytest.fixture
def buyer(markets):
    return get_user_model().objects.create_user("buyer", password="pw")


def add(buyer, **changes):
    data = {
        "real_name": "王小明",
        "id_number": NUMBER,
        "mobile": "13800138000",
        "consent": True,
        **changes,
    }
    return identity_add(user=buyer, **data)


def test_the_number_is_stored_encrypted_hashed_and_masked(buyer):
    identity = add(buyer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM customs_buyeridentity")
        row = " ".join(str(cell) for cell in cursor.fetchone())
    assert NUMBER not in row
    assert identity.id_number_masked == MASKED
    assert identity.id_number_hmac == id_number_hmac(NUMBER)
    assert decrypt_id_number(identity.id_number_encrypted) == NUMBER
    assert identity.mobile == "+8613800138000"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id_number": "360426199101010072"}, "id_number"),
        ({"id_number": "36042619910101007"}, "id_number"),
        ({"mobile": "+32 2 511 11 11"}, "mobile"),
        ({"consent": False}, "consent"),
        ({"real_name": "王"}, "real_name"),
    ],
)
def test_a_wrong_answer_names_its_field_and_stores_nothing(buyer, changes, field):
    with pytest.raises(ValidationError) as error:
        add(buyer, **changes)
    assert field in error.value.message_dict
    assert not BuyerIdentity.objects.exists()


def test_keys_rotate_and_old_ciphertext_still_reads(buyer, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ETALAGE_ID_ENCRYPTION_KEYS = [old]
    identity = add(buyer)
    settings.ETALAGE_ID_ENCRYPTION_KEYS = [new, old]
    assert identities_rotate() == 1
    settings.ETALAGE_ID_ENCRYPTION_KEYS = [new]
    identity.refresh_from_db()
    assert decrypt_id_number(identity.id_number_encrypted) == NUMBER


def test_the_number_never_appears_in_pages_logs_or_the_back_office(
    client, buyer, caplog
):
    caplog.set_level(logging.DEBUG)
    client.force_login(buyer)
    form = {"real_name": "王小明", "id_number": NUMBER, "consent": "on"}
    bad = client.post("/en/account/", {**form, "mobile": "12345"})
    assert NUMBER not in bad.content.decode()  # not even echoed back into the form
    client.post("/en/account/", {**form, "mobile": "13800138000"})
    page = client.get("/en/account/").content.decode()
    assert MASKED in page
    operator = get_user_model().objects.create_superuser("op", "op@example.com", "pw")
    client.force_login(operator)
    identity = BuyerIdentity.objects.get()
    pages = [
        client.get("/backoffice/customs/buyeridentity/").content.decode(),
        client.get(
            f"/backoffice/customs/buyeridentity/{identity.pk}/change/"
        ).content.decode(),
    ]
    for html in [page, *pages]:
        assert NUMBER not in html
    assert NUMBER not in caplog.text


def test_the_yearly_usage_is_reserved_confirmed_and_given_back(buyer):
    identity = add(buyer)
    usage_reserve(id_number_hmac=identity.id_number_hmac, year=2026, amount=D("490.95"))
    usage_reserve(id_number_hmac=identity.id_number_hmac, year=2026, amount=D("100.00"))
    usage_confirm(id_number_hmac=identity.id_number_hmac, year=2026, amount=D("490.95"))
    usage_release(
        id_number_hmac=identity.id_number_hmac,
        year=2026,
        amount=D("100.00"),
        confirmed=False,
    )
    assert yearly_used(id_number_hmac=identity.id_number_hmac, year=2026) == D("490.95")
    usage_release(
        id_number_hmac=identity.id_number_hmac,
        year=2026,
        amount=D("490.95"),
        confirmed=True,
    )
    assert yearly_used(id_number_hmac=identity.id_number_hmac, year=2026) == 0
    assert yearly_used(id_number_hmac=identity.id_number_hmac, year=2027) == 0
    with pytest.raises(ValidationError):
        usage_release(
            id_number_hmac=identity.id_number_hmac,
            year=2026,
            amount=D("1.00"),
            confirmed=True,
        )


def test_an_id_number_belongs_to_one_account(buyer):
    other = get_user_model().objects.create_user("other")
    first = add(buyer)
    usage_reserve(id_number_hmac=first.id_number_hmac, year=2026, amount=D("20000.00"))
    with pytest.raises(ValidationError) as refused:
        add(other, real_name="李四")
    (message,) = refused.value.message_dict["id_number"]
    assert "cannot be added" in message
    assert "another account" not in message and "sign in" not in message
    assert not BuyerIdentity.objects.filter(user=other).exists()


def test_a_deleted_identity_keeps_its_number_and_its_usage(buyer):
    other = get_user_model().objects.create_user("other")
    identity = add(buyer)
    usage_reserve(id_number_hmac=identity.id_number_hmac, year=2026, amount=D("100.00"))
    identity_delete(identity=identity)
    assert identities_of(user=buyer) == []
    with pytest.raises(ValidationError):
        add(other)  # still the first account's number
    again = add(buyer, real_name="王 小明")
    assert again.pk == identity.pk and again.real_name == "王 小明"
    assert yearly_used(id_number_hmac=again.id_number_hmac, year=2026) == D("100.00")


def test_an_identity_s_name_and_mobile_can_be_corrected(buyer):
    identity = identity_update(
        identity=add(buyer), real_name="  王  晓明 ", mobile="139 0013 9000"
    )
    identity.refresh_from_db()
    assert (identity.real_name, identity.mobile) == ("王 晓明", "+8613900139000")
    with pytest.raises(ValidationError) as refused:
        identity_update(identity=identity, real_name="王晓明", mobile="12")
    assert "mobile" in refused.value.message_dict


@pytest.mark.parametrize(
    "number", ["310115198505120032", "440305198001011235", "360426199101010071"]
)
def test_real_numbers_issued_where_the_code_came_later_are_accepted(number):
    assert normalize_resident_id(number) == number


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("310115198505120033", "check digit"),
        ("31011519850512003", "18 characters"),
        ("3101151985051200A2", "18 characters"),
        ("310115198513120039", "birth date"),
        ("310115209901010036", "birth date"),
        ("990115198505120032", "area code"),
    ],
)
def test_a_wrong_number_is_refused_saying_what_is_wrong(number, reason):
    body = number[:17]
    if reason in ("birth date", "area code"):  # a right check digit, to reach it
        number = body + ric.calc_check_digit(body + "0")
    with pytest.raises(ValidationError) as refused:
        normalize_resident_id(number)
    assert reason in refused.value.message_dict["id_number"][0]
