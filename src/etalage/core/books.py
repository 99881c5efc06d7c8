"""The books' checks of every context (``etalage check``).

Each context that keeps books registers its check when Django starts (in its
``AppConfig.ready``): stock against its movements, orders against their allocations
and yearly usage, payments against the orders they paid. A check returns its
problems, one readable line each.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction

BooksCheck = Callable[[], list[str]]
_CHECKS: dict[str, BooksCheck] = {}


def books_check_register(name: str, check: BooksCheck) -> None:
    _CHECKS[name] = check


BooksNote = Callable[[], list[str]]
_NOTES: dict[str, BooksNote] = {}


def books_note_register(name: str, note: BooksNote) -> None:
    """Register what ``etalage check`` also says, not a problem (how far the search
    index is behind, say)."""
    _NOTES[name] = note


def books_notes() -> list[str]:
    return [line for note in _NOTES.values() for line in note()]


def books_problems() -> list[str]:
    """Every registered check's problems, in the order they were registered, all
    read from one snapshot of the database: a check run while the worker moves
    parcels must not read an order before a move and its parcels after it. On
    PostgreSQL that is a repeatable-read transaction (when the caller has not
    opened one of its own); SQLite's transaction is a snapshot already."""
    fresh = not connection.in_atomic_block
    with transaction.atomic():
        if fresh and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return [problem for check in _CHECKS.values() for problem in check()]
