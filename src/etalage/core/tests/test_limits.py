"""Counts in time windows shared by every worker and server (``core.limits``)."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection

from etalage.core.limits import limit_clear, limit_count, limit_hit, limits_sweep
from etalage.core.models import RateCounter

pytestmark = pytest.mark.django_db


def test_each_hit_counts_once_in_its_window_until_cleared():
    assert [limit_hit("t:a", seconds=60) for _ in range(3)] == [1, 2, 3]
    assert limit_count("t:a", seconds=60) == 3
    assert limit_count("t:b", seconds=60) == 0
    limit_clear("t:a", seconds=60)
    assert limit_count("t:a", seconds=60) == 0


def test_ended_windows_are_swept_by_the_clock():
    if settings.ETALAGE_REDIS_URL:  # Redis expires its keys itself
        limit_hit("t:old", seconds=60)
        assert limits_sweep() == 0 and limit_count("t:old", seconds=60) == 1
        return
    limit_hit("t:old", seconds=60)
    RateCounter.objects.update(expires_at=datetime.now(tz=UTC) - timedelta(seconds=1))
    limit_hit("t:new", seconds=60)
    assert limits_sweep() == 1
    assert RateCounter.objects.count() == 1


COUNT = """
import django
django.setup()
import sys
from etalage.core import limits
from etalage.core.limits import limit_count, limit_hit
# Every process counts in the same window, even when the test runs across an hour.
limits.time.time = lambda: float(sys.argv[2])
if sys.argv[1] == "hit":
    for _ in range(int(sys.argv[3])):
        limit_hit("shared-by-processes", seconds=3600)
else:
    print(limit_count("shared-by-processes", seconds=3600))
"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_limit_is_one_count_for_every_process(tmp_path):
    """Two server processes counting at once count together (not each its own)."""
    env = {
        **os.environ,
        "ETALAGE_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "etalage.settings",
    }
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    else:  # the test database is in memory: give the processes a file, as in `make run`
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'limits.sqlite3'}"
        subprocess.run(
            [sys.executable, "-m", "etalage", "migrate", "core", "-v", "0"],
            env=env,
            check=True,
        )

    def run(*args):
        return subprocess.Popen(
            [sys.executable, "-c", COUNT, *args],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )

    middle = str(int(time.time()) // 3600 * 3600 + 1800)
    workers = [run("hit", middle, "40"), run("hit", middle, "40")]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    reader = run("count", middle)
    out, _err = reader.communicate(timeout=60)
    assert out.strip() == "80"
