"""WeChat Pay Global (API v3) as WeChat Pay's own SDK sees it: PyPI ``wechatpayv3``
2.0.4 decides, not Étalage's reading of the protocol.

- Every request the adapter makes (pay, query, refund, customs declaration, identity
  verification, certificates download) is captured at the transport; the SDK's
  ``build_authorization``, given the same time and nonce, must produce the very
  ``Authorization`` header Étalage sent, over the exact method, path and body.
- Every answer and notification the sandbox makes is verified by the SDK's
  ``Core._verify_signature`` and notifications decrypted by its ``Core.callback``,
  headers as sent (``Wechatpay-Signature-Type`` included), with the platform
  certificates the sandbox serves at ``/v3/global/certificates`` opened by the
  SDK's ``aes_decrypt`` and loaded from a folder by the SDK itself.
- The buyer's ID number and name go through ``verify-certificate`` encrypted under
  the platform certificate named in ``Wechatpay-Serial``: the SDK's ``rsa_decrypt``
  (RSAES-OAEP) opens them.
- The fields and types of each body are those of the published API pages:
  native order https://pay.weixin.qq.com/doc/global/v3/en/4012356795, customs
  declaration https://pay.weixin.qq.com/doc/global/v3/en/4012357089 (``order_fee``
  = ``transport_fee`` + ``product_fee``; ``duty`` the tariff, not sent to customs),
  identity verification https://pay.weixin.qq.com/doc/global/v3/en/4012357091 (ID
  number and name encrypted; RSAES-OAEP with SHA-1 per the API v3 rule on
  sensitive fields, https://pay.weixin.qq.com/doc/v3/merchant/4013053264), the
  customs codes of WeChat Pay's list (``GUANGZHOU_ZS``, ``HANGZHOU_ZS``, ``NINGBO``,
  ``ZHENGZHOU_BS``, ``CHONGQING``, ``SHANGHAI_ZS``, ``SHENZHEN``,
  ``ZHENGZHOU_ZH_ZS``, ``TIANJIN``: no plain ``ZHENGZHOU``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from wechatpayv3 import utils as sdk_utils
from wechatpayv3.core import Core

from etalage.customs.identity_crypto import decrypt_id_number
from etalage.events.outbox import outbox_deliver
from etalage.money import Money
from etalage.payments import (
    sandbox,
    sandbox_store,
    sandbox_wechat,
    wechat,
    wechat_renewal,
)
from etalage.payments.models import (
    Notification,
    Payment,
    PlatformCertificate,
    SandboxPayment,
)
from etalage.payments.notifications import payment_refresh
from etalage.payments.sandbox_keys import sandbox_key
from etalage.payments.services import refund_request

WECHAT_CUSTOMS = {
    "GUANGZHOU_ZS",
    "HANGZHOU_ZS",
    "NINGBO",
    "ZHENGZHOU_BS",
    "CHONGQING",
    "SHANGHAI_ZS",
    "SHENZHEN",
    "ZHENGZHOU_ZH_ZS",
    "TIANJIN",
}

# Each request body as published: field -> type (a dict for an object's fields).
AMOUNT = {"total": int, "currency": str}
SHAPES = {
    ("POST", "/v3/global/transactions/native"): {
        "appid": str, "mchid": str, "description": str, "out_trade_no": str,
        "notify_url": str, "trade_type": str, "merchant_category_code": str,
        "attach": str, "amount": AMOUNT,
    },
    ("POST", "/v3/global/refunds"): {
        "mchid": str, "appid": str, "out_trade_no": str, "out_refund_no": str,
        "reason": str, "notify_url": str,
        "amount": {"refund": int, "total": int, "currency": str},
    },
    ("POST", "/v3/global/customs/orders"): {
        "appid": str, "mchid": str, "out_trade_no": str, "transaction_id": str,
        "customs": str, "merchant_customs_no": str, "duty": int,
        "sub_order_no": str, "fee_type": str, "order_fee": int,
        "transport_fee": int, "product_fee": int,
    },
    ("POST", "/v3/global/customs/verify-certificate"): {
        "appid": str, "mchid": str, "out_trade_no": str, "transaction_id": str,
        "customs": str, "merchant_customs_no": str, "sub_order_no": str,
        "certificate_type": str, "certificate_id": str, "certificate_name": str,
    },
}  # fmt: skip
# The published required fields of a notification's decrypted resource.
RESOURCES = {
    "TRANSACTION.SUCCESS": {
        "mchid",
        "appid",
        "out_trade_no",
        "transaction_id",
        "trade_type",
        "trade_state",
        "amount",
    },
    "REFUND.SUCCESS": {
        "mchid",
        "out_trade_no",
        "transaction_id",
        "out_refund_no",
        "refund_id",
        "refund_status",
        "amount",
    },
}


@dataclass
class Exchange:
    method: str
    path: str  # as signed: the gateway's path and query
    headers: dict[str, str]
    body: str
    status: int
    answer_headers: dict[str, str]
    answer: str


@pytest.fixture
def wire(monkeypatch):
    """Every request the WeChat Pay adapter sends, with the sandbox's answer."""
    seen: list[Exchange] = []
    real = sandbox.sandbox_transport

    def transport(method, url, headers, body):
        status, answer_headers, answer = real(method, url, headers, body)
        gateway = wechat.wechat_config().gateway
        if url.startswith(gateway):
            seen.append(
                Exchange(
                    method,
                    url.removeprefix(gateway),
                    dict(headers),
                    body.decode(),
                    status,
                    answer_headers,
                    answer.decode(),
                )
            )
        return status, answer_headers, answer

    monkeypatch.setattr(sandbox, "sandbox_transport", transport)
    return seen


