"""Password guessing is slowed per login and client address, and per login, behind
the operator's proxies too; nobody locks another out by guessing from elsewhere."""

import threading
import time

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connections
from django.test import Client

from etalage.accounts.services import sign_in_attempt

PASSWORD = "a quiet harbour 42"
PROXY = "10.0.0.2"


@pytest.fixture
def anne(markets, settings):
    settings.ETALAGE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    return User.objects.create_user("anne", password=PASSWORD)


def sign_in(password, client_address, login="anne"):
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)
    client.post("/en/login/", {"username": login, "password": password})
    return "_auth_user_id" in client.session


def test_guesses_from_one_address_do_not_lock_the_owner_out_behind_a_proxy(anne):
    for _ in range(10):
        assert not sign_in("wrong", "203.0.113.5")
    assert not sign_in(PASSWORD, "203.0.113.5")  # this address is paused
    assert sign_in(PASSWORD, "198.51.100.7")  # the owner, elsewhere, is not


def test_a_forged_forwarded_for_does_not_escape_the_pause(markets, settings):
    settings.ETALAGE_TRUSTED_PROXIES = []  # no proxy in front: the header is a lie
    User.objects.create_user("anne", password=PASSWORD)
    for n in range(5):
        client = Client(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        client.post("/en/login/", {"username": "anne", "password": "wrong"})
    client = Client(HTTP_X_FORWARDED_FOR="203.0.113.99")
    client.post("/en/login/", {"username": "anne", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_number_written_another_way_is_the_same_login(markets):
    User.objects.create_user("+8613800138000", password=PASSWORD)
    for login in ["13800138000", "138 0013 8000", "+86 138 0013 8000"] * 2:
        Client().post("/en/login/", {"username": login, "password": "wrong"})
    client = Client()
    client.post("/en/login/", {"username": "+8613800138000", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_guesses_from_many_addresses_pause_the_login_but_not_a_known_address(
    anne, settings
):
    settings.ETALAGE_LOGIN_ATTEMPTS_PER_LOGIN = 8
    assert sign_in(PASSWORD, "198.51.100.7")  # the owner's usual address
    for n in range(12):
        sign_in("wrong", f"203.0.113.{n}")  # two guesses each, from twelve addresses
        sign_in("wrong", f"203.0.113.{n}")
    assert not sign_in(PASSWORD, "192.0.2.200")  # a new address: paused
    assert sign_in(PASSWORD, "198.51.100.7")  # where the owner signed in before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_guesses_are_counted_before_the_password_is_checked(settings):
    settings.ETALAGE_LOGIN_ATTEMPTS = 5
    checked = []
    start = threading.Barrier(20)

    def guess():
        def check():
            checked.append(1)
            time.sleep(0.05)  # a password hash takes time
            raise ValidationError("wrong", code="invalid_login")

        start.wait()
        try:
            sign_in_attempt(login="anne", address="203.0.113.5", check=check)
        except ValidationError:
            pass
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) <= 5, f"{len(checked)} passwords checked, limit 5"
