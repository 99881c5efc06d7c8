"""The embedded sandbox's stand-in for Antom: its API answered as Antom answers
(the merchant's signature checked, every answer signed with the sandbox's "Antom"
key) and its notifications written as Antom writes them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from etalage.core.ids import new_id
from etalage.payments import antom
from etalage.payments.models import Provider, SandboxPayment
from etalage.payments.provider import SignatureRefused
from etalage.payments.sandbox_store import NOTICES, refund_record
from etalage.payments.transport import sandbox_key

Answer = tuple[int, dict[str, str], bytes]
OK = {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}


def _answer(path: str, status: int, payload: dict[str, Any]) -> Answer:
    body = json.dumps(payload, separators=(",", ":"))
    headers = antom.signed_headers(
        sandbox_key("antom-provider"),
        client_id=antom.SANDBOX_CLIENT_ID,
        path=path,
        body=body,
        time_header="response-time",
    )
    return status, {k.lower(): v for k, v in headers.items()}, body.encode()


def _failure(path: str, status: int, code: str, message: str) -> Answer:
    return _answer(
        path,
        status,
        {"result": {"resultCode": code, "resultStatus": "F", "resultMessage": message}},
    )


def handle(path: str, headers: dict[str, str], body: bytes) -> Answer:
    """One request to the sandbox's Antom API (headers lower-cased)."""
    handler = {
        antom.PAY_PATH: _pay,
        antom.INQUIRY_PATH: _inquiry,
        antom.REFUND_PATH: _refund,
        antom.DECLARE_PATH: _declare,
    }.get(path)
    if handler is None:
        return _failure(path, 404, "NOT_FOUND", "the sandbox does not serve this path")
    merchant = sandbox_key("antom-merchant").public_key()
    try:
        antom.message_verify(
            merchant, path=path, headers=headers, body=body.decode("utf-8", "replace")
        )
    except SignatureRefused as refused:
        return _failure(path, 401, "INVALID_SIGNATURE", str(refused))
    try:
        request = json.loads(body)
        return handler(request, headers)
    except (ValueError, KeyError, TypeError):
        return _failure(path, 400, "PARAM_ILLEGAL", "the request lacks a field")


def _pay(request: dict[str, Any], headers: dict[str, str]) -> Answer:
    path, amount = antom.PAY_PATH, request["paymentAmount"]
    request_id, value = request["paymentRequestId"], int(amount["value"])
    with transaction.atomic():
        payment, created = SandboxPayment.objects.get_or_create(
            request_id=request_id,
            defaults={
                "provider": Provider.ALIPAY,
                "payment_id": "SANDBOX" + new_id().hex[:24],
                "client_id": headers.get("client-id", ""),
                "amount_minor": value,
                "currency": amount["currency"],
                "description": request["order"]["orderDescription"][:256],
                "notify_url": request["paymentNotifyUrl"],
                "redirect_url": request["paymentRedirectUrl"],
            },
        )
    if not created and (payment.amount_minor, payment.currency) != (
        value,
        amount["currency"],
    ):
        return _failure(
            path,
            400,
            "REPEAT_REQ_INCONSISTENT",
            "this paymentRequestId was used with another amount",
        )
    return _answer(
        path,
        200,
        {
            "result": {
                "resultCode": "PAYMENT_IN_PROCESS",
                "resultStatus": "U",
                "resultMessage": "payment in process",
            },
            "paymentRequestId": request_id,
            "paymentId": payment.payment_id,
            "paymentAmount": {"currency": payment.currency, "value": str(value)},
            "paymentCreateTime": payment.created_at.replace(microsecond=0).isoformat(),
            "normalUrl": f"{antom.SANDBOX_PATH}/cashier/{payment.payment_id}/",
        },
    )


_PAYMENT_STATUS = {"waiting": "PROCESSING", "paid": "SUCCESS", "declined": "FAIL"}


def _inquiry(request: dict[str, Any], headers: dict[str, str]) -> Answer:
    payment = SandboxPayment.objects.filter(
        request_id=request["paymentRequestId"], provider=Provider.ALIPAY
    ).first()
    if payment is None:
        return _failure(antom.INQUIRY_PATH, 200, "ORDER_NOT_EXIST", "no such payment")
    return _answer(
        antom.INQUIRY_PATH,
        200,
        {
            "result": OK,
            "paymentStatus": _PAYMENT_STATUS[payment.state],
            "paymentRequestId": payment.request_id,
            "paymentId": payment.payment_id,
            "paymentAmount": {
                "currency": payment.currency,
                "value": str(payment.amount_minor),
            },
        },
    )


