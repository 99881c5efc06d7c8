"""Webhooks to merchants, per the Standard Webhooks specification (signed with the
maintained ``standardwebhooks`` package): endpoints and their secrets, deliveries
queued in the transaction of their cause, attempts on the spec's schedule with
jitter (``schedule``), endpoints disabled after days of failure or at once by a
410 Gone, every attempt kept with its answer, and "send again"."""

from __future__ import annotations

import base64
import ipaddress
import json
import secrets
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from standardwebhooks import Webhook

from etalage.core.keys import derived_keys
from etalage.core.outbound import (
    address_is_public,
    excerpt,
    outside_call_begins,
    untrusted_request,
)
from etalage.merchants.models import Merchant, MerchantMember
from etalage.merchants.notifications import notify_merchant
from etalage.webhooks.models import Attempt, Delivery, Endpoint
from etalage.webhooks.schedule import DISABLE_AFTER, EVENTS, retry_after

Transport = Callable[..., tuple[int, dict[str, str], bytes]]
# Tests swap the transport for a receiver of their own.
TRANSPORT: list[Transport] = [untrusted_request]
TIMEOUT = 10  # seconds a receiver has to answer
# How long a claimed delivery is this worker's before another may take it.
LEASE = timedelta(seconds=TIMEOUT * 3 + 30)


class EndpointRefused(ValueError):
    """The endpoint cannot be saved; the message names the field and why."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def _fernet() -> MultiFernet:
    """Seals with the key derived from the secret key; opens with it or with one
    derived from a previous secret key (``ETALAGE_SECRET_KEY_FALLBACKS``), so the
    endpoints' secrets outlive a rotation of the secret key."""
    return MultiFernet(
        [Fernet(base64.urlsafe_b64encode(k)) for k in derived_keys(b"webhook secrets")]
    )


def endpoint_secret(endpoint: Endpoint) -> str:
    return _fernet().decrypt(endpoint.secret_encrypted.encode()).decode()


def _new_secret() -> tuple[str, str]:
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    return secret, _fernet().encrypt(secret.encode()).decode()


def _check(url: str, events: list[str]) -> None:
    # Plain http only where the sandboxes are on (a receiver on the developer's
    # machine); production sends over https only.
    schemes = (
        ("https://", "http://") if settings.ETALAGE_PAYMENT_SANDBOX else ("https://",)
    )
    if not url.startswith(schemes):
        raise EndpointRefused(_("A webhook URL starts with https://."), field="url")
    host = (urlsplit(url).hostname or "").strip("[]")
    if host == "localhost" or host.endswith(".localhost") or _internal(host):
        # (A name is checked again each time it is called: it may resolve anywhere.)
        raise EndpointRefused(
            _("This address is not on the public internet."),
            field="url",
        )
    unknown = [e for e in events if e not in EVENTS]
    if unknown or not events:
        raise EndpointRefused(
            _("Choose at least one of the events offered."), field="events"
        )


def _internal(host: str) -> bool:
    """Whether ``host`` is an IP address that is not public."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address_is_public(host)


def endpoint_create(
    *, merchant: Merchant, url: str, events: list[str]
) -> tuple[Endpoint, str]:
    """A new endpoint and its secret (shown to the merchant once)."""
    _check(url, events)
    secret, encrypted = _new_secret()
    endpoint = Endpoint.objects.create(
        merchant=merchant, url=url, events=sorted(events), secret_encrypted=encrypted
    )
    return endpoint, secret


def endpoint_update(
    *, endpoint: Endpoint, url: str, events: list[str], enabled: bool
) -> Endpoint:
    _check(url, events)
    endpoint.url, endpoint.events, endpoint.enabled = url, sorted(events), enabled
    if enabled:
        endpoint.disabled_reason, endpoint.failing_since = "", None
    endpoint.save(
        update_fields=[
            "url",
            "events",
            "enabled",
            "disabled_reason",
            "failing_since",
            "updated_at",
        ]
    )
    return endpoint


def endpoint_roll_secret(*, endpoint: Endpoint) -> str:
    secret, endpoint.secret_encrypted = _new_secret()
    endpoint.save(update_fields=["secret_encrypted", "updated_at"])
    return secret


def deliveries_queue(*, merchant_id: Any, event: str, data: dict[str, Any]) -> int:
    """Queue ``event`` for every enabled endpoint of the merchant that chose it, in
    the caller's transaction; sent after commit. Returns how many."""
    now = timezone.now()
    created = []
    for endpoint in Endpoint.objects.filter(merchant_id=merchant_id, enabled=True):
        if event not in endpoint.events:
            continue
        message_id = f"msg_{uuid.uuid4().hex}"
        created.append(
            Delivery(
                endpoint=endpoint,
                message_id=message_id,
                event=event,
                next_attempt_at=now,
                payload={"type": event, "timestamp": now.isoformat(), "data": data},
            )
        )
    Delivery.objects.bulk_create(created)
    if created:
        ids = [str(d.pk) for d in created]
        transaction.on_commit(lambda: webhooks_send_task.enqueue(ids))
    return len(created)


