"""The clock: the periodic chores of a running Étalage (``etalage clock``).

Each round cancels the orders whose hold ran out, delivers outbox events that waited
longer than a round (their wake-up was lost, or the worker crashed), and marks as
failed the catalogue imports a dead worker left half-way. Several
clocks may run at once: every chore takes only rows no one else holds.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)

# An import still checking or writing this long after it started lost its worker.
IMPORT_GIVE_UP = timedelta(hours=1)


def clock_round(*, outbox_grace: timedelta = timedelta(seconds=5)) -> dict[str, int]:
    from etalage.catalog.product_import import product_import_runs_abandon
    from etalage.core.models import OutboxEvent
    from etalage.core.outbox import outbox_deliver
    from etalage.orders.services import orders_expire

    done = {"orders_expired": orders_expire()}
    late = OutboxEvent.objects.filter(
        delivered_at__isnull=True, created_at__lte=timezone.now() - outbox_grace
    ).exists()
    done["events_delivered"] = outbox_deliver() if late else 0
    done["imports_abandoned"] = product_import_runs_abandon(
        started_before=timezone.now() - IMPORT_GIVE_UP
    )
    return done


def run_clock(*, every: float, once: bool, log: Callable[[str], object]) -> None:
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        close_old_connections()
        try:
            done = clock_round()
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
