"""The embedded sandbox's stand-in for WeChat Pay Global (API v3): requests checked
against the merchant's ``Authorization``, answers and notifications signed with
the sandbox's platform key, notification resources sealed with AEAD_AES_256_GCM
under the sandbox's API v3 key."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from etalage.core.ids import new_id
from etalage.payments import wechat, wechat_signing
from etalage.payments.models import Provider, SandboxPayment
from etalage.payments.provider import SignatureRefused, signed_within
from etalage.payments.sandbox_store import NOTICES, refund_record
from etalage.payments.transport import sandbox_key

Answer = tuple[int, dict[str, str], bytes]


def _platform_serial() -> str:
    return wechat.key_serial(sandbox_key("wechat-platform").public_key())


def _answer(status: int, payload: dict[str, Any] | None) -> Answer:
    body = (
        ""
        if payload is None
        else json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    )
    headers = wechat.signed_answer_headers(
        sandbox_key("wechat-platform"), _platform_serial(), body
    )
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
        if method == "POST" and route == wechat.PAY_PATH:
            return _pay(json.loads(text))
        if method == "GET" and route.startswith(wechat.QUERY_PATH):
            return _query(unquote(route.removeprefix(wechat.QUERY_PATH)), path)
        if method == "POST" and route == wechat.REFUND_PATH:
            return _refund(json.loads(text))
        if method == "POST" and route == wechat.CUSTOMS_PATH:
            return _declare(json.loads(text))
    except (ValueError, KeyError, TypeError):
        return _error(400, "PARAM_ERROR", "the request lacks a field")
    return _error(404, "NOT_FOUND", "the sandbox does not serve this path")


def scan_url(payment: SandboxPayment) -> str:
    """The sandbox's QR text: its own "WeChat" page for the payment, so a phone
    scanning the code in the demo opens it."""
    return settings.ETALAGE_SITE_URL.rstrip("/") + (
        f"{wechat.SANDBOX_PATH}/scan/{payment.payment_id}/"
    )


def _pay(request: dict[str, Any]) -> Answer:
    amount = request["amount"]
    if request["trade_type"] != "NATIVE":
        return _error(400, "PARAM_ERROR", "the sandbox takes native payments")
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
            },
        )
    if not created and (payment.amount_minor, payment.currency) != (
        int(amount["total"]),
        amount["currency"],
    ):
        return _error(400, "OUT_TRADE_NO_USED", "out_trade_no used with another amount")
    return _answer(200, {"code_url": scan_url(payment)})


def transaction_resource(payment: SandboxPayment) -> dict[str, Any]:
    paid = payment.state == SandboxPayment.State.PAID
    total = payment.amount_minor
    return {
        "mchid": payment.client_id,
        "appid": "wxSANDBOXETALAGE",
        "out_trade_no": payment.request_id,
        "transaction_id": payment.payment_id,
        "trade_type": "NATIVE",
        "trade_state": "SUCCESS" if paid else "NOTPAY",
        "trade_state_desc": "支付成功" if paid else "未支付",
        "bank_type": "OTHERS",
        "success_time": payment.paid_at.isoformat() if payment.paid_at else "",
        "payer": {"openid": "oSANDBOX" + payment.payment_id[-12:]},
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


def _declare(request: dict[str, Any]) -> Answer:
    payment = SandboxPayment.objects.filter(
        request_id=request["out_trade_no"], provider=Provider.WECHAT
    ).first()
    if payment is None or payment.state != SandboxPayment.State.PAID:
        return _error(404, "ORDER_NOT_EXIST", "no paid payment")
    if not request["certificate_id"] or not request["certificate_name"]:
        return _error(400, "PARAM_ERROR", "certificate_id, certificate_name")
    return _answer(
        200,
        {
            "appid": request["appid"],
            "mchid": request["mchid"],
            "out_trade_no": payment.request_id,
            "transaction_id": payment.payment_id,
            "customs": request["customs"],
            "sub_order_no": request["sub_order_no"],
            "sub_order_id": "SANDBOXD" + new_id().hex[:20],
            "state": "SUCCESS",
            "cert_check_result": "DIFFERENT" if payment.payer_other else "SAME",
            "verify_department": "UNIONPAY",
            "verify_department_trade_id": "4200" + new_id().hex[:24],
            "modify_time": timezone.now().replace(microsecond=0).isoformat(),
        },
    )


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
    headers = wechat.signed_answer_headers(
        sandbox_key("wechat-platform"), _platform_serial(), body
    )
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
    payment: SandboxPayment, request_id: str, *, corrupt: bool = False
) -> tuple[str, dict[str, str], str]:
    refund_id, value, when, url = payment.refunds[request_id]
    resource = {
        "mchid": payment.client_id,
        "out_trade_no": payment.request_id,
        "transaction_id": payment.payment_id,
        "out_refund_no": request_id,
        "refund_id": refund_id,
        "refund_status": "SUCCESS",
        "success_time": when,
        "amount": {
            "total": payment.amount_minor,
            "refund": value,
            "currency": payment.currency,
        },
    }
    return _notice(
        payment,
        "REFUND.SUCCESS",
        "refund",
        resource,
        url or payment.notify_url,
        corrupt,
    )


NOTICES[Provider.WECHAT] = (payment_notice, refund_notice)