def _send(delivery: Delivery) -> tuple[int, str, str, int]:
    """Send it once, signed, with no transaction open: (status, a short excerpt of
    the answer, the error, milliseconds). Status 0 when no answer came; a redirect
    is an answer (not followed), so a failed attempt."""
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
    now = datetime.now(UTC)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Etalage-Webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(endpoint_secret(endpoint)).sign(
            delivery.message_id, now, body
        ),
    }
    started = time.monotonic()
    status, response, error = 0, "", ""
    outside_call_begins(endpoint.url)
    try:
        status, _h, answer = TRANSPORT[0](
            "POST", endpoint.url, headers, body.encode(), timeout=TIMEOUT
        )
        response = excerpt(answer)
    except (OSError, ValueError) as failure:
        error = excerpt(f"{type(failure).__name__}: {failure}".encode(), 300)
    return status, response, error, int((time.monotonic() - started) * 1000)


def delivery_attempt(delivery: Delivery) -> Attempt:
    """Send it once (no transaction open), then record the answer in a short one:
    schedule the next try, give up, or disable the endpoint as the answer says."""
    status, response, error, milliseconds = _send(delivery)
    with transaction.atomic():
        locked = (
            Delivery.objects.select_for_update()
            .select_related("endpoint")
            .get(pk=delivery.pk)
        )
        attempt = Attempt.objects.create(
            delivery=locked,
            status=status or None,
            response=response,
            error=error,
            milliseconds=milliseconds,
        )
        locked.attempts += 1
        _after(locked, locked.endpoint, status)
    delivery.refresh_from_db()
    return attempt


def _after(delivery: Delivery, endpoint: Endpoint, status: int) -> None:
    now = timezone.now()
    if 200 <= status < 300:
        delivery.state, delivery.next_attempt_at = Delivery.State.SUCCEEDED, None
        if endpoint.failing_since:
            Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
    else:
        wait = None if status == 410 else retry_after(delivery.attempts)
        delivery.next_attempt_at = now + wait if wait else None
        if wait is None:
            delivery.state = Delivery.State.GAVE_UP
        since = endpoint.failing_since or now
        reason = ""
        if status == 410:
            reason = _("The endpoint answered 410 Gone.")
        elif now - since >= DISABLE_AFTER:
            reason = _("Every delivery failed for 5 days.")
        disabled = Endpoint.objects.filter(pk=endpoint.pk, enabled=True).update(
            failing_since=since,
            **({"enabled": False, "disabled_reason": reason} if reason else {}),
        )
        if reason and disabled:
            _owners_told(endpoint, reason)
    delivery.save(update_fields=["state", "attempts", "next_attempt_at", "updated_at"])


def _owners_told(endpoint: Endpoint, reason: str) -> None:
    """Every owner of the merchant learns that its endpoint was disabled (after the
    commit, in the merchant's language)."""
    merchant = endpoint.merchant
    owners = MerchantMember.objects.filter(merchant=merchant, role="owner")
    emails = {m.user.email for m in owners.select_related("user") if m.user.email}
    for email in sorted(emails | {merchant.contact_email} - {""}):
        notify_merchant(
            merchant=merchant,
            template="endpoint_disabled",
            context={"url": endpoint.url, "reason": reason},
            recipient=email,
            package="webhooks",
        )


@task()
def webhooks_send_task(delivery_ids: list[str]) -> int:
    """The first attempt of new deliveries, right after their cause commits."""
    return webhooks_sent(ids=delivery_ids)


def _claimed(ids: list[str] | None, batch: int) -> list[Delivery]:
    """Due deliveries, leased to this worker in a short transaction: their next
    attempt moves ``LEASE`` on, so no other worker (nor this pass) picks them
    again; the attempt's record sets it right, and a worker that dies lets them
    come back once the lease runs out."""
    now = timezone.now()
    with transaction.atomic():
        due = Delivery.objects.select_for_update(skip_locked=True).filter(
            state=Delivery.State.PENDING,
            next_attempt_at__lte=now,
            endpoint__enabled=True,
        )
        if ids is not None:
            due = due.filter(pk__in=ids)
        chosen = list(due.order_by("next_attempt_at")[:batch])
        Delivery.objects.filter(pk__in=[d.pk for d in chosen]).update(
            next_attempt_at=now + LEASE
        )
    return list(
        Delivery.objects.filter(pk__in=[d.pk for d in chosen])
        .select_related("endpoint")
        .order_by("created_at")
    )


def webhooks_sent(*, ids: list[str] | None = None, batch: int = 50) -> int:
    """Attempt the deliveries that are due (the clock's chore); several workers
    share them, each call made with no transaction open. Returns how many were
    attempted."""
    done = 0
    while True:
        chosen = _claimed(ids, batch)
        for delivery in chosen:
            delivery_attempt(delivery)
        done += len(chosen)
        if len(chosen) < batch:
            return done


def delivery_send_again(*, delivery: Delivery) -> Delivery:
    """The merchant asked: queue it to be tried now, whatever its state (a new
    attempt, the same message id, so the receiver can tell it is the same event).
    Sent by a worker once this commits, never in the merchant's request."""
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.PENDING, next_attempt_at=timezone.now()
        )
        ids = [str(delivery.pk)]
        transaction.on_commit(lambda: webhooks_send_task.enqueue(ids))
    delivery.refresh_from_db()
    return delivery
