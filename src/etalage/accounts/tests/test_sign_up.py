"""A new visitor joins: sign up by email or mobile, confirm, sign in, reset the
password; nothing tells a stranger whether an address has an account."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from etalage.accounts import sms
from etalage.accounts.models import OneTimeCode
from etalage.accounts.services import person_name

PASSWORD = "a quiet harbour 42"


@pytest.fixture(autouse=True)
def _no_texts_left():
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _messages_leave_at_commit(monkeypatch):
    """Emails and texts go once the transaction commits; a test's never does, so
    run them as the commit would."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda callback, *a, **k: callback())


def sign_up(client, login, password=PASSWORD, again=None):
    return client.post(
        "/en/signup/",
        {"login": login, "password": password, "password_again": again or password},
    )


def code_in_last_text():
    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)


def test_an_email_sign_up_is_confirmed_by_its_link_then_signs_in(client, markets):
    response = sign_up(client, "Mei.Wang@Example.CN")
    assert response.status_code == 302 and response["Location"] == "/en/signup/sent/"
    user = User.objects.get(username="mei.wang@example.cn")
    assert not user.is_active and user.email == "mei.wang@example.cn"
    assert "mei.wang@example.cn" in client.get("/en/signup/sent/").content.decode()
    (message,) = mail.outbox
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    link = re.search(r"http://testserver(/en/signup/confirm/\S+/)", message.body)
    welcome = client.get(link.group(1))
    assert welcome.status_code == 302 and welcome["Location"] == "/en/account/"
    user.refresh_from_db()
    assert user.is_active
    assert client.get(link.group(1)).status_code == 400  # a link works once
    client.logout()
    signed_in = client.post(
        "/en/login/", {"username": "MEI.wang@example.cn ", "password": PASSWORD}
    )
    assert signed_in.status_code == 302


def test_a_mobile_sign_up_is_confirmed_by_a_texted_code(client, markets):
    sign_up(client, "138 0013 8000")
    user = User.objects.get(username="+8613800138000")
    assert not user.is_active and sms.outbox[-1].to == "+8613800138000"
    wrong = client.post("/en/signup/sent/", {"code": "000000"})
    assert "This code is wrong" in wrong.content.decode()
    confirmed = client.post("/en/signup/sent/", {"code": code_in_last_text()})
    assert confirmed.status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert OneTimeCode.objects.get().code_hmac != code_in_last_text()  # kept hashed
    client.logout()
    again = {"username": "+86 13800138000", "password": PASSWORD}
    assert client.post("/en/login/", again).status_code == 302


def test_five_wrong_codes_end_a_code(client, markets):
    sign_up(client, "13800138000")
    right = code_in_last_text()
    for _ in range(5):
        client.post(
            "/en/signup/sent/", {"code": "999999" if right != "999999" else "1"}
        )
    client.post("/en/signup/sent/", {"code": right})
    assert not User.objects.get().is_active


def test_signing_up_again_with_a_taken_address_reveals_nothing(client, markets):
    User.objects.create_user("anne@example.be", "anne@example.be", "old password 1")
    before = sign_up(client, "anne@example.be")
    stranger = sign_up(client, "nobody@example.be")
    assert before.status_code == stranger.status_code == 302
    assert User.objects.filter(username="anne@example.be").count() == 1
    assert User.objects.get(username="anne@example.be").check_password("old password 1")
    to_owner = next(m for m in mail.outbox if m.to == ["anne@example.be"])
    assert "has one already" in to_owner.body


@pytest.mark.parametrize(
    ("login", "password", "again", "field"),
    [
        ("not an address", PASSWORD, None, "Email address or mainland China mobile"),
        ("+32 470 12 34 56", PASSWORD, None, "Email address or mainland China mobile"),
        ("mei@example.cn", "mei@example.cn", None, "Password"),  # like the address
        ("mei@example.cn", "short", None, "Password"),
        ("mei@example.cn", PASSWORD, "another one 42", "Password again"),
    ],
)
def test_a_refused_sign_up_names_the_field_and_opens_nothing(
    client, markets, login, password, again, field
):
    page = sign_up(client, login, password, again).content.decode()
    assert f"<li>{field}" in page
    assert not User.objects.exists()


def test_a_forgotten_password_comes_back_by_email_link(client, markets):
    User.objects.create_user("li@example.cn", "li@example.cn", "old password 1")
    client.post("/en/password/", {"login": "li@example.cn"})
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/en/password/reset/\S+/)", message.body)
    form = client.get(link.group(1), follow=True)
    url = form.redirect_chain[-1][0]
    done = client.post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302
    assert User.objects.get().check_password(PASSWORD)


def test_a_forgotten_password_comes_back_by_texted_code(client, markets):
    User.objects.create_user("+8613900139000", password="old password 1")
    answer = client.post("/en/password/", {"login": "139 0013 9000"})
    assert answer["Location"] == "/en/password/sent/"
    code = code_in_last_text()
    client.post("/en/password/sent/", {"code": code, "password": PASSWORD})
    assert User.objects.get().check_password(PASSWORD)


def test_asking_for_an_unknown_number_says_the_same_and_texts_nobody(client, markets):
    answer = client.post("/en/password/", {"login": "13700137000"})
    assert answer["Location"] == "/en/password/sent/"
    assert sms.outbox == []


def test_a_chinese_name_reads_family_name_first():
    assert person_name(User(first_name="小明", last_name="王")) == "王小明"
    assert person_name(User(first_name="Anne", last_name="Dupont")) == "Anne Dupont"


@pytest.mark.parametrize(
    ("prefix", "said"),
    [("/nl", "Dit wachtwoord is te kort"), ("", "密码太短"), ("/fr", "trop court")],
)
def test_a_short_password_is_refused_in_the_buyer_s_language(
    client, markets, prefix, said
):
    page = client.post(
        f"{prefix}/signup/",
        {"login": "x@example.cn", "password": "abc", "password_again": "abc"},
    ).content.decode()
    assert said in page and "too short" not in page


def test_the_cart_filled_before_signing_up_is_there_once_confirmed(client, shopping):
    """A visitor fills the cart, signs up and opens the confirmation link: the cart
    is theirs, not left behind under the cookie."""
    from etalage.checkout.models import Cart

    product = shopping.products["a"]
    client.post("/en/cart/add/", {"variant": str(product.variants.get().pk)})
    assert Cart.objects.get(user=None).lines.count() == 1
    sign_up(client, "wang@example.cn")
    link = re.search(r"https?://\S+(/en/signup/confirm/\S+/)", mail.outbox[-1].body)
    client.get(link.group(1))
    user = User.objects.get(username="wang@example.cn")
    assert Cart.objects.get(user=user).lines.count() == 1
    assert product.slug in client.get("/en/cart/").content.decode()
