"""The transactional outbox: typed domain events written with what caused them,
delivered after commit by the background worker.

``event_record`` adds events in the caller's transaction and, once it commits, asks
the worker to deliver; ``outbox_deliver`` rebuilds each waiting event and hands it to
the handlers registered for its type with ``@handles(OrderPaid)``. The clock
delivers what a crash left behind (``outbox_deliver_late``). Handlers must be safe to
run twice.

A few subscribers must write in the very transaction that records the event, not
after it: the ledger's postings commit with the payment, the refund or the delivery
that causes them, or not at all. They register with ``@within(OrderPaid)`` and run
inside ``event_record``; a failure there rolls the cause back with it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from etalage.core.writes import Writes
from etalage.events.models import OutboxEvent
from etalage.events.types import DomainEvent, event_from_payload

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
# Events older than this are the clock's: their wake-up was lost or their worker died.
LATE_AFTER = timedelta(seconds=5)

E = TypeVar("E", bound=DomainEvent)
Handler = Callable[[DomainEvent], None]
_HANDLERS: dict[str, list[Handler]] = {}
_WITHIN: dict[str, list[Handler]] = {}


def handles(
    event_type: type[E],
) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Register a function to receive every event of ``event_type``."""

    def register(function: Callable[[E], None]) -> Callable[[E], None]:
        _HANDLERS.setdefault(event_type.name, []).append(function)  # type: ignore[arg-type]
        return function

    return register


def within(
    event_type: type[E],
) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Register a function to run on every event of ``event_type`` inside the
    transaction that records it (keep it to a few statements)."""

    def register(function: Callable[[E], None]) -> Callable[[E], None]:
        _WITHIN.setdefault(event_type.name, []).append(function)  # type: ignore[arg-type]
        return function

    return register


def event_record(*events: DomainEvent, writes: Writes | None = None) -> None:
    """Write events in the current transaction; they are delivered after commit.
    The ``within`` subscribers run now, in the same transaction. With ``writes``,
    the outbox's rows go with the caller's other writes."""
    if not events:
        return
    for event in events:
        for subscriber in _WITHIN.get(event.name, []):
            subscriber(event)
    rows = [OutboxEvent(topic=e.name, payload=e.to_payload()) for e in events]
    if writes is not None:
        writes.insert(rows)
    elif len(rows) == 1:
        rows[0].save(force_insert=True)
    else:
        OutboxEvent.objects.bulk_create(rows)
    transaction.on_commit(_wake_worker)


def _wake_worker() -> None:
    # One wake-up a second per process is enough: a delivery takes every event
    # committed before it, and the clock catches the rest.
    if cache.add("etalage:outbox-wake", 1, 1):
        outbox_deliver_task.enqueue()


def outbox_deliver(*, limit: int = 200) -> int:
    """Deliver up to ``limit`` waiting events, oldest first; return how many."""
    with transaction.atomic():
        batch = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(delivered_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
            .order_by("created_at")[:limit]
        )
        done = []
        for row in batch:
            try:
                with transaction.atomic():
                    event = event_from_payload(row.topic, row.payload)
                    for handler in _HANDLERS.get(row.topic, []):
                        handler(event)
            except Exception as error:  # a handler's failure must not stop the others
                logger.exception("outbox event %s (%s) failed", row.pk, row.topic)
                row.attempts += 1
                row.last_error = f"{type(error).__name__}: {error}"[:2000]
                row.save(update_fields=["attempts", "last_error"])
            else:
                done.append(row.pk)
        # The delivered ones in one statement (a batch is up to ``limit`` events).
        OutboxEvent.objects.filter(pk__in=done).update(
            delivered_at=timezone.now(), last_error="", attempts=F("attempts") + 1
        )
        delivered = len(done)
    return delivered


def outbox_deliver_late() -> int:
    """Deliver the events that waited longer than ``LATE_AFTER`` (the clock's chore)."""
    late = OutboxEvent.objects.filter(
        delivered_at__isnull=True,
        attempts__lt=MAX_ATTEMPTS,
        created_at__lte=timezone.now() - LATE_AFTER,
    ).exists()
    return outbox_deliver() if late else 0


@task()
def outbox_deliver_task() -> int:
    """Deliver the domain events waiting in the outbox (the background worker)."""
    return outbox_deliver()
