"""Per-minute allowances of API callers (fixed one-minute windows, counted in the
store every worker shares: ``core.limits``)."""

from __future__ import annotations

from etalage.api.errors import ApiError
from etalage.core.limits import limit_hit


def count_request(*, subject: str, limit: int, what: str) -> None:
    """Count one request of ``subject``; refuse it past ``limit`` this minute."""
    if limit_hit(f"api:{subject}", seconds=60) > limit:
        raise ApiError(429, "rate_limited", f"more than {limit} {what} a minute")
