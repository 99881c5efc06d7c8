"""WeChat Pay's scenes as WeChat Pay's SDK (PyPI ``wechatpayv3`` 2.0.4) sees them:
JSAPI inside WeChat (its browser, a mini-program) and H5 in another phone browser.

- Each order placement is signed exactly as the SDK's ``build_authorization``
  signs the same method, path and body, on the Global API's paths
  (``/v3/global/transactions/jsapi``, ``/v3/global/transactions/mweb``: WeChat Pay
  Global's *JSAPI/Mini Program Payment Order Placement*, api_external chapter3_3_1
  and chapter4_1_26, and *H5 Order Placement*, chapter4_1_30).
- Each body has the published fields and types, and agrees with the body the SDK's
  own ``WeChatPay.pay`` writes for the same data (the SDK knows the mainland API:
  the Global one adds ``trade_type`` and ``merchant_category_code``; H5's
  ``scene_info`` is Global's ``payer_client_ip`` and ``store_info``).
- The parameters a WeChat client starts a JSAPI payment with carry the very
  ``paySign`` the SDK's ``WeChatPay.sign`` makes over appId, timeStamp, nonceStr
  and package (*Call Payment in H5 within WeChat*, chapter4_1_25; *Mini Program
  Calls Payment*, chapter3_5_12), ``signType`` RSA.
- Every answer the sandbox gave verifies with the SDK's ``_verify_signature`` and
  every notification opens with its ``callback``; the resource names the scene's
  ``trade_type`` and, for JSAPI, the buyer's openid as payer.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

import pytest
from wechatpayv3 import WeChatPay, WeChatPayType

from etalage.accounts import sandbox_wechat, wechat_oauth
from etalage.accounts.models import WeChatIdentity
from etalage.payments import wechat
from etalage.payments.models import Payment
from etalage.payments.services import payment_launch_parameters
from etalage.payments.tests import test_wechat_conformance as wechat_tests
from etalage.payments.tests.test_wechat_conformance import (
    _merchant_pem,
    _shaped,
    _signed_as_the_sdk_signs,
    sdk_core,
)

# The fixtures of WeChat Pay's conformance module: the adapter's requests with the
# sandbox's answers, the notifications delivered, the SDK kept offline.
wire = wechat_tests.wire
notices = wechat_tests.notices
offline = wechat_tests.offline

AMOUNT = {"total": int, "currency": str}
COMMON = {
    "appid": str, "mchid": str, "description": str, "out_trade_no": str,
    "notify_url": str, "trade_type": str, "merchant_category_code": str,
    "attach": str, "amount": AMOUNT,
}  # fmt: skip
SHAPES = {
    "/v3/global/transactions/jsapi": {**COMMON, "payer": {"openid": str}},
    "/v3/global/transactions/mweb": {
        **COMMON,
        "scene_info": {
            "payer_client_ip": str,
            "store_info": {"name": str, "address": str},
        },
    },
}
TRADE_TYPES = {
    "/v3/global/transactions/jsapi": "JSAPI",
    "/v3/global/transactions/mweb": "MWEB",
}
WECHAT_UA = "Mozilla/5.0 (Linux; Android 14) Mobile MicroMessenger/8.0.50"
PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile Safari"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.ETALAGE_SITE_URL = "http://testserver"


@pytest.fixture
def order(shopping, client):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    client.force_login(buyer)
    sandbox_wechat.grant_issue(
        app_id=wechat_oauth.SANDBOX_APPID,
        kind="oauth",
        scope="snsapi_base",
        user_key="k",
        nickname="",
    )
    WeChatIdentity.objects.create(
        user=buyer,
        app_id=wechat_oauth.SANDBOX_APPID,
        openid=sandbox_wechat.sandbox_openid(wechat_oauth.SANDBOX_APPID, "k"),
    )
    return shopping.place(buyer).order


def _pay(client, order, scene, agent, capture):
    """Start paying in ``scene`` and pay at the sandbox's WeChat."""
    started = client.post(
        f"/en/orders/{order.number}/pay/wechat/",
        {"scene": scene},
        headers={"User-Agent": agent},
    )
    payment = Payment.objects.get(order=order, scene=scene)
    if scene == "jsapi":
        params = payment_launch_parameters(payment)
        sheet = client.get("/sandbox/wechat/jsapi/?" + urlencode(params))
    else:
        sheet = client.get(started["Location"])
    assert sheet.status_code == 302, sheet.content
    with capture(execute=True):
        client.post(sheet["Location"], {"decision": "pay"})
    return payment


def _another_order(shopping, buyer):
    shopping.cart(buyer, [(shopping.products["b"], 1)])
    return shopping.place(buyer, key="k2").order


@pytest.fixture
def journeys(client, order, wire, notices, django_capture_on_commit_callbacks):
    """A JSAPI payment started and paid; then an H5 one for another order."""
    capture = django_capture_on_commit_callbacks
    jsapi = _pay(client, order, "jsapi", WECHAT_UA, capture)
    return {"jsapi": jsapi, "order": order, "capture": capture}


