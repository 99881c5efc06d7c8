"""Per-minute allowances of API callers (fixed one-minute windows in the cache)."""

from __future__ import annotations

from django.core.cache import cache

from etalage.api.errors import ApiError


def count_request(*, subject: str, limit: int, what: str) -> None:
    """Count one request of ``subject``; refuse it past ``limit`` this minute."""
    window = f"etalage:api-rate:{subject}"
    if cache.add(window, 1, 60):
        return
    try:
        count = cache.incr(window)
    except ValueError:  # the window expired between add and incr
        cache.add(window, 1, 60)
        return
    if count > limit:
        raise ApiError(429, "rate_limited", f"more than {limit} {what} a minute")
