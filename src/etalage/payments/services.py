"""Paying an order: starting a payment with a provider, and the providers'
notifications, kept raw first, then verified and applied once."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from etalage.core.emails import render_email
from etalage.money import Money
from etalage.orders import states
from etalage.orders.models import Order
from etalage.orders.services import order_pay, sub_order_move
from etalage.payments import antom, sandbox
from etalage.payments.antom_signing import SignatureRefused
from etalage.payments.models import Notification, Payment, Provider, Refund

# Antom's acknowledgement of a notification, and of one it must send again.
ACKNOWLEDGED = {
    "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}
}


class PaymentRefused(ValueError):
    """The order cannot be paid now (the reason is for the buyer)."""


def _client(config: antom.AntomConfig) -> antom.AntomClient:
    transport = sandbox.sandbox_transport if config.sandbox else antom.http_transport
    return antom.AntomClient(config, transport)


def notify_url() -> str:
    return settings.ETALAGE_SITE_URL + reverse("payments-notify-antom")


def payment_start(*, order: Order, provider: str, return_url: str) -> Payment:
    """Ask the provider for a payment of the order's total and return it, with the
    cashier address to send the buyer to. A payment already waiting is reused; the
    order is held while one is asked for, so two clicks make one payment."""
    if provider != Provider.ALIPAY:
        raise PaymentRefused(_("This payment method is not available."))
    config = antom.antom_config()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.state != states.PLACED:
            raise PaymentRefused(_("This order is not waiting for payment."))
        of_order = Payment.objects.filter(order=order)
        existing = of_order.filter(provider=provider, state=Payment.State.PENDING
                                   ).exclude(redirect_url="").first()  # fmt: skip
        if existing is not None:
            return existing
        payment = Payment.objects.create(
            order=order, provider=provider,
            request_id=f"{order.number}-P{of_order.count() + 1}",
            amount=order.total, currency=order.currency,
        )  # fmt: skip
        try:
            answer = _client(config).pay(
                request_id=payment.request_id,
                amount=Money(order.total, order.currency),
                reference=order.number,
                description=f"Étalage {order.number}",
                redirect_url=return_url,
                notify_url=notify_url(),
            )
            url = answer.get("normalUrl", "")
            if not url:
                raise antom.AntomError("the answer names no cashier (normalUrl)")
        except antom.AntomError as error:
            payment.state, payment.reason = Payment.State.FAILED, str(error)
            payment.save(update_fields=["state", "reason", "updated_at"])
            failed = True
        else:
            failed = False
            if url.startswith("/") and config.sandbox:
                url = settings.ETALAGE_SITE_URL + url
            payment.provider_payment_id = answer.get("paymentId", "")
            payment.redirect_url = url
            payment.save(
                update_fields=["provider_payment_id", "redirect_url", "updated_at"]
            )
    if failed:
        raise PaymentRefused(_("Alipay cannot take this payment now; try again."))
    return payment


def notification_receive(
    *, provider: str, headers: dict[str, str], body: str, remote_addr: str
) -> Notification:
    """Keep a notification exactly as it came, then have it processed after commit
    (the provider is answered at once; processing never holds its connection)."""
    kept = {
        k.lower(): v
        for k, v in headers.items()
        if k.lower() in ("client-id", "request-time", "signature", "content-type")
    }
    notification = Notification.objects.create(
        provider=provider, headers=kept, body=body, remote_addr=remote_addr
    )
    transaction.on_commit(
        lambda: notification_process_task.enqueue(str(notification.pk))
    )
    return notification


def _verdict(
    notification: Notification, verdict: str, reason: str = ""
) -> Notification:
    notification.verdict = verdict
    notification.reason = reason
    notification.processed_at = timezone.now()
    notification.save(
        update_fields=[
            "verdict",
            "reason",
            "processed_at",
            "event_key",
            "payment",
            "updated_at",
        ]
    )
    return notification


@transaction.atomic
def notification_process(notification: Notification) -> Notification:
    """Verify a kept notification and apply what it reports, once."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.verdict != Notification.Verdict.RECEIVED:
        return notification  # processed already (a task may run twice)
    path = reverse("payments-notify-antom")
    try:
        antom.message_verify(
            antom.antom_config().antom_key,
            path=path,
            headers=notification.headers,
            body=notification.body,
        )
    except antom.StaleMessage as stale:
        return _verdict(notification, Notification.Verdict.STALE, str(stale))
    except SignatureRefused as refused:
        return _verdict(notification, Notification.Verdict.FORGED, str(refused))
    try:
        data: dict[str, Any] = json.loads(notification.body)
        kind, request_id = data["notifyType"], data["paymentRequestId"]
        status = data["result"]["resultStatus"]
        reported = antom.from_minor_units(
            data["paymentAmount"]["value"], data["paymentAmount"]["currency"]
        )
    except (ValueError, KeyError, TypeError) as error:
        return _verdict(notification, Notification.Verdict.MALFORMED, repr(error))
    notification.event_key = f"{kind}:{request_id}:{status}"
    payment = Payment.objects.select_for_update().filter(request_id=request_id).first()
    notification.payment = payment
    if payment is None:
        return _verdict(notification, Notification.Verdict.UNKNOWN, request_id)
    if Notification.objects.filter(
        event_key=notification.event_key, verdict=Notification.Verdict.PROCESSED
    ).exists():
        return _verdict(notification, Notification.Verdict.DUPLICATE)
    return _apply(notification, payment, kind, status, reported, data)


