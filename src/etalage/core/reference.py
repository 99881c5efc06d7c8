"""Reference data that rarely changes (markets, rates, the category tree, the
positive list), reused by every process for a short while.

Kept in the shared cache for ``ETALAGE_REFERENCE_CACHE_SECONDS`` with the moment it
goes stale, and in each process's memory until that same moment: a change shows
everywhere within that time, and a page does not pay a round trip to the cache and
the unpickling of the category tree for each piece. What is kept is shared by the
requests of a process: callers never change it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")

_LOCAL: dict[str, tuple[float, Any]] = {}


def reference_cached(key: str, build: Callable[[], T]) -> T:
    """Reuse ``build()`` for ``ETALAGE_REFERENCE_CACHE_SECONDS`` (0: never)."""
    seconds = settings.ETALAGE_REFERENCE_CACHE_SECONDS
    if not seconds:
        return build()
    now = time.time()
    local = _LOCAL.get(key)
    if local is not None and local[0] > now:
        return local[1]  # type: ignore[no-any-return]
    # Kept as (stale at, value) under a key of its own: a value kept bare under
    # ``key`` by an earlier release is never read as one of these.
    shared = f"{key}:until"
    stored = cache.get(shared)
    if stored is None or stored[0] <= now:
        stored = (now + seconds, build())
        cache.set(shared, stored, seconds)
    _LOCAL[key] = stored
    return stored[1]  # type: ignore[no-any-return]


def reference_forget() -> None:
    """Forget what this process keeps (the tests, between two of them)."""
    _LOCAL.clear()
