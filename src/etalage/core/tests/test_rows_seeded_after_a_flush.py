"""The rows the data migrations seed (markets first) are there for every test,
even one that runs after a transactional test in the same process: CI's
``--dist loadfile`` gives a worker whole files one after another, so a file's
last test may be a transactional one whose flush empties every table. Run here in
a pytest of its own with files kept in that order, a transactional test then a
test that needs the markets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ORDER_AS_LOADFILE = """
import pytest


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items):
    files = {}
    for item in items:  # as collected, before pytest-django sorts the tests
        files.setdefault(item.path, len(files))
    result = yield
    items.sort(key=lambda item: files[item.path])  # whole files, in that order
    return result
"""

FLUSHES = """
import pytest


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transactional_test_flushes_every_table_after_it():
    from etalage.pricing.models import Market

    assert Market.objects.exists()
"""

NEEDS_MARKETS = """
import pytest


@pytest.mark.django_db
def test_the_markets_the_migrations_seeded_are_there():
    from django.contrib.contenttypes.models import ContentType

    from etalage.pricing.models import Market

    assert Market.objects.exists(), "the markets are gone after the flush"
    assert ContentType.objects.exists(), "the content types are gone after the flush"
"""


def test_seeded_rows_are_back_for_the_next_file_after_a_transactional_test(tmp_path):
    (tmp_path / "order_as_loadfile.py").write_text(ORDER_AS_LOADFILE)
    (tmp_path / "test_a_flushes.py").write_text(FLUSHES)
    (tmp_path / "test_b_needs_markets.py").write_text(NEEDS_MARKETS)
    src = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "ETALAGE_TESTING": "1",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(src)]),
    }
    run = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-p", "no:randomly", "-p", "no:xdist", "-p", "etalage.conftest",
            "-p", "order_as_loadfile", "--ds", "etalage.settings",
            "--rootdir", str(tmp_path), "-o", "addopts=",
            "test_a_flushes.py", "test_b_needs_markets.py",
        ],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "2 passed" in run.stdout, run.stdout[-2000:]
