"""Nobody takes an account that is not theirs, and nobody learns who has one: a
second sign-up never changes a password, the forms answer the same whether an
address or number has an account, and they do the same work either way."""

import re

import pytest
from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from etalage.accounts import sms

PASSWORD = "a quiet harbour 42"
OTHERS = "someone else chose 77"


@pytest.fixture(autouse=True)
def _no_texts_left():
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _messages_leave_at_commit(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda callback, *a, **k: callback())


def sign_up(client, login, password=PASSWORD):
    return client.post(
        "/en/signup/",
        {"login": login, "password": password, "password_again": password},
    )


def code_in_last_text():
    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)


def errors_of(page):
    return re.findall(r'<p class="error">(.*?)</p>', page, re.S)


# Item 5: a pre-account hijack ------------------------------------------------------


def test_a_second_email_sign_up_keeps_the_first_password_and_resends_its_link(
    client, markets
):
    sign_up(client, "mei@example.cn")
    answer = sign_up(Client(), "mei@example.cn", OTHERS)
    assert answer.status_code == 302 and answer["Location"] == "/en/signup/sent/"
    user = User.objects.get(username="mei@example.cn")
    assert user.check_password(PASSWORD) and not user.check_password(OTHERS)
    first, again = mail.outbox
    assert again.to == ["mei@example.cn"] and "/en/signup/confirm/" in again.body
    link = re.search(r"http://testserver(/en/signup/confirm/\S+/)", first.body)
    assert Client().get(link.group(1)).status_code == 302  # the first link works
    user.refresh_from_db()
    assert user.is_active and user.check_password(PASSWORD)


def test_a_second_mobile_sign_up_keeps_the_first_password(client, markets):
    sign_up(client, "13800138000")
    stranger = Client()
    sign_up(stranger, "13800138000", OTHERS)
    assert len(sms.outbox) == 2 and sms.outbox[-1].to == "+8613800138000"
    confirmed = client.post("/en/signup/sent/", {"code": code_in_last_text()})
    assert confirmed.status_code == 302
    user = User.objects.get()
    assert user.is_active and user.check_password(PASSWORD)
    assert not user.check_password(OTHERS)


# Item 4: account enumeration --------------------------------------------------------


@pytest.mark.parametrize("taken", [True, False])
@pytest.mark.parametrize("active", [True, False])
def test_sign_up_refuses_a_weak_password_whatever_exists(
    client, markets, taken, active
):
    if taken:
        user = User.objects.create_user("anne@example.be", "anne@example.be", PASSWORD)
        User.objects.filter(pk=user.pk).update(is_active=active)
    page = sign_up(client, "anne@example.be", "short").content.decode()
    assert "<li>Password" in page
    assert mail.outbox == []
    if taken:
        assert User.objects.get().check_password(PASSWORD)


def test_sign_up_hashes_a_password_whether_the_address_is_taken_or_not(
    client, markets, monkeypatch
):
    User.objects.create_user("anne@example.be", "anne@example.be", PASSWORD)
    hasher = type(get_hasher())
    hashed = []
    encode = hasher.encode
    monkeypatch.setattr(
        hasher,
        "encode",
        lambda self, *a, **k: hashed.append(1) or encode(self, *a, **k),
    )
    sign_up(client, "anne@example.be")
    taken = len(hashed)
    sign_up(Client(), "nobody@example.be")
    assert taken == len(hashed) - taken == 1


def reset_answer(login, code, password):
    client = Client()
    client.post("/en/password/", {"login": login})
    return client.post("/en/password/sent/", {"code": code, "password": password})


def test_a_code_reset_checks_the_code_before_the_password(markets):
    User.objects.create_user("+8613900139000", password=PASSWORD)
    known = errors_of(reset_answer("13900139000", "000000", "short").content.decode())
    unknown = errors_of(reset_answer("13700137000", "000000", "short").content.decode())
    assert known == unknown
    assert any("This code is wrong" in error for error in known)


def test_a_right_code_with_a_weak_password_keeps_the_code(client, markets):
    User.objects.create_user("+8613900139000", password=PASSWORD)
    client.post("/en/password/", {"login": "13900139000"})
    code = code_in_last_text()
    weak = client.post("/en/password/sent/", {"code": code, "password": "short"})
    assert "<li>New password" in weak.content.decode()
    client.post("/en/password/sent/", {"code": code, "password": OTHERS})
    assert User.objects.get().check_password(OTHERS)


def test_a_throttled_code_request_answers_as_for_an_unknown_number(markets):
    User.objects.create_user("+8613900139000", password=PASSWORD)
    answers = []
    for login in ["13900139000"] * 7 + ["13700137000"]:
        client = Client()
        answer = client.post("/en/password/", {"login": login}, follow=True)
        answers.append(
            (
                answer.redirect_chain,
                errors_of(answer.content.decode()),
                "Too many" in answer.content.decode(),
            )
        )
    assert all(answer == answers[-1] for answer in answers), answers
    assert len(sms.outbox) == 5  # five codes an hour to one number, then silence


def test_a_reset_link_request_does_the_same_work_whether_the_account_exists(
    markets, monkeypatch
):
    """The link is made and sent by the background worker: the request reads no
    account, sends nothing and makes the same queries either way."""
    from types import SimpleNamespace

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from etalage.accounts import services

    User.objects.create_user("li@example.cn", "li@example.cn", PASSWORD)
    asked = []
    task = services.password_reset_link_task
    monkeypatch.setattr(
        services,
        "password_reset_link_task",
        SimpleNamespace(enqueue=lambda *a: asked.append(a[0])),
    )
    counts = []
    for login in ("li@example.cn", "nobody@example.cn"):
        with CaptureQueriesContext(connection) as queries:
            answer = Client().post("/en/password/", {"login": login})
        assert answer["Location"] == "/en/password/sent/"
        counts.append(len(queries))
    assert counts[0] == counts[1] and mail.outbox == []
    assert asked == ["li@example.cn", "nobody@example.cn"]
    task.func("li@example.cn", "fr", "https://shop.cn/")
    assert "https://shop.cn/fr/password/reset/" in mail.outbox[0].body
