"""The embedded Antom sandbox: Étalage's own stand-in for Antom, speaking its
protocol with test keys (``antom.sandbox_keys``), so that every byte of the adapter
is exercised without the network. It is on only with ``ETALAGE_PAYMENT_SANDBOX``
and says what it is on every page.

It answers ``POST /v1/payments/pay`` (the merchant's signature checked, its answer
signed with the sandbox's "Antom" key), shows a cashier where the tester pays or
declines, and sends the signed ``notifyPayment`` to the payment's notify URL from
the background worker, again on failure, as Antom retries; it can be told to
misbehave (send twice, corrupt the signature) for tests.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from etalage.core.ids import new_id
from etalage.payments import antom
from etalage.payments.antom_signing import SignatureRefused
from etalage.payments.models import SandboxPayment

# When the sandbox tries a notification again after a failure (after the first):
# eight attempts over about a day, modelled on Antom's retries.
RETRY_AFTER = [timedelta(seconds=s) for s in (120, 600, 600, 3600, 7200, 21600, 54000)]


def _answer(
    path: str, status: int, payload: dict[str, Any]
) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps(payload, separators=(",", ":"))
    keys = antom.sandbox_keys()
    headers = antom.signed_headers(
        keys.antom,
        client_id="SANDBOX_ETALAGE",
        path=path,
        body=body,
        time_header="response-time",
    )
    return status, {k.lower(): v for k, v in headers.items()}, body.encode()


def _failure(path: str, status: int, code: str, message: str):
    return _answer(
        path,
        status,
        {"result": {"resultCode": code, "resultStatus": "F", "resultMessage": message}},
    )


def _unsigned(path: str, headers: dict[str, str], body: bytes):
    """The sandbox's refusal of a request its merchant did not sign, or None."""
    merchant = antom.sandbox_keys().merchant.public_key()
    try:
        antom.message_verify(
            merchant, path=path, headers=headers, body=body.decode("utf-8", "replace")
        )
    except SignatureRefused as refused:
        return _failure(path, 401, "INVALID_SIGNATURE", str(refused))
    return None


def sandbox_pay(
    headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """``POST /v1/payments/pay`` as Antom answers it (headers lower-cased)."""
    path = antom.PAY_PATH
    refused = _unsigned(path, headers, body)
    if refused:
        return refused
    try:
        request = json.loads(body)
        amount = request["paymentAmount"]
        fields = (
            request["paymentRequestId"],
            int(amount["value"]),
            amount["currency"],
            request["paymentNotifyUrl"],
            request["paymentRedirectUrl"],
        )
    except (ValueError, KeyError, TypeError):
        return _failure(path, 400, "PARAM_ILLEGAL", "the request lacks a field")
    request_id, value, currency, notify_url, redirect_url = fields
    with transaction.atomic():
        payment, created = SandboxPayment.objects.get_or_create(
            request_id=request_id,
            defaults={
                "payment_id": "SANDBOX" + new_id().hex[:24],
                "client_id": headers.get("client-id", ""),
                "amount_minor": value,
                "currency": currency,
                "description": request.get("order", {}).get("orderDescription", "")[
                    :256
                ],
                "notify_url": notify_url,
                "redirect_url": redirect_url,
            },
        )
    if not created and (payment.amount_minor, payment.currency) != (value, currency):
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
            "paymentAmount": {"currency": currency, "value": str(value)},
            "paymentCreateTime": payment.created_at.replace(microsecond=0).isoformat(),
            "normalUrl": f"{antom.SANDBOX_PATH}/cashier/{payment.payment_id}/",
        },
    )


def sandbox_refund(
    headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """``POST /v1/payments/refund``: refunds at once (resultStatus S), never more
    than was paid, the same answer for the same ``refundRequestId``."""
    path = antom.REFUND_PATH
    refused = _unsigned(path, headers, body)
    if refused:
        return refused
    try:
        request = json.loads(body)
        request_id, payment_id = request["refundRequestId"], request["paymentId"]
        value = int(request["refundAmount"]["value"])
    except (ValueError, KeyError, TypeError):
        return _failure(path, 400, "PARAM_ILLEGAL", "the request lacks a field")
    with transaction.atomic():
        payment = (SandboxPayment.objects.select_for_update()
                   .filter(payment_id=payment_id).first())  # fmt: skip
        if payment is None or payment.state != SandboxPayment.State.PAID:
            return _failure(path, 200, "PAYMENT_NOT_EXIST", "no paid payment")
        if request_id not in payment.refunds:
            done = sum(v for _id, v in payment.refunds.values())
            if done + value > payment.amount_minor:
                return _failure(path, 200, "REFUND_AMOUNT_EXCEED",
                                "more than what is left to refund")  # fmt: skip
            payment.refunds[request_id] = ["SANDBOXR" + new_id().hex[:24], value]
            payment.save(update_fields=["refunds", "updated_at"])
    refund_id, value = payment.refunds[request_id]
    return _answer(
        path,
        200,
        {
            "result": {
                "resultCode": "SUCCESS",
                "resultStatus": "S",
                "resultMessage": "success",
            },
            "refundRequestId": request_id,
            "refundId": refund_id,
            "paymentId": payment_id,
            "refundAmount": {"currency": payment.currency, "value": str(value)},
            "refundTime": timezone.now().replace(microsecond=0).isoformat(),
        },
    )


def sandbox_transport(
    url: str, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """The adapter's transport to the embedded sandbox: the same signed bytes, handed
    to the sandbox's handler in this process instead of over a socket."""
    lowered = {k.lower(): v for k, v in headers.items()}
    if url.endswith(antom.PAY_PATH):
        return sandbox_pay(lowered, body)
    if url.endswith(antom.REFUND_PATH):
        return sandbox_refund(lowered, body)
    return _failure(url, 404, "NOT_FOUND", "the sandbox does not serve this path")


def notification_for(
    payment: SandboxPayment, *, corrupt: bool = False
) -> tuple[str, dict[str, str], str]:
    """The signed ``notifyPayment`` for a payment's outcome: (url, headers, body)."""
    paid = payment.state == SandboxPayment.State.PAID
    result = (
        {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}
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
            "paymentTime": timezone.now().replace(microsecond=0).isoformat(),
        },
        separators=(",", ":"),
    )
    path = urlsplit(payment.notify_url).path
    headers = antom.signed_headers(
        antom.sandbox_keys().antom, client_id=payment.client_id, path=path, body=body
    )
    if corrupt:
        headers["Signature"] = headers["Signature"][:-6] + "AAAAAA"
    return payment.notify_url, headers, body


# The transport the sandbox sends notifications with (tests hand it the test client).
NOTIFY_TRANSPORT: list[antom.Transport] = [antom.http_transport]


@task()
def sandbox_notify(payment_id: str, attempt: int = 0) -> str:
    """Send a payment's notification; on failure, try again later as Antom does."""
    payment = SandboxPayment.objects.get(payment_id=payment_id)
    url, headers, body = notification_for(payment)
    try:
        status, _headers, answer = NOTIFY_TRANSPORT[0](url, headers, body.encode())
        acknowledged = (
            status == 200
            and json.loads(answer).get("result", {}).get("resultStatus") == "S"
        )
    except (OSError, ValueError):
        acknowledged = False
    SandboxPayment.objects.filter(pk=payment.pk).update(
        notifications_sent=payment.notifications_sent + 1
    )
    if not acknowledged and attempt < len(RETRY_AFTER):
        sandbox_notify.using(run_after=timezone.now() + RETRY_AFTER[attempt]).enqueue(
            payment_id, attempt + 1
        )
        return "will retry"
    return "acknowledged" if acknowledged else "given up"


def sandbox_decide(payment: SandboxPayment, *, pay: bool) -> SandboxPayment:
    """The tester paid or declined at the sandbox's cashier: notify Étalage."""
    with transaction.atomic():
        locked = SandboxPayment.objects.select_for_update().get(pk=payment.pk)
        if locked.state == SandboxPayment.State.WAITING:
            locked.state = (
                SandboxPayment.State.PAID if pay else SandboxPayment.State.DECLINED
            )
            locked.save(update_fields=["state", "updated_at"])
            transaction.on_commit(lambda: sandbox_notify.enqueue(locked.payment_id))
    return locked
