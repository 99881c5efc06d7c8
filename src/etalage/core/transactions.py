"""Transactions the database may end to break a deadlock or keep transactions
serializable: run again, a few times, rather than fail for good.

PostgreSQL ends one of two transactions that wait for each other (SQLSTATE 40P01,
``deadlock_detected``) and, under SERIALIZABLE or on the distributed databases
Étalage may run on, a transaction that would break serializability (40001,
``serialization_failure``); either may simply be run again. Locking rows in one
order (an order, then its sub-orders by key, then their parcels) keeps deadlocks
away; this is the net under it.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

T = TypeVar("T")

# deadlock_detected, serialization_failure
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def is_retryable(error: BaseException) -> bool:
    """Whether the database ended the transaction only to have it run again."""
    for cause in (error, error.__cause__):
        if getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES:
            return True
    return False


def atomic_retried(work: Callable[[], T], *, tries: int = 5, pause: float = 0.05) -> T:
    """Run ``work`` in a transaction of its own; when the database ends it as a
    deadlock or a serialization failure, run it again in a fresh one, up to
    ``tries`` times, pausing a little longer each time (with jitter, so two
    transactions that met do not meet again). Inside a transaction already open
    nothing can be run again: ``work`` runs once, in it."""
    if connection.in_atomic_block:
        with transaction.atomic():
            return work()
    for attempt in range(1, tries + 1):
        try:
            with transaction.atomic():
                return work()
        except DatabaseError as error:
            if attempt == tries or not is_retryable(error):
                raise
            logger.info("transaction ended by the database (%s), again", error)
            time.sleep(pause * attempt * (1 + random.random()))  # noqa: S311
    raise AssertionError("unreachable")  # pragma: no cover
