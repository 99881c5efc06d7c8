"""The identity form says every mistake at once, each naming its field, keeps what
was typed, and never writes the ID number back in clear: a right number is carried
back sealed and shown masked."""

import html as markup
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from etalage.conftest import resident_id
from etalage.customs.models import BuyerIdentity
from etalage.customs.services import identity_add

NUMBER = resident_id(7)


@pytest.fixture
def buyer(client, markets):
    user = get_user_model().objects.create_user("buyer", email="b@example.cn")
    client.force_login(user)
    return user


def summary(html: str) -> list[str]:
    found = re.search(r'<div class="errors" role="alert"[^>]*>(.*?)</div>', html, re.S)
    assert found, "no list of mistakes"
    return [
        markup.unescape(re.sub(r"<[^>]+>", "", item))
        for item in re.findall(r"<li>(.*?)</li>", found.group(1))
    ]


def test_every_wrong_answer_is_named_at_once_and_a_right_number_kept_masked(
    client, buyer
):
    html = client.post(
        "/en/account/",
        {"real_name": "", "id_number": NUMBER, "mobile": "12345", "consent": ""},
    ).content.decode()
    listed = summary(html)
    assert listed == [
        "Real name, as on your ID card: Enter your name as on your ID card.",
        "Mobile number: Enter a mainland China mobile number.",
        "Consent to customs use: Customs need your consent to use your ID number.",
    ]
    assert NUMBER not in html and NUMBER[6:14] not in html  # never in clear
    assert f"Kept: <code>{NUMBER[:4]}**********{NUMBER[-4:]}</code>" in html
    kept = re.search(r'name="id_number_kept" value="([^"]+)"', html).group(1)
    assert NUMBER not in kept
    assert 'name="mobile" value="12345"' in html  # what was typed stays

    # Corrected, the number left empty: the kept one is added.
    answer = client.post(
        "/en/account/",
        {"real_name": "王小明", "id_number": "", "id_number_kept": kept,
         "mobile": "13800138000", "consent": "on"},
    )  # fmt: skip
    assert answer.status_code == 302
    assert BuyerIdentity.objects.get(user=buyer).id_number_masked.endswith(NUMBER[-4:])


def test_a_wrong_number_is_said_with_the_rest_and_never_kept_or_echoed(client, buyer):
    wrong = NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")
    html = client.post(
        "/fr/account/",
        {"real_name": "王小明", "id_number": wrong, "mobile": "138", "consent": ""},
    ).content.decode()
    listed = summary(html)
    assert len(listed) == 3
    assert listed[0].startswith("Numéro de carte d'identité de résident\u00a0: ")
    assert "clé de contrôle" in listed[0]
    assert wrong not in html and "Gardé" not in html
    assert not re.search(r'name="id_number_kept" value="[^"]+"', html)
    assert 'value="王小明"' in html


def test_a_number_sealed_for_another_buyer_is_not_taken(client, buyer):
    html = client.post(
        "/en/account/", {"real_name": "", "id_number": NUMBER, "mobile": "13800138000"}
    ).content.decode()
    kept = re.search(r'name="id_number_kept" value="([^"]+)"', html).group(1)
    other = get_user_model().objects.create_user("other")
    client.force_login(other)
    html = client.post(
        "/en/account/",
        {"real_name": "李雷", "id_number": "", "id_number_kept": kept,
         "mobile": "13800138000", "consent": "on"},
    ).content.decode()  # fmt: skip
    assert not BuyerIdentity.objects.filter(user=other).exists()
    assert "Resident ID number: A resident ID number has 18 characters" in " ".join(
        summary(html)
    )


def test_the_service_refuses_every_wrong_answer_at_once(buyer):
    with pytest.raises(ValidationError) as refused:
        identity_add(user=buyer, real_name="x", id_number="123", mobile="1",
                     consent=False)  # fmt: skip
    assert set(refused.value.message_dict) == {
        "consent", "real_name", "id_number", "mobile"}  # fmt: skip
    assert not BuyerIdentity.objects.exists()
