"""SQLite's planner gets its statistics from the clock once a day."""

import pytest
from django.db import connection

from etalage.core.clock import clock_round
from etalage.core.planner import planner_statistics_refreshed


@pytest.mark.django_db
def test_the_clock_gives_sqlite_its_planner_statistics_once_a_day(settings):
    if connection.vendor != "sqlite":
        assert planner_statistics_refreshed(now=True) == 0  # autovacuum's job
        return
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    assert clock_round()["planner_statistics_refreshed"] == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1")
        assert cursor.fetchone()[0] > 0
    assert clock_round()["planner_statistics_refreshed"] == 0  # once a day
    assert planner_statistics_refreshed(now=True) == 1