def _refund(request: dict[str, Any], headers: dict[str, str]) -> Answer:
    """Refunds at once (resultStatus S, then a ``notifyRefund``), never more than was
    paid, the same answer for the same ``refundRequestId``."""
    path = antom.REFUND_PATH
    request_id, value = (
        request["refundRequestId"],
        int(request["refundAmount"]["value"]),
    )
    payment, refusal = refund_record(
        provider=Provider.ALIPAY,
        payment_id=request["paymentId"],
        request_id=request_id,
        value=value,
        notify_url=request.get("refundNotifyUrl", ""),
    )
    if payment is None:
        code, message = refusal
        return _failure(path, 200, code, message)
    refund_id, value, _when, _url = payment.refunds[request_id]
    return _answer(
        path,
        200,
        {
            "result": OK,
            "refundRequestId": request_id,
            "refundId": refund_id,
            "paymentId": payment.payment_id,
            "refundAmount": {"currency": payment.currency, "value": str(value)},
            "refundTime": timezone.now().replace(microsecond=0).isoformat(),
        },
    )


def _declare(request: dict[str, Any], headers: dict[str, str]) -> Answer:
    """A customs declaration: the payer checked against the certificate given."""
    payment = SandboxPayment.objects.filter(
        payment_id=request["paymentId"], provider=Provider.ALIPAY
    ).first()
    if payment is None or payment.state != SandboxPayment.State.PAID:
        return _failure(antom.DECLARE_PATH, 200, "PAYMENT_NOT_EXIST", "no paid payment")
    if not request["buyerCertificate"]["certificateNo"]:
        return _failure(antom.DECLARE_PATH, 200, "PARAM_ILLEGAL", "certificateNo")
    return _answer(
        antom.DECLARE_PATH,
        200,
        {
            "result": OK,
            "declarationRequestId": request["declarationRequestId"],
            "customsPaymentId": "SANDBOXC" + new_id().hex[:20],
            "clearingChannel": "NETSUNION",
            "clearingTransactionId": "4200" + new_id().hex[:24],
            "identityCheckResult": "CHECK_NOT_PASSED"
            if payment.payer_other
            else "CHECK_PASSED",
        },
    )


def payment_notice(
    payment: SandboxPayment, *, corrupt: bool = False
) -> tuple[str, dict[str, str], str]:
    """The signed ``notifyPayment`` of a payment's outcome: (url, headers, body)."""
    paid = payment.state == SandboxPayment.State.PAID
    result = (
        OK
        if paid
        else {
            "resultCode": "USER_CANCELLED",
            "resultStatus": "F",
            "resultMessage": "the payer declined",
        }
    )
    amount = {"currency": payment.currency, "value": str(payment.amount_minor)}
    body = json.dumps(
        {
            "notifyType": "PAYMENT_RESULT",
            "result": result,
            "paymentRequestId": payment.request_id,
            "paymentId": payment.payment_id,
            "paymentAmount": amount,
            "paymentCreateTime": payment.created_at.replace(microsecond=0).isoformat(),
            "paymentTime": (payment.paid_at or timezone.now())
            .replace(microsecond=0)
            .isoformat(),
        },
        separators=(",", ":"),
    )
    return _signed(payment.notify_url, payment.client_id, body, corrupt)


def refund_notice(
    payment: SandboxPayment, request_id: str, *, corrupt: bool = False
) -> tuple[str, dict[str, str], str]:
    """The signed ``notifyRefund`` of one refund: (url, headers, body)."""
    refund_id, value, when, url = payment.refunds[request_id]
    body = json.dumps(
        {
            "result": OK,
            "refundStatus": "SUCCESS",
            "refundRequestId": request_id,
            "refundId": refund_id,
            "refundAmount": {"currency": payment.currency, "value": str(value)},
            "refundTime": when,
        },
        separators=(",", ":"),
    )
    return _signed(url or payment.notify_url, payment.client_id, body, corrupt)


def _signed(url: str, client_id: str, body: str, corrupt: bool):
    headers = antom.signed_headers(
        sandbox_key("antom-provider"),
        client_id=client_id,
        path=urlsplit(url).path,
        body=body,
    )
    if corrupt:
        headers["Signature"] = headers["Signature"][:-6] + "AAAAAA"
    return url, headers, body


NOTICES[Provider.ALIPAY] = (payment_notice, refund_notice)
