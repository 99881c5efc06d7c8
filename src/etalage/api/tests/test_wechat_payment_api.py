"""A mini-program (or any client) pays through the API in the scene of its device:
signs the buyer in with ``wx.login``'s code, starts a JSAPI payment and gets the
parameters ``wx.requestPayment`` takes; H5 and Alipay's phone cashier give where
to send the buyer. The OpenAPI document describes each."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client

from etalage.accounts import wechat_oauth
from etalage.accounts.models import WeChatIdentity
from etalage.payments import sandbox_store


@pytest.fixture(autouse=True)
def _site(settings, no_call_in_transaction):
    settings.ETALAGE_SITE_URL = "http://testserver"


@pytest.fixture
def api(shopping):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    order = shopping.place(buyer).order
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    client.order = order
    client.token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    return client


def post(client, path, body, **headers):
    return client.post(
        path,
        body,
        content_type="application/json",
        headers={"X-CSRFToken": client.token, **headers},
    )


def wx_login(user_key="minibuyer"):
    """The sandbox's stand-in for the mini-program's ``wx.login``."""
    answer = Client().post("/sandbox/weixin/mini-program/login", {"user": user_key})
    assert answer.json()["errMsg"] == "login:ok"
    return answer.json()["code"]


def pay(client, **body):
    return post(
        client,
        f"/api/v1/orders/{client.order.number}/payments",
        body,
        **{"Idempotency-Key": uuid.uuid4().hex},
    )


def test_a_mini_program_links_the_buyer_and_pays_with_jsapi(
    api, monkeypatch, django_capture_on_commit_callbacks
):
    refused = pay(api, provider="wechat", scene="jsapi", mini_program=True)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "wechat_sign_in_needed"
    linked = post(api, "/api/v1/auth/wechat/mini-program", {"code": wx_login()})
    assert linked.status_code == 200, linked.content
    assert linked.json()["created"] is False
    assert linked.json()["app_id"] == wechat_oauth.SANDBOX_MINI_PROGRAM_APPID
    started = pay(api, provider="wechat", scene="jsapi", mini_program=True)
    assert started.status_code == 201, started.content
    payment = started.json()
    params = payment["jsapi"]
    assert payment["scene"] == "jsapi" and payment["redirect_url"] == ""
    assert params["appId"] == wechat_oauth.SANDBOX_MINI_PROGRAM_APPID
    assert params["package"].startswith("prepay_id=") and params["signType"] == "RSA"
    # wx.requestPayment, as the sandbox's WeChat plays it; its notification follows.
    phone = Client()

    def transport(method, url, headers, body):
        answer = phone.post(
            urlsplit(url).path,
            data=body,
            content_type=headers["Content-Type"],
            headers={k: v for k, v in headers.items() if k != "Content-Type"},
        )
        return answer.status_code, {}, answer.content

    monkeypatch.setattr(sandbox_store, "NOTIFY_TRANSPORT", [transport])
    sheet = phone.get("/sandbox/wechat/jsapi/?" + urlencode(params))
    assert sheet.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        phone.post(sheet["Location"], {"decision": "pay"})
    (paid,) = api.get(f"/api/v1/orders/{api.order.number}/payments").json()["items"]
    assert paid["state"] == "succeeded" and paid["jsapi"] is None


def test_a_new_mini_program_buyer_gets_an_account(db):
    client = Client(enforce_csrf_checks=True)
    client.token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    answer = post(client, "/api/v1/auth/wechat/mini-program", {"code": wx_login("n1")})
    assert answer.status_code == 200 and answer.json()["created"] is True
    identity = WeChatIdentity.objects.get()
    assert identity.app_id == wechat_oauth.SANDBOX_MINI_PROGRAM_APPID
    assert identity.unionid  # code2session gives it: the mini-program is bound
    # Signing in renews the CSRF token (as any sign-in); a made-up code is refused.
    client.token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    again = post(client, "/api/v1/auth/wechat/mini-program", {"code": "0" * 32})
    assert again.status_code == 422
    assert again.json()["error"]["code"] == "wechat_refused"


def test_h5_and_alipay_wap_give_where_to_send_the_buyer(api):
    h5 = pay(api, provider="wechat", scene="h5")
    assert h5.status_code == 201
    target = urlsplit(h5.json()["redirect_url"])
    assert target.path.startswith("/sandbox/wechat/h5/")
    assert "redirect_url=http%3A%2F%2Ftestserver%2F" in target.query
    no_system = pay(api, provider="alipay", scene="wap")
    assert no_system.status_code == 422
    assert no_system.json()["error"]["field"] == "os_type"
    wap = pay(api, provider="alipay", scene="wap", os_type="ios")
    assert wap.status_code == 201 and wap.json()["scene"] == "wap"
    assert "/sandbox/antom/cashier/" in wap.json()["redirect_url"]
    wrong = pay(api, provider="alipay", scene="h5")
    assert wrong.status_code == 409


def test_the_openapi_document_describes_the_scenes_and_the_jsapi_parameters(client):
    schema = client.get("/api/v1/openapi.json").json()
    parts = schema["components"]["schemas"]
    scene = parts["PaymentIn"]["properties"]["scene"]
    assert {"native", "jsapi", "h5", "wap", "app"} <= set(
        next(option["enum"] for option in scene["anyOf"] if "enum" in option)
    )
    assert set(parts["JsapiOut"]["properties"]) == {
        "appId",
        "timeStamp",
        "nonceStr",
        "package",
        "signType",
        "paySign",
    }
    assert "/api/v1/auth/wechat/mini-program" in schema["paths"]
