"""The embedded sandbox's stand-in for Antom: its API answered as Antom answers, on
Antom's paths (``/ams/api/v1/...``, and ``/ams/sandbox/api/v1/...`` as Antom's test
environment), the merchant's signature checked over the path called as the official
SDK signs it, every answer signed over that path with the sandbox's "Antom" key,
and its notifications written as Antom writes them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from etalage.core.ids import new_id
from etalage.payments import antom
from etalage.payments.models import Provider, SandboxPayment
from etalage.payments.provider import SignatureRefused
from etalage.payments.sandbox_keys import sandbox_key
from etalage.payments.sandbox_store import NOTICES, refund_record

Answer = tuple[int, dict[str, str], bytes]
Reply = tuple[int, dict[str, Any]]  # a handler's status and payload, signed after
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


def _failure(status: int, code: str, message: str) -> Reply:
    return status, {
        "result": {"resultCode": code, "resultStatus": "F", "resultMessage": message}
    }


def handle(path: str, headers: dict[str, str], body: bytes) -> Answer:
    """One request to the sandbox's Antom API (headers lower-cased), answered
    signed over the path it was called on."""
    api = path
    if path.startswith(antom.TEST_API_PREFIX + "/"):
        api = antom.API_PREFIX + path.removeprefix(antom.TEST_API_PREFIX)
    handler = {
        antom.PAY_PATH: _pay,
        antom.INQUIRY_PATH: _inquiry,
        antom.REFUND_PATH: _refund,
        antom.DECLARE_PATH: _declare,
    }.get(api)
    if handler is None:
        reply = _failure(404, "NOT_FOUND", "the sandbox does not serve this path")
        return _answer(path, *reply)
    merchant = sandbox_key("antom-merchant").public_key()
    try:
        antom.message_verify(
            merchant, path=path, headers=headers, body=body.decode("utf-8", "replace")
        )
    except SignatureRefused as refused:
        return _answer(path, *_failure(401, "INVALID_SIGNATURE", str(refused)))
    try:
        request = json.loads(body)
        wrong = next(
            (
                f"{name}: {value!r} is not a string"
                for name, value in _leaves(request)
                if not isinstance(value, str)
            ),
            "",
        )
        reply = (
            _failure(400, "PARAM_ILLEGAL", wrong)
            if wrong
            else handler(request, headers)
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        reply = _failure(400, "PARAM_ILLEGAL", "the request lacks a field")
    return _answer(path, *reply)


# The terminal types Antom's pay takes (env.terminalType), and the phone systems
# (env.osType) a terminal other than a desktop browser names.
TERMINAL_TYPES = ("WEB", "WAP", "APP", "MINI_APP")
OS_TYPES = ("IOS", "ANDROID")


def _pay(request: dict[str, Any], headers: dict[str, str]) -> Reply:
    amount = request["paymentAmount"]
    request_id, value = request["paymentRequestId"], int(amount["value"])
    env = request["env"]
    terminal = env["terminalType"]
    if terminal not in TERMINAL_TYPES:
        return _failure(400, "PARAM_ILLEGAL", f"env.terminalType: {terminal!r}")
    if terminal != "WEB" and env.get("osType") not in OS_TYPES:
        return _failure(400, "PARAM_ILLEGAL", "env.osType: IOS or ANDROID")
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
                "scene": terminal,
            },
        )
    if not created and (
        payment.amount_minor,
        payment.currency,
        payment.scene or "WEB",
    ) != (
        value,
        amount["currency"],
        terminal,
    ):
        return _failure(
            400,
            "REPEAT_REQ_INCONSISTENT",
            "this paymentRequestId was used with another amount",
        )
    return (
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
            # Where the buyer pays: the cashier page; an app opens Alipay by its
            # app link (the sandbox's: its cashier page too).
            "normalUrl": f"{antom.SANDBOX_PATH}/cashier/{payment.payment_id}/",
            **(
                {"applinkUrl": f"{antom.SANDBOX_PATH}/cashier/{payment.payment_id}/"}
                if terminal == "APP"
                else {}
            ),
        },
    )


_PAYMENT_STATUS = {"waiting": "PROCESSING", "paid": "SUCCESS", "declined": "FAIL"}


def _inquiry(request: dict[str, Any], headers: dict[str, str]) -> Reply:
    payment = SandboxPayment.objects.filter(
        request_id=request["paymentRequestId"], provider=Provider.ALIPAY
    ).first()
    if payment is None:
        return _failure(200, "ORDER_NOT_EXIST", "no such payment")
    return (
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


def _refund(request: dict[str, Any], headers: dict[str, str]) -> Reply:
    """Refunds at once (resultStatus S, then a ``notifyRefund``), never more than was
    paid, the same answer for the same ``refundRequestId``."""
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
        return _failure(200, code, message)
    refund_id, value, _when, _url = payment.refunds[request_id]
    return (
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


def _declare(request: dict[str, Any], headers: dict[str, str]) -> Reply:
    """A customs declaration, as Antom's page describes it (every field a string,
    ``splitOrder`` "true" naming the ``suborderId``): the payer checked against
    the certificate given."""
    payment = SandboxPayment.objects.filter(
        payment_id=request["paymentId"], provider=Provider.ALIPAY
    ).first()
    if payment is None or payment.state != SandboxPayment.State.PAID:
        return _failure(200, "PAYMENT_NOT_EXIST", "no paid payment")
    refusal = _declaration_refusal(request)
    if refusal:
        return _failure(400, "PARAM_ILLEGAL", refusal)
    return (
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


def _declaration_refusal(request: dict[str, Any]) -> str:
    """What Antom would refuse in a declaration ("" if nothing): a customs code
    off Antom's list, ``splitOrder`` other than "true"/"false", a split order with
    no ``suborderId``, no certificate number."""
    code = request["customs"]["customsCode"]
    if code not in antom.CUSTOMS_CODES:
        return f"customs.customsCode: {code!r} is not in Antom's customs list"
    split = request["splitOrder"]
    if split not in ("true", "false"):
        return f"splitOrder: {split!r} is neither true nor false"
    if split == "true" and not request.get("suborderId"):
        return "suborderId: required when splitOrder is true"
    if not request["buyerCertificate"]["certificateNo"]:
        return "buyerCertificate.certificateNo: required"
    return ""


def _leaves(data: dict[str, Any], where: str = "") -> Iterator[tuple[str, Any]]:
    """Every (dotted name, value) of a body but its objects and arrays: Antom wants
    each a string ("20", "true")."""
    for name, value in data.items():
        if isinstance(value, dict):
            yield from _leaves(value, f"{where}{name}.")
        elif not isinstance(value, list):
            yield f"{where}{name}", value


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
            "notifyType": "REFUND_RESULT",
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


def _signed(
    url: str, client_id: str, body: str, corrupt: bool
) -> tuple[str, dict[str, str], str]:
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
