"""Sign-up and a forgotten password send emails and texts (texts cost money): at
most a few an hour to one address or number, and from one client address; past
that, nothing is sent and the answer is the same."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from etalage.accounts import sms

PASSWORD = "a quiet harbour 42"


@pytest.fixture(autouse=True)
def _no_texts_left():
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _messages_leave_at_commit(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda callback, *a, **k: callback())


def from_(n):
    """A client at its own address (each request from elsewhere)."""
    return Client(REMOTE_ADDR=f"198.51.100.{n}")


def sign_up(client, login):
    answer = client.post(
        "/en/signup/",
        {"login": login, "password": PASSWORD, "password_again": PASSWORD},
    )
    assert answer.status_code == 302 and answer["Location"] == "/en/signup/sent/"


def test_five_codes_an_hour_to_one_number_then_none(markets):
    User.objects.create_user("+8613900139000", password=PASSWORD)
    for n in range(8):
        answer = from_(n).post("/en/password/", {"login": "13900139000"})
        assert answer["Location"] == "/en/password/sent/"
    assert [text.to for text in sms.outbox] == ["+8613900139000"] * 5


def test_five_sign_up_codes_an_hour_to_one_number_then_none(markets):
    client = from_(1)
    sign_up(client, "13800138000")
    for _ in range(7):
        client.post("/en/signup/code/")
    assert len(sms.outbox) == 5


def test_a_waiting_sign_up_is_emailed_five_times_an_hour_at_most(markets):
    for n in range(8):
        sign_up(from_(n), "mei@example.cn")
    assert len(mail.outbox) == 5


def test_the_owner_is_told_of_sign_up_attempts_five_times_an_hour_at_most(markets):
    User.objects.create_user("anne@example.be", "anne@example.be", PASSWORD)
    User.objects.create_user("+8613900139000", password=PASSWORD)
    for n in range(8):
        sign_up(from_(n), "anne@example.be")
        sign_up(from_(n), "13900139000")
    assert len(mail.outbox) == 5 and len(sms.outbox) == 5


def test_password_links_go_five_times_an_hour_at_most(markets):
    User.objects.create_user("li@example.cn", "li@example.cn", PASSWORD)
    for n in range(8):
        answer = from_(n).post("/en/password/", {"login": "li@example.cn"})
        assert answer["Location"] == "/en/password/sent/"
    assert len(mail.outbox) == 5


def test_one_client_address_sends_a_few_messages_an_hour(markets, settings):
    settings.ETALAGE_MESSAGES_PER_ADDRESS_HOUR = 3
    for n in range(5):
        sign_up(from_(1), f"buyer{n}@example.cn")
        sign_up(from_(1), f"1380013800{n}")
    assert len(mail.outbox) + len(sms.outbox) == 3
    sign_up(from_(2), "someone@example.cn")  # another client is not held back
    assert len(mail.outbox) + len(sms.outbox) == 4


def test_the_limits_read_the_client_behind_the_proxy(markets, settings):
    settings.ETALAGE_MESSAGES_PER_ADDRESS_HOUR = 3
    settings.ETALAGE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for n in range(4):
        proxied = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        sign_up(proxied, f"buyer{n}@example.cn")
    assert len(mail.outbox) == 4
