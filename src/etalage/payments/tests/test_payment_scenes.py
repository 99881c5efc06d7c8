"""Paying from the buyer's device: WeChat Pay inside WeChat (JSAPI, the buyer's
openid for the app, the client started with signed parameters), WeChat Pay from
another phone browser (H5: WeChat's page, then back to the order), Alipay's phone
cashier (WAP) and its app (APP), each through the embedded sandbox; the order page
offering the device's ways first."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from etalage.accounts import sandbox_wechat, wechat_oauth
from etalage.accounts.models import WeChatIdentity
from etalage.payments import sandbox_store, scenes
from etalage.payments.models import Payment, SandboxPayment
from etalage.payments.services import (
    WeChatSignInNeeded,
    payment_device,
    payment_launch_parameters,
    payment_start,
)

WECHAT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Version/4.0 Chrome/126.0.6478.188 Mobile Safari/537.36 XWEB/1260117 "
    "MMWEBSDK/20240501 MicroMessenger/8.0.50.2701(0x28003255) WeChat/arm64 Weixin"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
)
ALIPAY = IPHONE + " AlipayClient/10.6.18.6000 Language/zh-Hans"
DESKTOP = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.ETALAGE_SITE_URL = "http://testserver"


@pytest.fixture
def order(shopping, client):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    client.force_login(buyer)
    return shopping.place(buyer).order


@pytest.fixture
def notices(client, monkeypatch):
    """The sandbox's notifications, posted to Étalage's endpoint."""

    def transport(method, url, headers, body):
        answer = client.post(
            urlsplit(url).path,
            data=body,
            content_type=headers["Content-Type"],
            headers={k: v for k, v in headers.items() if k != "Content-Type"},
        )
        return answer.status_code, {}, answer.content

    monkeypatch.setattr(sandbox_store, "NOTIFY_TRANSPORT", [transport])


def wechat_user(buyer, app_id=wechat_oauth.SANDBOX_APPID, key="buyer-phone"):
    """The buyer's WeChat user for ``app_id``, as the sandbox's WeChat gave it."""
    sandbox_wechat.grant_issue(
        app_id=app_id, kind="oauth", scope="snsapi_base", user_key=key, nickname=""
    )
    return WeChatIdentity.objects.create(
        user=buyer, app_id=app_id, openid=sandbox_wechat.sandbox_openid(app_id, key)
    )


def pay_at(client, order, provider, scene, agent):
    return client.post(
        f"/en/orders/{order.number}/pay/{provider}/",
        {"scene": scene},
        headers={"User-Agent": agent},
    )


def test_the_order_page_offers_the_device_s_ways_to_pay_first(client, order):
    import re

    form = re.compile(r'/pay/(\w+)/" class="pay">.*?name="scene" value="(\w+)"')

    def offered(agent):
        page = client.get(f"/en/orders/{order.number}/", headers={"User-Agent": agent})
        first, _sep, others = page.content.decode().partition('class="pay-others"')
        return form.findall(first), form.findall(others)

    assert offered(WECHAT) == (
        [("wechat", "jsapi")],
        [("alipay", "wap"), ("wechat", "native")],
    )
    assert offered(IPHONE) == (
        [("wechat", "h5"), ("alipay", "wap")],
        [("wechat", "native")],
    )
    assert offered(ALIPAY)[0] == [("alipay", "app")]
    assert offered(DESKTOP) == ([("wechat", "native"), ("alipay", "web")], [])


def test_a_device_is_read_from_its_user_agent():
    assert scenes.device_kind(WECHAT) == "wechat"
    assert scenes.device_kind(ALIPAY) == "alipay"
    assert scenes.device_kind(IPHONE) == scenes.device_kind(ANDROID) == "phone"
    assert scenes.device_kind(DESKTOP) == "desktop"
    assert scenes.os_type(IPHONE) == "IOS" and scenes.os_type(ANDROID) == "ANDROID"
    assert scenes.os_type(DESKTOP) == ""


def test_a_jsapi_payment_is_started_in_wechat_and_the_order_turns_paid(
    client, order, notices, django_capture_on_commit_callbacks, no_call_in_transaction
):
    identity = wechat_user(order.buyer)
    started = pay_at(client, order, "wechat", "jsapi", WECHAT)
    assert started["Location"] == f"/en/orders/{order.number}/?wechat_pay=start"
    payment = Payment.objects.get(order=order)
    assert payment.scene == "jsapi" and payment.prepay_id.startswith("wx")
    assert payment.app_id == wechat_oauth.SANDBOX_APPID
    kept = SandboxPayment.objects.get(request_id=payment.request_id)
    assert kept.payer_openid == identity.openid and kept.scene == "JSAPI"
    page = client.get(started["Location"], headers={"User-Agent": WECHAT})
    assert b'id="wechat-pay-launch"' in page.content
    params = payment_launch_parameters(payment)
    assert params["package"] == f"prepay_id={payment.prepay_id}"
    assert params["signType"] == "RSA" and params["appId"] == payment.app_id
    # WeChat's client (the sandbox's) checks paySign, then the buyer pays.
    back = f"/en/orders/{order.number}/"
    sheet = client.get(
        "/sandbox/wechat/jsapi/?" + urlencode({**params, "return": back})
    )
    assert sheet.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(sheet["Location"], {"decision": "pay"})
    assert paid["Location"] == back
    order.refresh_from_db()
    assert order.state == "paid"


def test_a_tampered_pay_sign_or_another_app_is_refused_by_the_sandbox_s_wechat(
    client, order
):
    wechat_user(order.buyer)
    pay_at(client, order, "wechat", "jsapi", WECHAT)
    params = payment_launch_parameters(Payment.objects.get(order=order))
    for wrong in (
        {"nonceStr": "another"},
        {"appId": "wxSOMEONEELSE0000"},
        {"signType": "MD5"},
        {"package": "prepay_id=wx0"},
    ):
        refused = client.get("/sandbox/wechat/jsapi/?" + urlencode({**params, **wrong}))
        assert refused.status_code == 400
        assert refused.content.startswith(b"get_brand_wcpay_request:fail")


def test_without_the_openid_the_buyer_is_sent_to_wechat_s_authorization_first(
    client, order
):
    with pytest.raises(WeChatSignInNeeded):
        payment_device(order=order, provider="wechat", scene="jsapi")
    answer = pay_at(client, order, "wechat", "jsapi", WECHAT)
    target = urlsplit(answer["Location"])
    assert target.path == "/en/wechat/sign-in/"
    assert parse_qs(target.query)["next"] == [f"/en/orders/{order.number}/"]
    assert not Payment.objects.exists()


def test_the_mini_program_pays_with_its_own_app_s_openid(order):
    identity = wechat_user(order.buyer, wechat_oauth.SANDBOX_MINI_PROGRAM_APPID)
    device = payment_device(
        order=order, provider="wechat", scene="jsapi", mini_program=True
    )
    assert (device.app_id, device.openid) == (identity.app_id, identity.openid)
    payment = payment_start(
        order=order, provider="wechat", return_url="", device=device
    )
    assert payment.app_id == wechat_oauth.SANDBOX_MINI_PROGRAM_APPID
    assert payment_launch_parameters(payment)["appId"] == payment.app_id


def test_the_sandbox_refuses_an_openid_wechat_did_not_give_for_the_app(order):
    WeChatIdentity.objects.create(
        user=order.buyer,
        app_id=wechat_oauth.SANDBOX_APPID,
        openid="oMADEUPMADEUPMADEUPMADEUP00",
    )
    device = payment_device(order=order, provider="wechat", scene="jsapi")
    from etalage.payments.services import PaymentRefused

    with pytest.raises(PaymentRefused):
        payment_start(order=order, provider="wechat", return_url="", device=device)
    assert "appid和openid不匹配" in Payment.objects.get().reason


def test_an_h5_payment_goes_to_wechat_and_comes_back_to_the_order(
    client, order, notices, django_capture_on_commit_callbacks
):
    answer = pay_at(client, order, "wechat", "h5", IPHONE)
    target = urlsplit(answer["Location"])
    assert target.path.startswith("/sandbox/wechat/h5/")
    back = parse_qs(target.query)["redirect_url"][0]
    assert back == f"http://testserver/en/orders/{order.number}/"
    payment = Payment.objects.get(order=order)
    assert payment.scene == "h5" and payment.qr_code == ""
    sheet = client.get(answer["Location"])
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(sheet["Location"], {"decision": "pay"})
    assert paid["Location"] == back
    order.refresh_from_db()
    assert order.state == "paid"


def test_an_h5_payment_asked_again_is_the_same_payment(client, order):
    pay_at(client, order, "wechat", "h5", IPHONE)
    pay_at(client, order, "wechat", "h5", IPHONE)
    assert Payment.objects.filter(order=order).count() == 1
    assert SandboxPayment.objects.count() == 1


@pytest.mark.parametrize(
    ("agent", "scene", "terminal"), [(ANDROID, "wap", "WAP"), (ALIPAY, "app", "APP")]
)
def test_alipay_on_a_phone_names_the_terminal_and_the_buyer_pays_and_comes_back(
    client, order, notices, django_capture_on_commit_callbacks, agent, scene, terminal
):
    answer = pay_at(client, order, "alipay", scene, agent)
    assert SandboxPayment.objects.get().scene == terminal
    assert Payment.objects.get().scene == scene
    assert "/sandbox/antom/cashier/" in answer["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(urlsplit(answer["Location"]).path, {"decision": "pay"})
    order.refresh_from_db()
    assert order.state == "paid"


def test_another_scene_is_another_payment(client, order):
    """A QR code shown, then WeChat Pay from the phone: two payments at WeChat Pay
    (a trade type is the order's at WeChat Pay); whichever is paid second is
    refunded, as any payment that comes when the order is paid already."""
    pay_at(client, order, "wechat", "native", DESKTOP)
    pay_at(client, order, "wechat", "h5", IPHONE)
    first, second = Payment.objects.filter(order=order).order_by("created_at")
    assert (first.scene, second.scene) == ("native", "h5")
    assert first.request_id.endswith("-P1") and second.request_id.endswith("-P2")


def test_a_scene_the_provider_does_not_have_is_refused(client, order):
    answer = pay_at(client, order, "alipay", "jsapi", WECHAT)
    assert answer["Location"] == f"/en/orders/{order.number}/"
    assert not Payment.objects.exists()
