"""Reads served by PostgreSQL streaming replicas (``ETALAGE_REPLICA_URLS``).

A replica is a little behind its primary, so only what may be a little behind reads
there: the catalogue and reference data (catalogue, prices, merchants, the search
index) that the storefront's pages show to anyone, inside ``replica_reads()``,
which the storefront's catalogue pages open (``web.middleware.ReplicaReadsMiddleware``)
and nothing else does. Everything else reads its own writes on the primary: the
cart, the checkout and the orders, stock and payments, sessions and accounts, the
portal, the back-office, the API, the background workers; and every read inside a
transaction on the primary, so that what a transaction locks and reads is one
database's. Writes always go to the primary; migrations run there only (a replica
copies them).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model

PRIMARY = "default"
# The contexts whose data a storefront page may read a little late.
REPLICA_APPS = frozenset({"catalog", "pricing", "merchants", "search"})

_replica_ok: ContextVar[bool] = ContextVar("etalage_replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let the reads of the catalogue inside go to a replica (when there is one)."""
    token = _replica_ok.set(True)
    try:
        yield
    finally:
        _replica_ok.reset(token)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def _in_transaction() -> bool:
    return bool(connections[PRIMARY].in_atomic_block)


class ReplicaRouter:
    """Django's database router for the rule in the module's docstring."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return str(instance._state.db)  # related rows from where the row came
        if (
            _replica_ok.get()
            and model._meta.app_label in REPLICA_APPS
            and not _in_transaction()
        ):
            replicas = replica_aliases()
            if replicas:
                return random.choice(replicas)  # noqa: S311 (spreading load)
        return PRIMARY

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY
