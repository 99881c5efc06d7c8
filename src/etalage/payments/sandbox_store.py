"""The embedded sandbox's own books, shared by its stand-ins for each provider: the
payments it was asked for and the refunds it made of them."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task, task_backends

from etalage.core.http import http_transport
from etalage.core.ids import new_id
from etalage.payments.models import Provider, SandboxPayment
from etalage.payments.provider import Transport


def refund_record(
    *, provider: str, payment_id: str, request_id: str, value: int, notify_url: str
) -> tuple[SandboxPayment | None, tuple[str, str]]:
    """Record a refund of ``value`` minor units once per request id, never past what
    was paid: (the payment, no refusal) or (None, (code, message))."""
    with transaction.atomic():
        payment = (
            SandboxPayment.objects.select_for_update()
            .filter(provider=provider)
            .filter(payment_id=payment_id)
            .first()
        )
        if payment is None or payment.state != SandboxPayment.State.PAID:
            return None, ("PAYMENT_NOT_EXIST", "no paid payment")
        if request_id not in payment.refunds:
            done = sum(entry[1] for entry in payment.refunds.values())
            if done + value > payment.amount_minor:
                return None, (
                    "REFUND_AMOUNT_EXCEED",
                    "more than what is left to refund",
                )
            when = timezone.now().replace(microsecond=0).isoformat()
            refund_id = "SANDBOXR" + new_id().hex[:24]
            payment.refunds[request_id] = [refund_id, value, when, notify_url]
            payment.save(update_fields=["refunds", "updated_at"])
            transaction.on_commit(
                lambda: sandbox_notify.enqueue(payment.payment_id, request_id)
            )
    return payment, ("", "")


# What each provider's stand-in writes: {provider: (payment notice, refund notice)},
# each (payment, [refund request id,] corrupt=) -> (url, headers, body). The
# stand-ins register themselves when imported (``sandbox`` imports them all).
Notice = Callable[..., tuple[str, dict[str, str], str]]
NOTICES: dict[str, tuple[Notice, Notice]] = {}
# What the sandbox sends notifications with (tests hand it the test client).
NOTIFY_TRANSPORT: list[Transport] = [http_transport]
# When the sandbox tries a notification again after a failure (after the first):
# eight attempts over about a day, modelled on the providers' retries.
RETRY_AFTER = [timedelta(seconds=s) for s in (120, 600, 600, 3600, 7200, 21600, 54000)]
DELAY = timedelta(minutes=1)


def _acknowledged(status: int, answer: bytes) -> bool:
    if status == 204 or (status == 200 and not answer):
        return True  # WeChat Pay: 200 or 204 acknowledges
    try:
        data = json.loads(answer)
    except ValueError:
        return False
    return status == 200 and (
        data.get("result", {}).get("resultStatus") == "S"  # Antom
        or data.get("code") == "SUCCESS"  # WeChat Pay's older answer
    )


@task()
def sandbox_notify(
    payment_id: str, refund_request_id: str = "", attempt: int = 0
) -> str:
    """Send a payment's (or one refund's) notification; on failure, try again later
    as the providers do. A payment told to misbehave does so here."""
    payment = SandboxPayment.objects.get(payment_id=payment_id)
    misbehaviour = payment.misbehaviour if attempt == 0 else ""
    if misbehaviour == SandboxPayment.Misbehaviour.REORDER and not refund_request_id:
        return "held until a refund is notified"
    payment_notice, refund_notice = NOTICES[payment.provider]
    corrupt = misbehaviour == SandboxPayment.Misbehaviour.CORRUPT
    url, headers, body = (
        refund_notice(payment, refund_request_id, corrupt=corrupt)
        if refund_request_id
        else payment_notice(payment, corrupt=corrupt)
    )
    try:
        status, _headers, answer = NOTIFY_TRANSPORT[0](
            "POST", url, headers, body.encode()
        )
        acknowledged = _acknowledged(status, answer)
    except OSError:
        acknowledged = False
    SandboxPayment.objects.filter(pk=payment.pk).update(
        notifications_sent=F("notifications_sent") + 1
    )
    if misbehaviour == SandboxPayment.Misbehaviour.DUPLICATE:
        NOTIFY_TRANSPORT[0]("POST", url, headers, body.encode())
    if misbehaviour == SandboxPayment.Misbehaviour.REORDER and refund_request_id:
        sandbox_notify.enqueue(payment_id, "", attempt + 1)  # the held payment notice
    if (not acknowledged or corrupt) and attempt < len(RETRY_AFTER):
        _later(RETRY_AFTER[attempt], payment_id, refund_request_id, attempt + 1)
        return "will retry"
    return "acknowledged" if acknowledged else "given up"


def sandbox_decide(
    payment: SandboxPayment,
    *,
    pay: bool,
    payer_other: bool = False,
    misbehaviour: str = "",
) -> SandboxPayment:
    """The tester paid or declined at the sandbox's cashier: tell Étalage. (WeChat
    Pay sends nothing when the payer gives up: the payment stays open.)"""
    with transaction.atomic():
        locked = SandboxPayment.objects.select_for_update().get(pk=payment.pk)
        if locked.state != SandboxPayment.State.WAITING:
            return locked
        locked.state = (
            SandboxPayment.State.PAID if pay else SandboxPayment.State.DECLINED
        )
        locked.paid_at = timezone.now() if pay else None
        locked.payer_other = payer_other
        locked.misbehaviour = misbehaviour
        locked.save(
            update_fields=[
                "state",
                "paid_at",
                "payer_other",
                "misbehaviour",
                "updated_at",
            ]
        )
        if pay or locked.provider != Provider.WECHAT:
            late = misbehaviour == SandboxPayment.Misbehaviour.DELAY
            transaction.on_commit(
                lambda: _later(DELAY if late else timedelta(0), locked.payment_id)
            )
    return locked


def _later(
    after: timedelta, payment_id: str, refund_request_id: str = "", attempt: int = 0
) -> None:
    """Send a notification ``after`` from now (at once where the task backend
    cannot wait: the tests' immediate backend)."""
    args = (payment_id, refund_request_id, attempt)
    if after and task_backends[sandbox_notify.backend].supports_defer:
        sandbox_notify.using(run_after=timezone.now() + after).enqueue(*args)
    else:
        sandbox_notify.enqueue(*args)
