"""Product page views, counted without a write per view.

A view adds one to a counter in the process's memory (a lock and a dict: no I/O
on the page's path). The process adds its counters to ``ProductViewDay`` with one
upsert (``views = views + n``) when ``ETALAGE_PRODUCT_VIEWS_FLUSH_SECONDS`` have
passed since its last flush, or it holds ``FLUSH_AT`` products, and when it ends.
So a product seen 10,000 times a minute by 3 workers costs at most 3 writes every
10 seconds, whatever the traffic; the figures are that many seconds behind, and a
process killed (SIGKILL) loses at most its last interval's views: a statistic,
not money.

Why not the cache: the default cache is each process's own memory, which the
clock cannot read, and Django's cache has no way to list the keys it would flush;
a process's own buffer needs neither.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from datetime import date
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from etalage.analytics.models import ProductViewDay
from etalage.catalog.models import Product

log = logging.getLogger(__name__)

FLUSH_AT = 500  # products counted before a flush, whatever the time
_BATCH = 500  # rows per upsert statement

_lock = threading.Lock()
_pending: Counter[tuple[str, date]] = Counter()
_last_flush = time.monotonic()


def product_view_count(product_id: Any) -> None:
    """Count one view of the product's page today; flush when due."""
    global _last_flush
    day = timezone.localtime().date()
    interval = settings.ETALAGE_PRODUCT_VIEWS_FLUSH_SECONDS
    with _lock:
        _pending[str(product_id), day] += 1
        due = interval is not None and (
            len(_pending) >= FLUSH_AT or time.monotonic() - _last_flush >= interval
        )
        if due:
            _last_flush = time.monotonic()
    if due:
        product_views_flush()


def product_views_pending() -> int:
    """The views this process counted and has not written yet."""
    with _lock:
        return sum(_pending.values())


def product_views_flush() -> int:
    """Add this process's counted views to the table; return how many."""
    with _lock:
        taken = dict(_pending)
        _pending.clear()
    if not taken:
        return 0
    try:
        with transaction.atomic():
            written = _upsert(taken)
    except DatabaseError:
        log.exception("product views not written; kept for the next flush")
        with _lock:
            _pending.update(taken)
        return 0
    return written


def _upsert(taken: dict[tuple[str, date], int]) -> int:
    """One ``INSERT … ON CONFLICT DO UPDATE`` per batch (SQLite and PostgreSQL
    both speak it); views of products deleted meanwhile are dropped."""
    known = {
        str(pk)
        for pk in Product.objects.filter(
            pk__in={product for product, _day in taken}
        ).values_list("pk", flat=True)
    }
    fields = ProductViewDay._meta
    product_field, day_field = fields.get_field("product"), fields.get_field("day")
    rows = [
        (
            product_field.get_db_prep_value(
                Product._meta.pk.to_python(product), connection
            ),
            day_field.get_db_prep_value(day, connection),
            views,
        )
        for (product, day), views in taken.items()
        if product in known
    ]
    table = connection.ops.quote_name(fields.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            values = ", ".join(["(%s, %s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} (product_id, day, views) VALUES {values} "  # noqa: S608 (names from the model)
                "ON CONFLICT (product_id, day) DO UPDATE "
                f"SET views = {table}.views + excluded.views",
                [value for row in batch for value in row],
            )
    return sum(row[2] for row in rows)
