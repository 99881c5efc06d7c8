"""Reference data that rarely changes (markets, rates, the category tree, the
positive list), reused by every process for a short while."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")


def reference_cached(key: str, build: Callable[[], T]) -> T:
    """Reuse ``build()`` for ``ETALAGE_REFERENCE_CACHE_SECONDS`` (0: never)."""
    seconds = settings.ETALAGE_REFERENCE_CACHE_SECONDS
    if not seconds:
        return build()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds)
    return value  # type: ignore[no-any-return]