def _apply(
    notification: Notification,
    payment: Payment,
    kind: str,
    status: str,
    reported: Money,
    data: dict[str, Any],
) -> Notification:
    if kind != "PAYMENT_RESULT":
        return _verdict(notification, Notification.Verdict.PROCESSED, kind)
    expected = Money(payment.amount, payment.currency)
    if reported != expected:
        payment.state = Payment.State.HELD
        payment.reason = f"reported {reported}, expected {expected}"
        payment.save(update_fields=["state", "reason", "updated_at"])
        return _verdict(notification, Notification.Verdict.HELD, payment.reason)
    if status == "S":
        payment.state = Payment.State.SUCCEEDED
        payment.paid_at = timezone.now()
        payment.provider_payment_id = data.get("paymentId", payment.provider_payment_id)
        order = payment.order
        if order.state == states.PLACED:
            order_pay(
                order=order, reason=f"Alipay payment {payment.provider_payment_id}"
            )
        else:  # the hold ran out and the order was cancelled: give the money back
            payment.reason = f"paid while the order was {order.state}: refunded"
            transaction.on_commit(
                lambda: late_payment_refund_task.enqueue(str(payment.pk))
            )
    elif status == "F":
        payment.state = Payment.State.FAILED
        payment.reason = data.get("result", {}).get("resultMessage", "")
    payment.save(
        update_fields=[
            "state",
            "paid_at",
            "provider_payment_id",
            "reason",
            "updated_at",
        ]
    )
    return _verdict(notification, Notification.Verdict.PROCESSED)


@task()
def notification_process_task(notification_id: str) -> str:
    notification = Notification.objects.get(pk=notification_id)
    try:
        return notification_process(notification).verdict
    except IntegrityError:  # pragma: no cover - a concurrent run took it
        return "retried elsewhere"


def refund_request(*, payment: Payment, amount: Money, reason: str) -> Refund:
    """Give back ``amount`` of a paid payment through its provider. The refund's
    request id makes it once at the provider, whatever happens here."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        count = Refund.objects.filter(payment=locked).count()
        refund = Refund.objects.create(
            payment=locked,
            request_id=f"{locked.request_id}-R{count + 1}",
            amount=amount.amount,
            currency=amount.currency,
            reason=reason,
        )
    try:
        answer = _client(antom.antom_config()).refund(
            request_id=refund.request_id,
            payment_id=payment.provider_payment_id,
            amount=amount,
            reason=reason,
        )
    except antom.AntomError as error:
        refund.state, refund.failure = Refund.State.FAILED, str(error)
    else:
        result = answer.get("result", {})
        if result.get("resultStatus") == "S":
            refund.state = Refund.State.SUCCEEDED
            refund.provider_refund_id = answer.get("refundId", "")
        elif result.get("resultStatus") == "F":
            refund.state = Refund.State.FAILED
            refund.failure = (
                f"{result.get('resultCode')}: {result.get('resultMessage')}"
            )
    refund.save(update_fields=["state", "provider_refund_id", "failure", "updated_at"])
    if refund.state == Refund.State.SUCCEEDED:
        transaction.on_commit(lambda: _tell_buyer_refunded(refund))
    return refund


def _tell_buyer_refunded(refund: Refund) -> None:
    """The buyer learns of the refund by email, in the order's language."""
    order = Order.objects.select_related("buyer").get(pk=refund.payment.order_id)
    if not order.buyer.email:
        return
    subject, body = render_email(
        "etalage/payments/email/refunded",
        {"refund": refund, "order": order},
        order.language,
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [order.buyer.email])


def order_refund_cancelled(
    *, order: Order, sub_order_ids: tuple[Any, ...]
) -> Refund | None:
    """The buyer (or the operator) cancelled paid parcels: refund their totals and
    mark them refunded once the provider agrees."""
    payment = Payment.objects.filter(order=order, state=Payment.State.SUCCEEDED).first()
    cancelled = [
        s
        for s in order.sub_orders.all()
        if s.pk in sub_order_ids and s.state == states.CANCELLED
    ]
    if payment is None or not cancelled:
        return None
    amount = sum(
        (Money(s.total, order.currency) for s in cancelled), Money.zero(order.currency)
    )
    refund = refund_request(
        payment=payment, amount=amount, reason=f"cancelled: {order.number}"
    )
    if refund.state == Refund.State.SUCCEEDED:
        for sub in cancelled:
            sub_order_move(
                sub_order=sub,
                to=states.REFUNDED,
                reason=f"Alipay refund {refund.provider_refund_id}",
            )
    return refund


@task()
def late_payment_refund_task(payment_id: str) -> str:
    """A payment that came after its order was cancelled goes back in full."""
    payment = Payment.objects.get(pk=payment_id)
    refund = refund_request(
        payment=payment,
        amount=Money(payment.amount, payment.currency),
        reason="paid after the order was cancelled",
    )
    return refund.state
