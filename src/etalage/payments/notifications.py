"""What the providers say: their notifications, kept raw first, then verified and
applied once, and their answers to a query about a payment that went quiet."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from etalage.core.text import storable
from etalage.events.outbox import event_record
from etalage.events.types import PaymentReceivedLate
from etalage.money import Money
from etalage.orders import states
from etalage.orders.services import order_pay
from etalage.payments import antom
from etalage.payments.adapters import adapter, adapter_class
from etalage.payments.daily import payments_paid
from etalage.payments.models import Notification, Payment, Provider, Refund
from etalage.payments.provider import (
    Event,
    Malformed,
    ProviderError,
    SignatureRefused,
    StaleMessage,
    signed_within,
)
from etalage.payments.services import (
    PROVIDER_NAMES,
    refund_ask,
    refund_ask_task,
    refund_failed,
    refund_held,
    refund_record,
    refund_settled,
)

logger = logging.getLogger(__name__)
Verdict = Notification.Verdict


def _ask_after() -> timedelta:
    """How long a payment or refund waits for its notification before Étalage asks."""
    return timedelta(seconds=settings.ETALAGE_PAYMENT_ASK_AFTER)


# A refused post's body is kept this long (characters), for the operator to see.
REFUSED_BODY_KEPT = 2000
REFUSED = (Verdict.FORGED, Verdict.STALE, Verdict.MALFORMED)
_SERIAL = re.compile(r"[0-9A-Fa-f]{1,64}|PUB_KEY_ID_[0-9A-Za-z]{1,64}")


def notification_receive(
    *, provider: str, headers: dict[str, str], body: str, remote_addr: str
) -> Notification:
    """Keep a notification as it came, then have it processed after commit (the
    provider is answered at once; processing never holds its connection). What
    is cheap is checked first (``notification_precheck``): a notice it refuses is
    kept cut short with its verdict, and never processed."""
    wanted = adapter_class(provider).notify_headers
    kept = {k.lower(): storable(v) for k, v in headers.items() if k.lower() in wanted}
    body = storable(body)
    refused = notification_precheck(provider, kept)
    if refused is not None:
        verdict, reason = refused
        return Notification.objects.create(
            provider=provider,
            headers=kept,
            body=body[:REFUSED_BODY_KEPT],
            remote_addr=remote_addr,
            verdict=verdict,
            reason=reason,
            processed_at=timezone.now(),
        )
    notification = Notification.objects.create(
        provider=provider, headers=kept, body=body, remote_addr=remote_addr
    )
    transaction.on_commit(_wake_worker)
    return notification


def notification_precheck(
    provider: str, headers: dict[str, str]
) -> tuple[str, str] | None:
    """(verdict, reason) for a notice refused on what costs nothing to check: the
    client id Étalage is known by (Antom), a signing time within the tolerance,
    the signature headers present. None: it goes on to be verified."""
    if provider == Provider.ALIPAY:
        ours = (
            antom.SANDBOX_CLIENT_ID
            if settings.ETALAGE_PAYMENT_SANDBOX
            else (settings.ETALAGE_ANTOM_CLIENT_ID)
        )
        if headers.get("client-id", "") != ours:
            return Verdict.FORGED, "client-id: not the one Étalage is known by"
        if not headers.get("signature"):
            return Verdict.FORGED, "signature: missing"
        try:
            signed_at = datetime.fromisoformat(headers.get("request-time", ""))
        except ValueError:
            return Verdict.MALFORMED, "request-time: not a time"
    else:
        for name in ("wechatpay-signature", "wechatpay-serial", "wechatpay-nonce"):
            if not headers.get(name):
                return Verdict.FORGED, f"{name}: missing"
        # A certificate serial (hexadecimal) or a public key id (PUB_KEY_ID_…):
        # anything else would only have Étalage fetch WeChat Pay's keys for nothing.
        if not _SERIAL.fullmatch(headers["wechatpay-serial"]):
            return Verdict.FORGED, "wechatpay-serial: not a serial WeChat Pay writes"
        try:
            stamp = int(headers.get("wechatpay-timestamp", ""))
            signed_at = datetime.fromtimestamp(stamp, tz=UTC)
        except (ValueError, OverflowError, OSError):
            return Verdict.MALFORMED, "wechatpay-timestamp: not a time"
    try:
        signed_within(signed_at)
    except StaleMessage as stale:
        return Verdict.STALE, str(stale)
    return None


def refused_notifications_purged() -> int:
    """Refused notifications older than ``ETALAGE_REFUSED_POSTS_KEEP_DAYS`` are
    deleted (the clock's chore; the carriers' refused pushes are logistics'
    own); returns how many."""
    before = timezone.now() - timedelta(days=settings.ETALAGE_REFUSED_POSTS_KEEP_DAYS)
    deleted, _n = Notification.objects.filter(
        verdict__in=REFUSED, created_at__lt=before
    ).delete()
    return deleted


WAKE = "etalage:notifications-wake"


def _wake_worker() -> None:
    # One wake-up at a time: the worker that takes it clears it, then processes
    # every notification kept before it looks; the clock catches any left behind.
    if cache.add(WAKE, 1, 1):
        notifications_process_task.enqueue()


def _verdict(
    notification: Notification, verdict: str, reason: str = ""
) -> Notification:
    notification.verdict = verdict
    notification.reason = reason[:2000]
    notification.processed_at = timezone.now()
    if verdict in REFUSED:
        notification.body = notification.body[:REFUSED_BODY_KEPT]
    notification.save(
        update_fields=[
            "body",
            "verdict",
            "reason",
            "processed_at",
            "event_key",
            "payment",
            "updated_at",
        ]
    )
    return notification


def notification_keys_fetched(notifications: list[Notification]) -> None:
    """Before notifications are judged, outside their transaction: a provider
    whose notification names a key Étalage does not hold yet (WeChat Pay's
    renewed platform certificate) fetches its keys once."""
    by_provider: dict[str, list[dict[str, str]]] = {}
    for n in notifications:
        by_provider.setdefault(n.provider, []).append(n.headers)
    for provider, headers in by_provider.items():
        try:
            speaker = adapter(provider)
        except (KeyError, ValueError):  # not set up: judged (refused) as it is
            continue
        fetch = getattr(speaker, "notification_keys_fetch", None)
        if fetch is not None:
            fetch(headers)


def notification_process(notification: Notification) -> Notification:
    """Verify a kept notification and apply what it reports, once."""
    notification_keys_fetched([notification])
    return _notification_process(notification)


@transaction.atomic
def _notification_process(notification: Notification) -> Notification:
    locked = (
        Notification.objects.select_for_update(skip_locked=True)
        .filter(pk=notification.pk)
        .first()
    )
    if locked is None:
        return notification  # another worker is processing it
    notification = locked
    if notification.verdict not in (Verdict.RECEIVED, Verdict.DEFERRED, Verdict.ERROR):
        return notification  # processed already (a task may run twice)
    path = reverse("payments-notify", args=[notification.provider])
    try:
        event = adapter(notification.provider).notification_read(
            path=path,
            headers=notification.headers,
            body=notification.body,
            # A replay is judged by when it came, not by when the worker got to it.
            received_at=notification.created_at,
        )
    except StaleMessage as stale:
        return _verdict(notification, Verdict.STALE, str(stale))
    except SignatureRefused as refused:
        return _verdict(notification, Verdict.FORGED, str(refused))
    except Malformed as malformed:
        return _verdict(notification, Verdict.MALFORMED, str(malformed))
    notification.event_key = event.key[:200]
    if Notification.objects.filter(
        event_key=notification.event_key, verdict=Verdict.PROCESSED
    ).exists():
        return _verdict(notification, Verdict.DUPLICATE)
    verdict, reason, payment = event_apply(event)
    notification.payment = payment
    processed = _verdict(notification, verdict, reason)
    # Refund notices that came before this payment's are processed again.
    if (
        verdict == Verdict.PROCESSED
        and event.kind == "payment"
        and payment
        and payment.notifications.filter(verdict=Verdict.DEFERRED).update(
            verdict=Verdict.RECEIVED
        )
    ):
        transaction.on_commit(_wake_worker)
    return processed


def event_apply(event: Event) -> tuple[str, str, Payment | None]:
    """Apply what a provider reported: (verdict, reason, the payment concerned)."""
    if event.kind == "refund":
        return _refund_apply(event)
    if event.kind != "payment":
        return Verdict.PROCESSED, "nothing to do", None
    payment = (
        Payment.objects.select_for_update().filter(request_id=event.request_id).first()
    )
    if payment is None:
        return Verdict.UNKNOWN, event.request_id, None
    if (
        event.amount.amount != payment.amount
        or event.amount.currency != payment.currency
    ):
        if payment.state == Payment.State.PENDING:
            payment.state = Payment.State.HELD
            payment.reason = (
                f"reported {event.amount}, expected {payment.amount} {payment.currency}"
            )
            payment.save(update_fields=["state", "reason", "updated_at"])
        return Verdict.HELD, f"reported {event.amount}", payment
    if payment.state != Payment.State.PENDING:
        return Verdict.DUPLICATE, f"the payment is {payment.state} already", payment
    if event.status == "succeeded":
        _succeeded(payment, event)
    elif event.status == "failed":
        payment.state, payment.reason = Payment.State.FAILED, event.failure
        payment.save(update_fields=["state", "reason", "updated_at"])
    return Verdict.PROCESSED, "", payment


def _succeeded(payment: Payment, event: Event) -> None:
    payment.state = Payment.State.SUCCEEDED
    payment.paid_at = timezone.now()
    payment.provider_payment_id = (
        event.provider_payment_id or payment.provider_payment_id
    )
    if event.settlement:
        payment.settlement_amount = event.settlement.amount
        payment.settlement_currency = event.settlement.currency
    order = payment.order
    late = order.state != states.PLACED
    if late:  # the hold ran out and the order was cancelled: give the money back
        payment.reason = f"paid while the order was {order.state}: refunded"
    # Saved before the order moves: what the payment pays is read from it (the
    # ledger posts the capture in this transaction).
    payment.save(
        update_fields=[
            "state",
            "paid_at",
            "provider_payment_id",
            "reason",
            "settlement_amount",
            "settlement_currency",
            "updated_at",
        ]
    )
    payments_paid([payment])
    if not late:
        label = PROVIDER_NAMES[Provider(payment.provider)]
        order_pay(order=order, reason=f"{label} payment {payment.provider_payment_id}")
    else:
        event_record(PaymentReceivedLate(payment_id=payment.pk, order_id=order.pk))
        # Recorded with the payment, asked after commit: a refund whose task is
        # lost is still asked for (by the clock).
        refund = refund_record(
            payment=payment,
            amount=Money(payment.amount, payment.currency),
            reason="paid after the order was cancelled",
        )
        transaction.on_commit(lambda: refund_ask_task.enqueue(str(refund.pk)))


def _refund_apply(event: Event) -> tuple[str, str, Payment | None]:
    refund = (
        Refund.objects.select_related("payment")
        .filter(request_id=event.refund_request_id)
        .first()
    )
    if refund is None:
        return Verdict.UNKNOWN, f"no refund {event.refund_request_id}", None
    payment = refund.payment
    if payment.state != Payment.State.SUCCEEDED:
        # A refund's notice before its payment's: kept until the payment's comes.
        return Verdict.DEFERRED, "the payment's own notification has not come", payment
    if event.amount.amount != refund.amount:
        return Verdict.HELD, f"reported {event.amount}, asked {refund.amount}", payment
    if event.status == "succeeded":
        refund_settled(refund, provider_refund_id=event.provider_refund_id)
    elif event.status == "failed":
        refund_failed(refund, failure=event.failure)
    elif event.status == "held":
        refund_held(refund, reason=event.failure)
    return Verdict.PROCESSED, "", payment


# Notifications processed in one transaction (each in its own savepoint): one
# commit for many, and a worker's batch never waits for another's.
BATCH = 25
# Notifications still waiting after this are the clock's (a lost wake-up, a crash).
LATE_AFTER = timedelta(seconds=5)


# Processing that raised is tried again after 1 min, 2, 4… (at most 6 h), then
# given up (the verdict stays "error" for the operator).
ERROR_FIRST_WAIT = timedelta(minutes=1)
ERROR_LONGEST_WAIT = timedelta(hours=6)
ERROR_ATTEMPTS = 10


def _due() -> Q:
    return Q(verdict=Verdict.RECEIVED) | Q(
        verdict=Verdict.ERROR, next_attempt_at__lte=timezone.now()
    )


def notifications_process(
    *, limit: int = 1000, older_than: timedelta | None = None
) -> int:
    """Process up to ``limit`` kept notifications, oldest first, in batches that
    several workers take side by side; return how many. One whose processing
    raises is given an error verdict and a later attempt, and is not taken again
    in this pass."""
    done = 0
    taken: set[Any] = set()
    while done < limit:
        waiting_first = Notification.objects.filter(_due()).exclude(pk__in=taken)
        notification_keys_fetched(
            list(waiting_first.order_by("created_at")[: min(BATCH, limit - done)])
        )
        with transaction.atomic():
            waiting = (
                Notification.objects.select_for_update(skip_locked=True)
                .filter(_due())
                .exclude(pk__in=taken)
            )
            if older_than is not None:
                waiting = waiting.filter(created_at__lte=timezone.now() - older_than)
            batch = list(waiting.order_by("created_at")[: min(BATCH, limit - done)])
            for notification in batch:
                taken.add(notification.pk)
                try:
                    _notification_process(notification)
                except Exception as error:  # its savepoint is undone
                    logger.exception("notification %s failed", notification.pk)
                    _failed(notification, error)
        if not batch:
            break
        done += len(batch)
    return done


def _failed(notification: Notification, error: Exception) -> None:
    """An error verdict, and when to try again (none past ``ERROR_ATTEMPTS``)."""
    attempts = notification.attempts + 1
    wait = min(ERROR_FIRST_WAIT * 2 ** (attempts - 1), ERROR_LONGEST_WAIT)
    Notification.objects.filter(pk=notification.pk).update(
        verdict=Verdict.ERROR,
        reason=f"{type(error).__name__}: {error}"[:2000],
        attempts=attempts,
        next_attempt_at=(timezone.now() + wait if attempts < ERROR_ATTEMPTS else None),
        processed_at=timezone.now(),
    )


@task()
def notifications_process_task() -> int:
    """Process the notifications waiting (the background worker, when woken)."""
    cache.delete(WAKE)
    return notifications_process()


def notifications_late_processed() -> int:
    """Process what waited longer than ``LATE_AFTER``. The clock's chore."""
    return notifications_process(older_than=LATE_AFTER)


