"""The clock: the periodic chores of a running Étalage (``etalage clock``).

Each context registers its chores when Django starts (in its ``AppConfig.ready``):
the orders cancel those whose hold ran out, the outbox delivers events that waited
longer than a round, the catalogue fails imports a dead worker left half-way. Every
round runs each chore once. Several clocks may run at once: every chore takes only
rows no one else holds.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import close_old_connections

logger = logging.getLogger(__name__)

Chore = Callable[[], int]
T = TypeVar("T")
_CHORES: dict[str, Chore] = {}


def chore_register(name: str, chore: Chore) -> None:
    """Run ``chore`` every round; it returns how many things it did, shown as
    ``name``."""
    _CHORES[name] = chore


def tries_spaced(
    ids: Iterable[T], *, key: str, every: int, attempt: Callable[[T], bool]
) -> int:
    """A chore's tries at what waits on a party outside (a carrier, a provider):
    each of ``ids`` at most once every ``every`` seconds (by any clock, where the
    cache is shared: Redis; each try is safe to repeat all the same), and the round
    ends at the first try that fails (the party may be down: one wait a round, not
    one per item). Returns how many tries succeeded."""
    done = 0
    for item in ids:
        if not cache.add(f"etalage:try:{key}:{item}", 1, every):
            continue  # tried less than ``every`` seconds ago
        if not attempt(item):
            break
        done += 1
    return done


def clock_round(*, keep_going: bool = False) -> dict[str, int]:
    """Run every registered chore once; return what each did. With ``keep_going``
    (the running clock), a chore that fails is logged and the others still run: a
    carrier or a gateway that is down must not stop unpaid orders expiring."""
    done = {}
    for name, chore in _CHORES.items():
        try:
            done[name] = chore()
        except Exception:
            if not keep_going:
                raise
            logger.exception("clock chore %s failed", name)
    return done


def run_clock(*, every: float, once: bool, log: Callable[[str], object]) -> None:
    stopping = False

    def stop(*_args: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        close_old_connections()
        try:
            done = clock_round(keep_going=True)
        except Exception:  # keep ticking; the next round tries again
            logger.exception("clock round failed")
        else:
            if any(done.values()):
                log(", ".join(f"{k}: {v}" for k, v in done.items()))
        if once:
            return
        deadline = time.monotonic() + every
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.2)