def test_each_scene_s_order_is_signed_as_the_sdk_signs_on_the_global_path(
    client, journeys, wire, shopping
):
    second = _another_order(shopping, journeys["order"].buyer)
    _pay(client, second, "h5", PHONE_UA, journeys["capture"])
    config = wechat.wechat_config()
    placed = {urlsplit(e.path).path for e in wire if e.method == "POST"}
    assert set(SHAPES) <= placed
    for exchange in wire:
        _signed_as_the_sdk_signs(exchange, config)


def _sdk(app_id: str) -> WeChatPay:
    """The SDK as a merchant in direct mode would set it up (with a platform public
    key, so that it downloads nothing)."""
    from cryptography.hazmat.primitives import serialization

    from etalage.payments.sandbox_keys import sandbox_key

    public = (
        sandbox_key("wechat-platform")
        .public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
    )
    config = wechat.wechat_config()
    return WeChatPay(
        wechatpay_type=WeChatPayType.JSAPI,
        mchid=config.mchid,
        private_key=_merchant_pem(),
        cert_serial_no=config.serial_no,
        appid=app_id,
        apiv3_key=config.api_v3_key.decode(),
        public_key=public,
        public_key_id="PUB_KEY_ID_0000000000000000000000000000",
    )


def _sdk_body(body: dict, pay_type: WeChatPayType) -> dict:
    """The body the SDK's ``pay`` writes for the same order (not sent anywhere)."""
    sdk = _sdk(body["appid"])
    written = {}

    def request(path, method=None, data=None, **_kwargs):
        written.update(data)
        return 200, "{}"

    sdk._core.request = request
    sdk.pay(
        description=body["description"],
        out_trade_no=body["out_trade_no"],
        amount=body["amount"],
        payer=body.get("payer"),
        attach=body["attach"],
        scene_info=body.get("scene_info"),
        notify_url=body["notify_url"],
        pay_type=pay_type,
    )
    return written


def test_each_scene_s_body_is_published_and_agrees_with_the_sdk_s(
    client, journeys, wire, shopping
):
    second = _another_order(shopping, journeys["order"].buyer)
    _pay(client, second, "h5", PHONE_UA, journeys["capture"])
    identity = WeChatIdentity.objects.get()
    seen = set()
    for exchange in wire:
        path = urlsplit(exchange.path).path
        if path not in SHAPES:
            continue
        body = json.loads(exchange.body)
        _shaped(body, SHAPES[path], path)
        assert body["trade_type"] == TRADE_TYPES[path]
        assert body["mchid"] == wechat.SANDBOX_MCHID
        if path.endswith("/jsapi"):
            assert body["payer"] == {"openid": identity.openid}
            assert body["appid"] == identity.app_id
            sdk = _sdk_body(body, WeChatPayType.JSAPI)
        else:
            assert body["scene_info"]["payer_client_ip"] == "127.0.0.1"
            sdk = _sdk_body(body, WeChatPayType.H5)
        assert {k: body[k] for k in sdk} == sdk  # every field the SDK writes, equal
        assert set(body) - set(sdk) == {"trade_type", "merchant_category_code"}
        seen.add(path)
    assert seen == set(SHAPES)


def test_the_client_s_pay_sign_is_the_sdk_s(client, order):
    client.post(
        f"/en/orders/{order.number}/pay/wechat/",
        {"scene": "jsapi"},
        headers={"User-Agent": WECHAT_UA},
    )
    payment = Payment.objects.get(order=order)
    params = payment_launch_parameters(payment)
    assert set(params) == {
        "appId",
        "timeStamp",
        "nonceStr",
        "package",
        "signType",
        "paySign",
    }
    assert params["signType"] == "RSA"
    assert params["package"] == f"prepay_id={payment.prepay_id}"
    assert params["timeStamp"].isdigit() and len(params["nonceStr"]) <= 32
    signed = _sdk(params["appId"]).sign(
        [params["appId"], params["timeStamp"], params["nonceStr"], params["package"]]
    )
    assert params["paySign"] == signed
    # Another nonce, another signature: the SDK does not accept it as this one's.
    other = [params["appId"], params["timeStamp"], "x" + params["nonceStr"]]
    assert params["paySign"] != _sdk(params["appId"]).sign([*other, params["package"]])


def test_every_answer_and_scene_notification_verifies_and_opens_with_the_sdk(
    client, journeys, wire, notices, shopping, tmp_path
):
    second = _another_order(shopping, journeys["order"].buyer)
    _pay(client, second, "h5", PHONE_UA, journeys["capture"])
    core = sdk_core(tmp_path)
    for exchange in wire:
        assert core._verify_signature(exchange.answer_headers, exchange.answer)
    opened = [core.callback(headers, body) for headers, body in notices]
    assert all(opened), "the SDK refuses a notification"
    by_type = {o["resource"]["trade_type"]: o["resource"] for o in opened}
    assert set(by_type) == {"JSAPI", "MWEB"}
    identity = WeChatIdentity.objects.get()
    assert by_type["JSAPI"]["payer"]["openid"] == identity.openid
    assert by_type["JSAPI"]["appid"] == identity.app_id
    assert journeys["order"].__class__.objects.filter(state="paid").count() == 2
