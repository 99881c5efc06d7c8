"""The transactional outbox: domain events written with what caused them, delivered
after commit by the background worker.

``event_record`` adds the event in the caller's transaction and, once it commits,
asks the worker to deliver; ``outbox_deliver`` hands undelivered events to the
handlers registered for their topic. The worker's periodic sweep (``etalage clock``)
delivers anything a crash left behind. Handlers must be safe to run twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from etalage.core.models import OutboxEvent

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
_HANDLERS: dict[str, list[Callable[[dict], None]]] = {}


def handles(topic: str):
    """Register a function to receive the payloads of ``topic``."""

    def register(function: Callable[[dict], None]):
        _HANDLERS.setdefault(topic, []).append(function)
        return function

    return register


def event_record(*, topic: str, payload: dict) -> OutboxEvent:
    """Write an event in the current transaction; it is delivered after commit."""
    event = OutboxEvent.objects.create(topic=topic, payload=payload)
    transaction.on_commit(_wake_worker)
    return event


def _wake_worker() -> None:
    # One wake-up a second per process is enough: a delivery takes every event
    # committed before it, and the sweep catches the rest.
    if cache.add("etalage:outbox-wake", 1, 1):
        from etalage.core.tasks import outbox_deliver_task

        outbox_deliver_task.enqueue()


def outbox_deliver(*, limit: int = 200) -> int:
    """Deliver up to ``limit`` waiting events, oldest first; return how many."""
    delivered = 0
    with transaction.atomic():
        batch = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(delivered_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
            .order_by("created_at")[:limit]
        )
        for event in batch:
            event.attempts += 1
            try:
                with transaction.atomic():
                    for handler in _HANDLERS.get(event.topic, []):
                        handler(event.payload)
            except Exception as error:  # a handler's failure must not stop the others
                logger.exception("outbox event %s (%s) failed", event.pk, event.topic)
                event.last_error = f"{type(error).__name__}: {error}"[:2000]
            else:
                event.delivered_at = timezone.now()
                event.last_error = ""
                delivered += 1
            event.save(update_fields=["attempts", "delivered_at", "last_error"])
    return delivered
