"""Counting events in time windows, shared by every worker and every server.

Rate limits of the API and the sign-in lockout count here. A count is kept per
subject (``"api-key:…"``, ``"login:…"``) and fixed window of ``seconds``: in Redis
when ``ETALAGE_REDIS_URL`` is set (an atomic INCR), otherwise in the database
(one atomic upsert, ``RateCounter``). Never in a process's memory: with three
gunicorn workers a limit would otherwise be three times looser than configured.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.db import connection

from etalage.core.models import RateCounter


def _upsert() -> str:
    """One statement that counts and answers the count (SQLite ≥ 3.35, PostgreSQL)."""
    q = connection.ops.quote_name
    table, key, count = q(RateCounter._meta.db_table), q("key"), q("count")
    # Names come quoted from the model; the values are bound parameters.
    insert = f"INSERT INTO {table} ({key}, {count}, {q('expires_at')}) "  # noqa: S608
    return (
        insert + "VALUES (%s, 1, %s) "
        f"ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + 1 "
        f"RETURNING {count}"
    )


def _window(subject: str, seconds: int) -> tuple[str, datetime]:
    """The key of the current window of ``subject`` and when the window ends."""
    number = int(time.time() // seconds)
    ends = datetime.fromtimestamp((number + 1) * seconds, tz=UTC)
    return f"etalage:limit:{subject}:{seconds}:{number}", ends


def _redis() -> bool:
    return bool(settings.ETALAGE_REDIS_URL)


def limit_hit(subject: str, *, seconds: int) -> int:
    """Count one event of ``subject`` in the current window; return the count."""
    key, ends = _window(subject, seconds)
    if _redis():
        cache = caches["default"]
        if cache.add(key, 1, seconds + 1):
            return 1
        try:
            return int(cache.incr(key))
        except ValueError:  # the window expired between add and incr
            cache.add(key, 1, seconds + 1)
            return 1
    with connection.cursor() as cursor:
        cursor.execute(_upsert(), [key, ends])
        (count,) = cursor.fetchone()
    return int(count)


def limit_count(subject: str, *, seconds: int) -> int:
    """How many events of ``subject`` the current window has counted."""
    key, _ends = _window(subject, seconds)
    if _redis():
        return int(caches["default"].get(key, 0))
    row = RateCounter.objects.filter(key=key).values_list("count", flat=True).first()
    return int(row or 0)


def limit_clear(subject: str, *, seconds: int) -> None:
    """Forget the current window of ``subject`` (a sign-in that succeeded)."""
    key, _ends = _window(subject, seconds)
    if _redis():
        caches["default"].delete(key)
    else:
        RateCounter.objects.filter(key=key).delete()


def limits_sweep() -> int:
    """Delete the windows that have ended (the clock's chore); return how many."""
    if _redis():
        return 0  # Redis expires its keys itself
    ended = RateCounter.objects.filter(expires_at__lt=datetime.now(tz=UTC))
    deleted, _by_model = ended.delete()
    return deleted