def payment_refresh(payment: Payment) -> Payment:
    """Ask the provider about a payment still waiting (its notification may be late
    or lost), with no transaction open, and apply the answer as its notification
    would be, in a short one."""
    if payment.state != Payment.State.PENDING:
        return payment
    try:
        event = adapter(payment.provider).query(request_id=payment.request_id)
    except ProviderError:
        return payment
    if event is not None:
        with transaction.atomic():
            event_apply(event)
    payment.refresh_from_db()
    return payment


def payments_quiet_queried() -> int:
    """Payments of the last two days waiting for a notification longer than
    ``ETALAGE_PAYMENT_ASK_AFTER`` are asked about, each at most once in that time
    (200 a round, the longest unasked first). The clock's chore."""
    now, after = timezone.now(), _ask_after()
    quiet = list(
        Payment.objects.filter(
            state=Payment.State.PENDING,
            created_at__range=(now - timedelta(days=2), now - after),
        )
        .exclude(queried_at__gt=now - after)
        .order_by(F("queried_at").asc(nulls_first=True))[:200]
    )
    Payment.objects.filter(pk__in=[p.pk for p in quiet]).update(queried_at=now)
    return sum(payment_refresh(p).state != Payment.State.PENDING for p in quiet)


def refunds_quiet_asked_again() -> int:
    """Refunds still "requested" after ``ETALAGE_PAYMENT_ASK_AFTER`` (the provider's
    answer lost to a crash, or its notification to the network) are asked for again
    with the same request id, which the provider answers without refunding twice
    (200 a round). The clock's chore."""
    now = timezone.now()
    quiet = list(
        Refund.objects.filter(
            state=Refund.State.REQUESTED,
            updated_at__range=(now - timedelta(days=7), now - _ask_after()),
        ).select_related("payment")[:200]
    )
    return sum(refund_ask(r).state != Refund.State.REQUESTED for r in quiet)