@pytest.fixture
def notices(client, monkeypatch):
    """The notifications the sandbox sends, delivered to Étalage's endpoint."""
    sent = []

    def transport(method, url, headers, body):
        response = client.post(
            urlsplit(url).path,
            data=body,
            content_type=headers["Content-Type"],
            headers={k: v for k, v in headers.items() if k != "Content-Type"},
        )
        sent.append((dict(headers), body.decode()))
        return response.status_code, {}, response.content

    monkeypatch.setattr(sandbox_store, "NOTIFY_TRANSPORT", [transport])
    return sent


def _merchant_pem() -> str:
    return (
        sandbox_key("wechat-merchant")
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


def sdk_core(tmp_path) -> Core:
    """WeChat Pay's SDK set up as a merchant would: the platform certificates it
    serves, downloaded with a request the SDK signs and opened by the SDK's own
    AES-GCM code, then loaded by the SDK from its certificates folder."""
    config = wechat.wechat_config()
    path = "/v3/global/certificates"
    authorization = sdk_utils.build_authorization(
        path,
        "GET",
        config.mchid,
        config.serial_no,
        sdk_utils.load_private_key(_merchant_pem()),
    )
    status, headers, body = sandbox.sandbox_transport(
        "GET",
        config.gateway + path,
        {"Authorization": authorization, "Accept": "application/json"},
        b"",
    )
    assert status == 200, body
    folder = tmp_path / "wechatpay-certificates"
    folder.mkdir(exist_ok=True)
    for entry in json.loads(body)["data"]:
        sealed = entry["encrypt_certificate"]
        assert sealed["algorithm"] == "AEAD_AES_256_GCM"
        pem = sdk_utils.aes_decrypt(
            nonce=sealed["nonce"],
            ciphertext=sealed["ciphertext"],
            associated_data=sealed["associated_data"],
            apiv3_key=config.api_v3_key.decode(),
        )
        assert pem, "the certificate does not open with the API v3 key"
        (folder / f"{entry['serial_no']}.pem").write_text(pem)
    core = Core(
        mchid=config.mchid,
        cert_serial_no=config.serial_no,
        private_key=_merchant_pem(),
        apiv3_key=config.api_v3_key.decode(),
        cert_dir=str(folder),
    )
    assert core._verify_signature(headers, body.decode()), "the download's signature"
    return core


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """The SDK asks the mainland gateway for certificates it lacks: not here."""

    def refused(self):
        raise AssertionError("the SDK lacks the certificate named: it would go online")

    monkeypatch.setattr(Core, "_update_certificates", refused)


@pytest.fixture
def order(shopping, client):
    buyer = shopping.buyer()
    p = shopping.products
    shopping.cart(buyer, [(p["a"], 1), (p["c"], 1)])  # two merchants: two parcels
    client.force_login(buyer)
    return shopping.place(buyer).order


def _journey(client, order, capture) -> Payment:
    """Pay (asked about once on the way), declare each parcel, refund a part."""
    response = client.post(f"/en/orders/{order.number}/pay/wechat/")
    assert response.status_code == 302, response.content
    payment = Payment.objects.get(order=order)
    payment_refresh(payment)  # asked about while the buyer has not paid
    with capture(execute=True):
        client.post(urlsplit(payment.qr_code).path, {"decision": "pay"})
    with capture(execute=True):
        outbox_deliver()  # paid → each parcel's payment declared
    payment.refresh_from_db()
    assert payment.state == "succeeded"
    with capture(execute=True):
        refund_request(payment=payment, amount=Money("10.00", "CNY"), reason="goodwill")
    return payment


def _signed_as_the_sdk_signs(exchange: Exchange, config) -> None:
    fields = dict(
        part.split("=", 1)
        for part in exchange.headers["Authorization"].split(" ", 1)[1].split(",")
    )
    fields = {k: v.strip('"') for k, v in fields.items()}
    assert fields["mchid"] == config.mchid
    at = datetime.fromtimestamp(int(fields["timestamp"]), tz=UTC)
    with time_machine.travel(at, tick=False):
        expected = sdk_utils.build_authorization(
            exchange.path,
            exchange.method,
            config.mchid,
            config.serial_no,
            sdk_utils.load_private_key(_merchant_pem()),
            data=exchange.body or None,
            nonce_str=fields["nonce_str"],
        )
    assert exchange.headers["Authorization"] == expected, exchange.path


def _shaped(value, shape, where=""):
    if isinstance(shape, dict):
        assert isinstance(value, dict), where
        assert set(value) == set(shape), (where, set(value) ^ set(shape))
        for name, kind in shape.items():
            _shaped(value[name], kind, f"{where}.{name}")
    else:
        assert type(value) is shape, (where, value)


def test_every_request_is_signed_as_the_sdk_signs_it_over_its_exact_path_and_body(
    client, order, wire, notices, tmp_path, django_capture_on_commit_callbacks
):
    _journey(client, order, django_capture_on_commit_callbacks)
    config = wechat.wechat_config()
    routes = {
        (
            e.method,
            urlsplit(e.path).path.rsplit("/", 1)[0]
            if "/out-trade-no/" in e.path
            else urlsplit(e.path).path,
        )
        for e in wire
    }
    assert routes == {
        ("POST", "/v3/global/transactions/native"),
        ("GET", "/v3/global/transactions/out-trade-no"),
        ("POST", "/v3/global/customs/orders"),
        ("POST", "/v3/global/customs/verify-certificate"),
        ("POST", "/v3/global/refunds"),
        ("GET", "/v3/global/certificates"),
    }
    for exchange in wire:
        _signed_as_the_sdk_signs(exchange, config)


def test_every_body_has_the_published_fields_types_and_sums(
    client, order, wire, notices, tmp_path, django_capture_on_commit_callbacks
):
    _journey(client, order, django_capture_on_commit_callbacks)
    subs = {s.number: s for s in order.sub_orders.all()}
    declared = []
    for exchange in wire:
        route = (exchange.method, urlsplit(exchange.path).path)
        if route not in SHAPES:
            assert exchange.method == "GET" and not exchange.body, route
            continue
        body = json.loads(exchange.body)
        _shaped(body, SHAPES[route], route[1])
        if route[1] == "/v3/global/customs/orders":
            sub = subs[body["sub_order_no"]]
            assert body["customs"] in WECHAT_CUSTOMS
            assert body["fee_type"] == "CNY"
            assert body["order_fee"] == round(sub.total * 100)
            assert body["order_fee"] == body["transport_fee"] + body["product_fee"]
            assert body["transport_fee"] == round(sub.freight * 100)
            assert body["duty"] == round(sub.tariff * 100) == 0  # CBEC: no tariff
            declared.append(body["sub_order_no"])
        if route[1] == "/v3/global/customs/verify-certificate":
            assert body["certificate_type"] == "IDCARD"
            serial = exchange.headers["Wechatpay-Serial"]
            pem = (
                sandbox_wechat.platform_private_key(serial)
                .private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
                .decode()
            )
            key = sdk_utils.load_private_key(pem)
            number = decrypt_id_number(order.identity.id_number_encrypted)
            assert number not in exchange.body and order.buyer_name not in exchange.body
            assert sdk_utils.rsa_decrypt(body["certificate_id"], key) == number
            assert sdk_utils.rsa_decrypt(body["certificate_name"], key) == (
                order.buyer_name
            )
    assert sorted(declared) == sorted(subs)


def test_every_answer_and_notification_verifies_and_opens_with_the_sdk(
    client, order, wire, notices, tmp_path, django_capture_on_commit_callbacks
):
    _journey(client, order, django_capture_on_commit_callbacks)
    core = sdk_core(tmp_path)
    for exchange in wire:
        assert exchange.answer_headers["wechatpay-signature-type"] == (
            "WECHATPAY2-SHA256-RSA2048"
        )
        assert core._verify_signature(exchange.answer_headers, exchange.answer), (
            exchange.path
        )
    assert {json.loads(body)["event_type"] for _h, body in notices} == set(RESOURCES)
    for headers, body in notices:
        assert headers["Wechatpay-Signature-Type"] == "WECHATPAY2-SHA256-RSA2048"
        opened = core.callback(headers, body)
        assert opened, "the SDK refuses the notification"
        assert set(opened["resource"]) >= RESOURCES[opened["event_type"]]
    assert set(Notification.objects.values_list("verdict", flat=True)) == {"processed"}


def test_a_rotated_platform_certificate_is_fetched_once_and_its_notices_accepted(
    client, order, wire, notices, tmp_path, django_capture_on_commit_callbacks
):
    response = client.post(f"/en/orders/{order.number}/pay/wechat/")
    assert response.status_code == 302
    payment = Payment.objects.get(order=order)
    old = sandbox_wechat.platform_serial()
    new = sandbox_wechat.platform_certificate_rotate()
    assert new != old
    wire.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(urlsplit(payment.qr_code).path, {"decision": "pay"})
    ((headers, body),) = [n for n in notices if "TRANSACTION" in n[1]]
    assert headers["Wechatpay-Serial"] == new
    downloads = [e for e in wire if e.path == "/v3/global/certificates"]
    assert len(downloads) == 1  # one refresh, before judging the notification
    payment.refresh_from_db()
    assert payment.state == "succeeded"
    # The SDK, given what the sandbox serves now, agrees; both serials are served.
    core = sdk_core(tmp_path)
    assert core.callback(headers, body)
    served = {format(c.serial_number, "X") for c in core._certificates}
    assert {old, new} <= served
    # A notice under a serial no certificate has is refused after that one refresh.
    paid = SandboxPayment.objects.get()
    url, headers, body = sandbox_wechat.payment_notice(paid)
    wire.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            urlsplit(url).path,
            data=body,
            content_type="application/json",
            headers={
                **{k: v for k, v in headers.items() if k != "Content-Type"},
                "Wechatpay-Serial": "7" * 40,
            },
        )
    kept = Notification.objects.order_by("-created_at").first()
    assert kept.verdict == "forged"
    assert len([e for e in wire if e.path == "/v3/global/certificates"]) == 1


def test_the_adapter_holds_several_certificates_and_refreshes_before_expiry(db):
    assert wechat_renewal.platform_certificates_refreshed() >= 1
    kept = PlatformCertificate.objects.filter(provider="wechat")
    before = set(kept.values_list("serial_no", flat=True))
    assert sandbox_wechat.platform_serial() in before
    new = sandbox_wechat.platform_certificate_rotate()
    assert new not in before
    assert wechat_renewal.platform_certificates_refreshed() == 2
    # The one before still verifies what it signed: both are kept.
    assert set(kept.values_list("serial_no", flat=True)) == before | {new}
    # The clock's chore downloads them again only when the newest nears its end.
    assert wechat_renewal.platform_certificates_kept_fresh() == 0
    newest = max(c.expires_at for c in kept)
    with time_machine.travel(newest - timedelta(days=5), tick=False):
        assert wechat_renewal.platform_certificates_kept_fresh() == 1
