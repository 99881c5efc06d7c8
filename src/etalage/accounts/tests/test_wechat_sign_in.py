"""Signing in with WeChat in WeChat's browser, through the sandbox's stand-in for
WeChat's authorization page and API: a new buyer gets an account, a returning one
their own (by openid, or by unionid from the other app), a signed-in buyer links
their WeChat; the state stops a forged or replayed return; WeChat's refusals are
WeChat's."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User

from etalage.accounts import sandbox_wechat, wechat_oauth
from etalage.accounts.models import WeChatIdentity
from etalage.accounts.wechat_sign_in import mini_program_grant, wechat_buyer_sign_in

WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x18003237) "
    "NetType/WIFI Language/zh_CN"
)
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(autouse=True)
def _site(settings, no_call_in_transaction):
    settings.ETALAGE_SITE_URL = "http://testserver"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def to_wechat(client, *, share=False, next_path="/en/cart/"):
    """Start a sign-in: the page sends the browser to WeChat's authorization."""
    query = {"next": next_path, **({"share": "1"} if share else {})}
    started = client.get("/en/wechat/sign-in/", query, headers={"User-Agent": WECHAT})
    assert started.status_code == 302
    return started["Location"]


def through_wechat(client, authorize_url, *, nickname="李娜", decision="allow"):
    """Be the buyer at the sandbox's WeChat page; where it sends the browser back."""
    assert authorize_url.endswith("#wechat_redirect")
    page = _path(authorize_url.removesuffix("#wechat_redirect"))
    ua = {"User-Agent": WECHAT}
    answer = client.get(page, headers=ua)
    if answer.status_code == 200 and b'name="nickname"' in answer.content:
        client.post(page, {"nickname": nickname}, headers=ua)
        answer = client.get(page, headers=ua)
    if answer.status_code == 200:  # snsapi_userinfo: the buyer is asked
        assert b'value="allow"' in answer.content
        answer = client.post(page, {"decision": decision}, headers=ua)
    assert answer.status_code == 302, answer.content
    return answer["Location"]


def sign_in_with_wechat(client, **kwargs):
    back = through_wechat(client, to_wechat(client, share=kwargs.pop("share", False)),
                          **kwargs)  # fmt: skip
    return client.get(_path(back), headers={"User-Agent": WECHAT})


def test_the_authorization_request_is_wechat_s_own(client):
    url = to_wechat(client, share=True)
    parts = urlsplit(url)
    assert parts.path == "/sandbox/weixin/open/connect/oauth2/authorize"
    assert parts.fragment == "wechat_redirect"
    names = [pair.split("=")[0] for pair in parts.query.split("&")]
    assert names == ["appid", "redirect_uri", "response_type", "scope", "state"]
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["appid"] == wechat_oauth.SANDBOX_APPID
    assert query["response_type"] == "code"
    assert query["scope"] == "snsapi_userinfo"
    assert query["redirect_uri"] == "http://testserver/en/wechat/back/"
    assert query["state"].isalnum() and len(query["state"]) <= 128


def test_a_new_buyer_signs_in_silently_and_gets_an_account_without_a_password(client):
    landed = sign_in_with_wechat(client)
    assert landed.status_code == 302 and landed["Location"] == "/en/cart/"
    (identity,) = WeChatIdentity.objects.all()
    user = identity.user
    assert identity.app_id == wechat_oauth.SANDBOX_APPID
    assert identity.openid.startswith("o") and len(identity.openid) == 28
    assert identity.unionid == ""  # snsapi_base: WeChat gives no unionid
    assert identity.nickname == ""  # nor the name
    assert not user.has_usable_password() and user.is_active
    assert client.get("/en/account/").status_code == 200  # signed in


def test_a_buyer_who_shares_the_name_is_named_by_it_and_keyed_by_unionid(client):
    sign_in_with_wechat(client, share=True, nickname="王小红")
    identity = WeChatIdentity.objects.get()
    assert identity.nickname == "王小红" and identity.unionid.startswith("o")
    assert identity.user.first_name == "王小红"
    assert "王小红" in client.get("/en/account/").content.decode()


def test_the_same_wechat_user_signs_in_to_the_same_account_again(client):
    from etalage.web.sandbox.wechat import SANDBOX_COOKIE

    sign_in_with_wechat(client)
    phone = client.cookies[SANDBOX_COOKIE].value  # the same WeChat on the phone
    client.logout()
    client.cookies[SANDBOX_COOKIE] = phone
    sign_in_with_wechat(client)
    assert User.objects.count() == 1 and WeChatIdentity.objects.count() == 1


