"""The embedded sandbox's stand-in for WeChat Pay Global (API v3): requests checked
against the merchant's ``Authorization``, answers and notifications signed with
the sandbox's platform certificate (every header WeChat Pay sends), notification
resources sealed with AEAD_AES_256_GCM under the sandbox's API v3 key.

Its platform certificates come in generations (``wechat-platform``,
``wechat-platform-2``…, one key file each in the sandbox's key folder, shared by
every process): it signs with the newest, serves the newest two at
``/v3/global/certificates``, and renews when told
(``platform_certificate_rotate``), as WeChat Pay renews its own."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from etalage.core.ids import new_id
from etalage.payments import (
    sandbox_wechat_scenes,
    wechat,
    wechat_customs,
    wechat_signing,
)
from etalage.payments.models import Provider, SandboxPayment
from etalage.payments.provider import SignatureRefused, signed_within
from etalage.payments.sandbox_keys import sandbox_key
from etalage.payments.sandbox_store import NOTICES, refund_record

Answer = tuple[int, dict[str, str], bytes]


PLATFORM = "wechat-platform"
CERTIFICATE_YEARS = 5  # WeChat Pay's platform certificates last five years


def _generations() -> list[int]:
    """The platform key generations made so far, oldest first."""
    folder = Path(settings.PRIVATE_ROOT) / "sandbox-keys"
    made = {1}
    for path in folder.glob(f"{PLATFORM}-*.pem"):
        suffix = path.stem.removeprefix(f"{PLATFORM}-")
        if suffix.isdigit():
            made.add(int(suffix))
    return sorted(made)


def _key_name(generation: int) -> str:
    return PLATFORM if generation == 1 else f"{PLATFORM}-{generation}"


def _certificate(generation: int) -> x509.Certificate:
    """The generation's certificate: self-signed by its key, its serial from the
    key, in force from a day before the key was made, for five years (the same
    in every process: PKCS#1 v1.5 signatures are deterministic)."""
    key = sandbox_key(_key_name(generation))
    made = Path(settings.PRIVATE_ROOT) / "sandbox-keys" / f"{_key_name(generation)}.pem"
    return _certificate_made(key, int(made.stat().st_mtime))


@lru_cache(maxsize=16)
def _certificate_made(key: rsa.RSAPrivateKey, made_at: int) -> x509.Certificate:
    start = datetime.fromtimestamp(made_at, tz=UTC) - timedelta(days=1)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com sandbox (Étalage)"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Étalage payment sandbox"),
        ]
    )
    # A positive serial under 2^156 whose hexadecimal has no leading zero.
    serial = int(wechat.key_serial(key.public_key())[:39], 16) | (1 << 155)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * CERTIFICATE_YEARS))
        .sign(key, hashes.SHA256())
    )


def _serial(certificate: x509.Certificate) -> str:
    return format(certificate.serial_number, "X")


def platform_serial() -> str:
    """The serial of the certificate the sandbox signs with now."""
    return _serial(_certificate(_generations()[-1]))


def platform_private_key(serial: str) -> rsa.RSAPrivateKey:
    """The sandbox's platform key of ``serial`` (KeyError for none)."""
    for generation in _generations():
        if _serial(_certificate(generation)) == serial:
            return sandbox_key(_key_name(generation))
    raise KeyError(serial)


def platform_certificate_rotate() -> str:
    """Renew the platform certificate, as WeChat Pay does before one expires: a
    new key, signing from now on, served beside the previous one. Returns its
    serial."""
    sandbox_key(_key_name(_generations()[-1] + 1))
    return platform_serial()


def _signing() -> tuple[rsa.RSAPrivateKey, str]:
    generation = _generations()[-1]
    return sandbox_key(_key_name(generation)), _serial(_certificate(generation))


def _answer(status: int, payload: dict[str, Any] | None) -> Answer:
    body = (
        ""
        if payload is None
        else json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    )
    headers = wechat.signed_answer_headers(*_signing(), body)
    headers["Content-Type"] = "application/json"
    return status, {k.lower(): v for k, v in headers.items()}, body.encode()


def _error(status: int, code: str, message: str) -> Answer:
    return _answer(status, {"code": code, "message": message})


