"""The statistics the database's query planner chooses its plans by.

PostgreSQL keeps them itself (autovacuum analyses a table once enough of it
changed). SQLite keeps none until it is asked (``ANALYZE``): without them it
picks plans by rules of thumb, and a merchant's dashboard at 100,000 orders
counted its returns and late parcels by walking all its 25,000 sub-orders
(starting from the sub-orders' merchant index rather than the returns of the
year). The clock asks SQLite to analyse once a day; ``analysis_limit`` bounds
the rows sampled in each index, so the whole database is analysed in about a
second at 100,000 orders.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection

ANALYSIS_LIMIT = 1000  # rows sampled per index (SQLite's recommended range)
EVERY_SECONDS = 24 * 3600


def planner_statistics_refreshed(*, now: bool = False) -> int:
    """Analyse the SQLite database once a day (``now``: at once); 1 when it did.
    Nothing to do on PostgreSQL."""
    if connection.vendor != "sqlite":
        return 0
    if not now and not cache.add("etalage:planner-statistics", 1, EVERY_SECONDS):
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return 1
