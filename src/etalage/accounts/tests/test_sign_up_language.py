"""A buyer's language is kept from the moment they sign up, by the web or the
API: the emails and texts about their orders then speak it, not the default."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from etalage.accounts.contact import buyer_language

PASSWORD = "a quiet harbour 42"


def _api_sign_up(body, **headers):
    api = Client(enforce_csrf_checks=True)
    token = api.get("/api/v1/auth/csrf").json()["csrf_token"]
    return api.post(
        "/api/v1/auth/signup",
        body,
        content_type="application/json",
        headers={"X-CSRFToken": token, **headers},
    )


@pytest.mark.parametrize("language", ["fr", "nl", "en", "zh-hans"])
def test_the_api_keeps_the_language_the_buyer_signed_up_in(markets, language):
    answer = _api_sign_up(
        {"login": "13912345678", "password": PASSWORD, "lang": language}
    )
    assert answer.status_code == 202
    assert (
        buyer_language(User.objects.get(username__endswith="13912345678")) == language
    )


def test_without_lang_the_api_keeps_the_request_s_language(markets):
    answer = _api_sign_up(
        {"login": "new@example.cn", "password": PASSWORD}, **{"Accept-Language": "nl"}
    )
    assert answer.status_code == 202
    assert buyer_language(User.objects.get(username__endswith="new@example.cn")) == "nl"


def test_the_web_keeps_the_language_of_the_sign_up_page(markets):
    answer = Client().post(
        "/fr/signup/",
        {"login": "13912345679", "password": PASSWORD, "password_again": PASSWORD},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert buyer_language(User.objects.get(username__endswith="13912345679")) == "fr"


def test_signing_up_again_leaves_an_account_s_chosen_language(markets):
    _api_sign_up({"login": "13912345678", "password": PASSWORD, "lang": "fr"})
    _api_sign_up({"login": "13912345678", "password": PASSWORD, "lang": "nl"})
    assert buyer_language(User.objects.get(username__endswith="13912345678")) == "fr"