def _signed_by_merchant(
    method: str, path: str, headers: dict[str, str], body: str
) -> None:
    fields = wechat_signing.authorization_fields(headers.get("authorization", ""))
    merchant = sandbox_key("wechat-merchant").public_key()
    if fields["serial_no"] != wechat.key_serial(merchant):
        raise SignatureRefused("serial_no names no certificate of this merchant")
    wechat_signing.verify(
        merchant,
        fields["signature"],
        wechat_signing.request_message(
            method, path, fields["timestamp"], fields["nonce_str"], body
        ),
    )
    try:
        signed_at = datetime.fromtimestamp(int(fields["timestamp"]), tz=UTC)
    except (ValueError, OverflowError):
        raise SignatureRefused("the timestamp is not a time") from None
    signed_within(signed_at)


def handle(method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
    """One request to the sandbox's WeChat Pay API (``path`` with its query)."""
    text = body.decode("utf-8", "replace")
    try:
        _signed_by_merchant(method, path, headers, text)
    except SignatureRefused as refused:
        return _error(401, "SIGN_ERROR", str(refused))
    route = urlsplit(path).path
    try:
        if method == "POST" and route in sandbox_wechat_scenes.TRADE_TYPE_OF_PATH:
            return _pay(route, json.loads(text))
        if method == "GET" and route.startswith(wechat.QUERY_PATH):
            return _query(unquote(route.removeprefix(wechat.QUERY_PATH)), path)
        if method == "POST" and route == wechat.REFUND_PATH:
            return _refund(json.loads(text))
        if method == "POST" and route == wechat_customs.CUSTOMS_PATH:
            return _declare(json.loads(text))
        if method == "POST" and route == wechat_customs.VERIFY_PATH:
            return _identity_verify(json.loads(text), headers)
        if method == "GET" and route == wechat.CERTIFICATES_PATH:
            return _certificates()
    except (ValueError, KeyError, TypeError):
        return _error(400, "PARAM_ERROR", "the request lacks a field")
    return _error(404, "NOT_FOUND", "the sandbox does not serve this path")


def scan_url(payment: SandboxPayment) -> str:
    """The sandbox's QR text: its own "WeChat" page for the payment, so a phone
    scanning the code in the demo opens it."""
    return settings.ETALAGE_SITE_URL.rstrip("/") + (
        f"{wechat.SANDBOX_PATH}/scan/{payment.payment_id}/"
    )


def _pay(path: str, request: dict[str, Any]) -> Answer:
    """An order placed in one of the scenes (``sandbox_wechat_scenes``)."""
    refusal = sandbox_wechat_scenes.order_refusal(path, request)
    if refusal:
        return _error(400, "PARAM_ERROR", refusal)
    amount = request["amount"]
    with transaction.atomic():
        payment, created = SandboxPayment.objects.get_or_create(
            request_id=request["out_trade_no"],
            defaults={
                "provider": Provider.WECHAT,
                "payment_id": "4200" + str(int(new_id().hex[:20], 16))[:24].zfill(24),
                "client_id": request["mchid"],
                "amount_minor": int(amount["total"]),
                "currency": amount["currency"],
                "description": request["description"][:256],
                "notify_url": request["notify_url"],
                "redirect_url": "",
                **sandbox_wechat_scenes.payment_fields(path, request),
            },
        )
    if not created and not sandbox_wechat_scenes.same_order(payment, path, request):
        return _error(
            400, "OUT_TRADE_NO_USED", "out_trade_no used with another amount or scene"
        )
    return _answer(200, sandbox_wechat_scenes.answer_for(payment, scan_url(payment)))


def transaction_resource(payment: SandboxPayment) -> dict[str, Any]:
    paid = payment.state == SandboxPayment.State.PAID
    total = payment.amount_minor
    return {
        "mchid": payment.client_id,
        "appid": payment.app_id or wechat.SANDBOX_APPID,
        "out_trade_no": payment.request_id,
        "transaction_id": payment.payment_id,
        "trade_type": payment.scene or "NATIVE",
        "trade_state": "SUCCESS" if paid else "NOTPAY",
        "trade_state_desc": "支付成功" if paid else "未支付",
        "bank_type": "OTHERS",
        "success_time": payment.paid_at.isoformat() if payment.paid_at else "",
        # A JSAPI payment's payer is the openid it was ordered for; the sandbox's
        # scanning or H5 payer is a WeChat user of its own.
        "payer": {
            "openid": payment.payer_openid or "oSANDBOX" + payment.payment_id[-12:]
        },
        "amount": {
            "total": total,
            "currency": payment.currency,
            "payer_total": total,
            "payer_currency": payment.currency,
        },
    }


def _query(out_trade_no: str, path: str) -> Answer:
    mchid = parse_qs(urlsplit(path).query).get("mchid", [""])[0]
    payment = SandboxPayment.objects.filter(
        request_id=out_trade_no, provider=Provider.WECHAT, client_id=mchid
    ).first()
    if payment is None:
        return _error(404, "ORDER_NOT_EXIST", "no such payment")
    return _answer(200, transaction_resource(payment))


def _refund(request: dict[str, Any]) -> Answer:
    """WeChat Pay refunds later: the answer says PROCESSING and a ``REFUND.SUCCESS``
    notification follows from the worker."""
    payment = SandboxPayment.objects.filter(
        request_id=request["out_trade_no"], provider=Provider.WECHAT
    ).first()
    amount = request["amount"]
    if payment is None or int(amount["total"]) != payment.amount_minor:
        return _error(400, "PARAM_ERROR", "out_trade_no or amount.total")
    asked_before = request["out_refund_no"] in payment.refunds
    paid, refusal = refund_record(
        provider=Provider.WECHAT,
        payment_id=payment.payment_id,
        request_id=request["out_refund_no"],
        value=int(amount["refund"]),
        notify_url=request.get("notify_url", ""),
    )
    if paid is None:
        code, message = refusal
        return _error(
            403, "NOT_ENOUGH" if "EXCEED" in code else "RESOURCE_NOT_EXISTS", message
        )
    refund_id, value, when, _url = paid.refunds[request["out_refund_no"]]
    return _answer(
        200,
        {
            "id": refund_id,
            "out_refund_no": request["out_refund_no"],
            "transaction_id": paid.payment_id,
            "out_trade_no": paid.request_id,
            "create_time": when,
            # Refunds settle in the sandbox's books at once; WeChat Pay says so when
            # asked again (the first answer is always PROCESSING).
            "status": "SUCCESS" if asked_before else "PROCESSING",
            "amount": {
                "refund": value,
                "total": paid.amount_minor,
                "currency": paid.currency,
            },
        },
    )


def _paid(request: dict[str, Any]) -> SandboxPayment | None:
    payment = SandboxPayment.objects.filter(
        request_id=request["out_trade_no"], provider=Provider.WECHAT
    ).first()
    if payment is None or payment.state != SandboxPayment.State.PAID:
        return None
    return payment


def _declare(request: dict[str, Any]) -> Answer:
    """A split order's declaration, checked as WeChat Pay checks it: a customs code
    of its list, ``order_fee = transport_fee + product_fee``, whole fen."""
    payment = _paid(request)
    if payment is None:
        return _error(404, "ORDER_NOT_EXIST", "no paid payment")
    if request["customs"] not in wechat_customs.CUSTOMS_CODES:
        return _error(400, "PARAM_ERROR", f"customs {request['customs']}")
    fees = [request[k] for k in ("order_fee", "transport_fee", "product_fee", "duty")]
    if not all(type(f) is int and f >= 0 for f in fees):
        return _error(400, "PARAM_ERROR", "fees are whole fen")
    order_fee, transport_fee, product_fee, _duty = fees
    if order_fee != transport_fee + product_fee or order_fee > payment.amount_minor:
        return _error(
            400, "PARAM_ERROR", "order_fee must be transport_fee + product_fee"
        )
    return _answer(
        200,
        {
            "appid": request["appid"],
            "mchid": request["mchid"],
            "out_trade_no": payment.request_id,
            "transaction_id": payment.payment_id,
            "customs": request["customs"],
            "merchant_customs_no": request["merchant_customs_no"],
            "sub_order_no": request["sub_order_no"],
            "sub_order_id": "SANDBOXD" + new_id().hex[:20],
            "state": "SUCCESS",
            "verify_department": "UNIONPAY",
            "verify_department_trade_id": "4200" + new_id().hex[:24],
            "modify_time": timezone.now().replace(microsecond=0).isoformat(),
        },
    )


def _identity_verify(request: dict[str, Any], headers: dict[str, str]) -> Answer:
    """The buyer's identity, sealed under the platform certificate the request
    names, against the payer's (the sandbox's payer is the buyer unless the
    tester said otherwise at the cashier)."""
    payment = _paid(request)
    if payment is None:
        return _error(404, "ORDER_NOT_EXIST", "no paid payment")
    try:
        key = platform_private_key(headers.get("wechatpay-serial", ""))
    except KeyError:
        return _error(400, "PARAM_ERROR", "Wechatpay-Serial names no certificate")
    try:
        number, name = (
            wechat_signing.sensitive_decrypt(key, request[k])
            for k in ("certificate_id", "certificate_name")
        )
    except SignatureRefused:
        return _error(400, "PARAM_ERROR", "certificate_id, certificate_name")
    if request["certificate_type"] != "IDCARD" or len(number) != 18 or not name:
        return _error(400, "PARAM_ERROR", "certificate_type, certificate_id")
    return _answer(
        200,
        {
            "appid": request["appid"],
            "mchid": request["mchid"],
            "out_trade_no": payment.request_id,
            "transaction_id": payment.payment_id,
            "customs": request["customs"],
            "sub_order_no": request.get("sub_order_no", ""),
            "cert_check_result": "DIFFERENT" if payment.payer_other else "SAME",
        },
    )


def _certificates() -> Answer:
    """The platform certificates in force (the newest two), each sealed under the
    API v3 key."""
    served = []
    for generation in _generations()[-2:]:
        certificate = _certificate(generation)
        pem = certificate.public_bytes(serialization.Encoding.PEM)
        nonce = secrets.token_hex(6)
        served.append(
            {
                "serial_no": _serial(certificate),
                "effective_time": certificate.not_valid_before_utc.isoformat(),
                "expire_time": certificate.not_valid_after_utc.isoformat(),
                "encrypt_certificate": {
                    "algorithm": "AEAD_AES_256_GCM",
                    "nonce": nonce,
                    "associated_data": "certificate",
                    "ciphertext": wechat_signing.resource_encrypt(
                        wechat.sandbox_api_v3_key(),
                        nonce=nonce,
                        plaintext=pem,
                        associated_data="certificate",
                    ),
                },
            }
        )
    return _answer(200, {"data": served})


def _notice(
    payment: SandboxPayment,
    event_type: str,
    original_type: str,
    resource: dict[str, Any],
    url: str,
    corrupt: bool,
) -> tuple[str, dict[str, str], str]:
    nonce = secrets.token_hex(6)  # 12 characters, as WeChat Pay's
    body = json.dumps(
        {
            "id": str(new_id()),
            "create_time": timezone.now().replace(microsecond=0).isoformat(),
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": "支付成功" if original_type == "transaction" else "退款成功",
            "resource": {
                "original_type": original_type,
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": wechat_signing.resource_encrypt(
                    wechat.sandbox_api_v3_key(),
                    nonce=nonce,
                    plaintext=json.dumps(resource, ensure_ascii=False).encode(),
                    associated_data=original_type,
                ),
                "associated_data": original_type,
                "nonce": nonce,
            },
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    headers = wechat.signed_answer_headers(*_signing(), body)
    headers["Content-Type"] = "application/json"
    if corrupt:
        headers["Wechatpay-Signature"] = headers["Wechatpay-Signature"][:-6] + "AAAAA="
    return url, headers, body


def payment_notice(
    payment: SandboxPayment, *, corrupt: bool = False
) -> tuple[str, dict[str, str], str]:
    return _notice(
        payment,
        "TRANSACTION.SUCCESS",
        "transaction",
        transaction_resource(payment),
        payment.notify_url,
        corrupt,
    )


def refund_notice(
    payment: SandboxPayment,
    request_id: str,
    *,
    corrupt: bool = False,
    status: str = "SUCCESS",
) -> tuple[str, dict[str, str], str]:
    """A refund's notification: ``status`` SUCCESS, or (a tester's choice) CLOSED
    or ABNORMAL, as WeChat Pay reports a refund it could not make."""
    refund_id, value, when, url = payment.refunds[request_id]
    resource = {
        "mchid": payment.client_id,
        "out_trade_no": payment.request_id,
        "transaction_id": payment.payment_id,
        "out_refund_no": request_id,
        "refund_id": refund_id,
        "refund_status": status,
        "success_time": when if status == "SUCCESS" else "",
        "amount": {
            "total": payment.amount_minor,
            "refund": value,
            "currency": payment.currency,
        },
    }
    return _notice(
        payment,
        f"REFUND.{status}",
        "refund",
        resource,
        url or payment.notify_url,
        corrupt,
    )


NOTICES[Provider.WECHAT] = (payment_notice, refund_notice)
