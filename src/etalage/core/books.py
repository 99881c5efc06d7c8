"""The books' checks of every context (``etalage check``).

Each context that keeps books registers its check when Django starts (in its
``AppConfig.ready``): stock against its movements, orders against their allocations
and yearly usage, payments against the orders they paid. A check returns its
problems, one readable line each.
"""

from __future__ import annotations

from collections.abc import Callable

BooksCheck = Callable[[], list[str]]
_CHECKS: dict[str, BooksCheck] = {}


def books_check_register(name: str, check: BooksCheck) -> None:
    _CHECKS[name] = check


def books_problems() -> list[str]:
    """Every registered check's problems, in the order they were registered."""
    return [problem for check in _CHECKS.values() for problem in check()]