def test_the_mini_program_s_user_finds_the_account_by_unionid(client):
    """The buyer opened the account in WeChat's browser, sharing the name (so the
    unionid came); the mini-program's login brings the same unionid."""
    sign_in_with_wechat(client, share=True)
    first = WeChatIdentity.objects.get()
    key = _sandbox_key_of(client)
    code = sandbox_wechat.grant_issue(app_id=wechat_oauth.SANDBOX_MINI_PROGRAM_APPID,
                                      kind="mini_program", scope="", user_key=key,
                                      nickname="")  # fmt: skip
    grant = mini_program_grant(js_code=code)
    assert grant.unionid == first.unionid and grant.openid != first.openid
    user, created = wechat_buyer_sign_in(grant=grant)
    assert user == first.user and not created
    assert WeChatIdentity.objects.filter(user=user).count() == 2


def _sandbox_key_of(client) -> str:
    """The sandbox's WeChat user this browser is (its page's cookie)."""
    import re

    from etalage.web.sandbox.wechat import SANDBOX_COOKIE

    return re.search(r'"key": "(\w+)"', client.cookies[SANDBOX_COOKIE].value)[1]


def test_a_return_with_another_state_is_refused_and_signs_nobody_in(client):
    back = through_wechat(client, to_wechat(client))
    forged = back.replace("state=", "state=0")
    answer = client.get(_path(forged), headers={"User-Agent": WECHAT})
    assert answer.status_code == 302 and answer["Location"] == "/en/login/"
    assert not User.objects.exists()
    # The state is used up: the genuine return, replayed, is refused too.
    again = client.get(_path(back), headers={"User-Agent": WECHAT})
    assert again["Location"] == "/en/login/" and not User.objects.exists()


def test_a_return_to_another_browser_is_refused(client, django_user_model):
    from django.test import Client

    back = through_wechat(client, to_wechat(client))
    other = Client()
    answer = other.get(_path(back), headers={"User-Agent": WECHAT})
    assert answer["Location"] == "/en/login/" and not User.objects.exists()


def test_a_code_works_once_and_a_made_up_one_not(client):
    app = wechat_oauth.official_account()
    transport = sandbox_wechat.sandbox_transport
    code = sandbox_wechat.grant_issue(app_id=app.app_id, kind="oauth",
                                      scope="snsapi_base", user_key="k1",
                                      nickname="")  # fmt: skip
    assert wechat_oauth.code_exchange(app, code, transport).openid
    with pytest.raises(wechat_oauth.WeChatRefused) as used:
        wechat_oauth.code_exchange(app, code, transport)
    assert used.value.errcode == 40163
    with pytest.raises(wechat_oauth.WeChatRefused) as made_up:
        wechat_oauth.code_exchange(app, "0" * 32, transport)
    assert made_up.value.errcode == 40029


def test_a_buyer_who_denies_is_not_signed_in(client):
    back = through_wechat(client, to_wechat(client, share=True), decision="deny")
    assert "code=" not in back
    answer = client.get(_path(back), headers={"User-Agent": WECHAT})
    assert answer["Location"] == "/en/login/" and not User.objects.exists()


def test_the_authorization_page_works_in_wechat_only(client):
    url = to_wechat(client)
    outside = client.get(_path(url.removesuffix("#wechat_redirect")),
                         headers={"User-Agent": SAFARI})  # fmt: skip
    assert outside.status_code == 200
    assert b"Open this link in WeChat" in outside.content


def test_a_redirect_outside_the_site_is_refused_by_the_sandbox_s_wechat(client):
    url = to_wechat(client).replace("%2F%2Ftestserver", "%2F%2Fevil.example", 1)
    refused = client.get(_path(url.removesuffix("#wechat_redirect")),
                         headers={"User-Agent": WECHAT})  # fmt: skip
    assert refused.status_code == 400 and b"redirect_uri" in refused.content


def test_a_buyer_links_wechat_from_my_account_and_unlinks_it(client, shopping):
    buyer = shopping.buyer()
    buyer.set_password("a decent password")
    buyer.save()
    client.force_login(buyer)
    account = client.get("/en/account/", headers={"User-Agent": WECHAT}).content
    assert b"Link my WeChat" in account
    back = through_wechat(client, to_wechat(client, next_path="/en/account/#wechat"))
    landed = client.get(_path(back), headers={"User-Agent": WECHAT})
    assert landed["Location"] == "/en/account/#wechat"
    identity = WeChatIdentity.objects.get()
    assert identity.user == buyer
    client.post(f"/en/account/wechat/{identity.pk}/unlink/")
    assert not WeChatIdentity.objects.exists()


def test_a_wechat_user_of_another_account_is_not_linked(client, shopping):
    from etalage.web.sandbox.wechat import SANDBOX_COOKIE

    sign_in_with_wechat(client)
    owner = WeChatIdentity.objects.get().user
    phone = client.cookies[SANDBOX_COOKIE].value  # the same WeChat user
    client.logout()
    client.cookies[SANDBOX_COOKIE] = phone
    other = shopping.buyer()
    client.force_login(other)
    back = through_wechat(client, to_wechat(client, next_path="/en/account/"))
    client.get(_path(back), headers={"User-Agent": WECHAT})
    assert list(WeChatIdentity.objects.values_list("user", flat=True)) == [owner.pk]


def test_a_buyer_who_signs_in_with_wechat_only_cannot_unlink_it(client):
    sign_in_with_wechat(client)
    identity = WeChatIdentity.objects.get()
    client.post(f"/en/account/wechat/{identity.pk}/unlink/")
    assert WeChatIdentity.objects.filter(pk=identity.pk).exists()


def test_the_sign_in_is_offered_in_wechat_s_browser_only(client):
    assert (
        b"Sign in with WeChat"
        in client.get("/en/login/", headers={"User-Agent": WECHAT}).content
    )
    assert (
        b"Sign in with WeChat"
        not in client.get("/en/login/", headers={"User-Agent": SAFARI}).content
    )


def test_half_set_up_settings_fail_the_start_checks(settings):
    from etalage.accounts.wechat_sign_in import (
        settings_checked,
        settings_deploy_checked,
    )

    settings.ETALAGE_PAYMENT_SANDBOX = False
    settings.ETALAGE_WECHAT_APPID = ""
    settings.ETALAGE_WECHAT_APP_SECRET = "s3cret"
    settings.ETALAGE_WECHAT_MINI_PROGRAM_APPID = "wx0123456789abcdef"
    settings.ETALAGE_WECHAT_MINI_PROGRAM_SECRET = ""
    assert {m.id for m in settings_checked()} == {"accounts.E001", "accounts.E002"}
    settings.ETALAGE_WECHAT_APPID = "wxfedcba9876543210"
    settings.ETALAGE_WECHAT_APP_SECRET = ""
    assert [m.id for m in settings_deploy_checked()] == ["accounts.W001"]
    assert wechat_oauth.official_account() is None
    assert client_free_of_sandbox()


def client_free_of_sandbox() -> bool:
    """With the sandbox off, nobody reaches its WeChat pages."""
    from django.test import Client

    return (
        Client().get("/sandbox/weixin/open/connect/oauth2/authorize").status_code == 404
    )


def test_the_sandbox_s_page_speaks_the_language_of_the_page_the_buyer_left(client):
    started = client.get("/fr/wechat/sign-in/", headers={"User-Agent": WECHAT})
    page = client.get(_path(started["Location"].removesuffix("#wechat_redirect")),
                      headers={"User-Agent": WECHAT})  # fmt: skip
    assert "Qui est l'utilisateur WeChat de ce navigateur" in page.content.decode()


def test_a_new_account_s_name_tells_nothing_of_the_openid(client):
    sign_in_with_wechat(client)
    identity = WeChatIdentity.objects.get()
    username = identity.user.username
    assert username.startswith("wechat_") and identity.openid not in username


def test_a_page_snapshot_s_virtual_user_gets_no_account(monkeypatch):
    """WeChat marks the user of a shared page's snapshot (is_snapshotuser: 1): a
    virtual user, not a person."""
    import json

    from django.core.exceptions import ValidationError

    from etalage.accounts import wechat_sign_in

    def snapshot(method, url, headers, body):
        answer = {"access_token": "t", "expires_in": 7200, "refresh_token": "r",
                  "openid": "oSNAPSHOT", "scope": "snsapi_base",
                  "is_snapshotuser": 1}  # fmt: skip
        return 200, {}, json.dumps(answer).encode()

    monkeypatch.setattr(wechat_sign_in, "transport_for", lambda app: snapshot)
    with pytest.raises(ValidationError, match="not a preview"):
        wechat_sign_in.web_grant(code="c")
    assert not User.objects.exists()
