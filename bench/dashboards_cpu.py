"""CPU the dashboards' pages cost to render on the demo, in each language: the
merchant's first page (``/portal/`` as a demo merchant's owner) and the
operator's (``/backoffice/`` as staff).

    .venv/bin/python bench/dashboards_cpu.py --data /tmp/etalage-dash-cpu
    .venv/bin/python bench/dashboards_cpu.py --profile operator --languages fr

The first run loads the demo into ``--data`` (SQLite; its history of paid orders,
as ``make run`` shows it); later runs reuse it. Each page is requested through
Django's test client in this process (middleware, view, figures, templates: what a
worker runs, without the socket), ``--loads`` times after one first load, and the
CPU time of each request (``time.process_time``) is printed as its median, with
the first load's and the queries of one load. The reference, measured in the same
run and the same way, is the back-office's login page (a plain template page):
the ratio says how many such pages a dashboard costs. ``--profile PAGE`` prints
cProfile's heaviest functions for that page (``merchant`` or ``operator``).

Process time is this thread's CPU: other work on the shared machine slows it only
by sharing caches, so it is a fair before/after figure on a busy machine.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

from machine import in_process_environment

LANGUAGES = ("zh-hans", "fr", "nl", "en")


def _environment(data: Path) -> bool:
    """Point this process at ``data``; True when its demo is already loaded."""
    return in_process_environment(
        data,
        "dashboards-cpu-bench-not-secret",
        ETALAGE_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )


def _clients():
    """A demo merchant's owner (the one with the most paid parcels) and the
    operator, logged in."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from etalage.merchants.models import MerchantMember
    from etalage.orders.models import SubOrder

    top = (
        SubOrder.objects.filter(book__isnull=False)
        .values("merchant_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    owner = MerchantMember.objects.filter(
        merchant_id=top["merchant_id"], role="owner"
    ).first()
    merchant = Client(HTTP_HOST="127.0.0.1")
    merchant.force_login(owner.user)
    operator = Client(HTTP_HOST="127.0.0.1")
    operator.force_login(get_user_model().objects.get(username="operator"))
    return merchant, operator, top["n"]


def _path(page: str, language: str) -> str:
    if page == "operator":
        return "/backoffice/"
    if page == "login":
        return "/backoffice/login/"
    return "/portal/" if language == "zh-hans" else f"/{language}/portal/"


def _get(client, page: str, language: str) -> None:
    answer = client.get(_path(page, language), HTTP_ACCEPT_LANGUAGE=language)
    if answer.status_code != 200:
        raise SystemExit(f"{page} in {language}: {answer.status_code}")


def measure(client, page: str, language: str, loads: int) -> dict:
    """The first load's CPU ms, the median of ``loads`` after it, the queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.process_time()
    _get(client, page, language)
    first = (time.process_time() - started) * 1000
    spent = []
    for _ in range(loads):
        started = time.process_time()
        _get(client, page, language)
        spent.append((time.process_time() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        _get(client, page, language)
    return {
        "first": first,
        "p50": statistics.median(spent),
        "min": min(spent),
        "queries": len(captured.captured_queries),
    }


def profile(client, page: str, language: str, loads: int) -> None:
    _get(client, page, language)
    profiler = cProfile.Profile(time.process_time)
    started = time.process_time()
    profiler.enable()
    for _ in range(loads):
        _get(client, page, language)
    profiler.disable()
    each = (time.process_time() - started) * 1000 / loads
    print(f"{page} in {language}: {loads} loads, {each:.1f} ms CPU each (profiled)")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(40)
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/etalage-dash-cpu"))
    parser.add_argument("--loads", type=int, default=15)
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--pages", default="merchant,operator")
    parser.add_argument("--profile", default="", help="merchant or operator")
    args = parser.parse_args()
    built = _environment(args.data)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not built:
        from etalage.demo.loader import load_demo

        print(f"Loading the demo in {args.data} ...", flush=True)
        load_demo(log=lambda _line: None, with_images=False)
        (args.data / "built").touch()
    from machine import machine

    from etalage.ledger.models import SubOrderBook

    merchant, operator, parcels = _clients()
    clients = {"merchant": merchant, "operator": operator, "login": operator}
    languages = args.languages.split(",")
    if args.profile:
        profile(clients[args.profile], args.profile, languages[0], args.loads)
        return
    print(f"Machine: {machine()}")
    print(
        f"Database: SQLite, the demo ({SubOrderBook.objects.count()} paid parcels; "
        f"the merchant measured has {parcels})"
    )
    print(f"Load average: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
    from django.test import Client

    anonymous = Client(HTTP_HOST="127.0.0.1")
    clients["login"] = anonymous
    for language in languages:
        reference = measure(anonymous, "login", language, args.loads)
        print(
            f"{language}: reference, the back-office's login page: CPU p50 "
            f"{reference['p50']:.1f} ms",
            flush=True,
        )
        for page in args.pages.split(","):
            f = measure(clients[page], page, language, args.loads)
            print(
                f"  {page:8} {_path(page, language):16} CPU p50 {f['p50']:6.1f} ms"
                f" (min {f['min']:.1f}, first load {f['first']:.1f}),"
                f" {f['queries']} queries, n={args.loads};"
                f" ratio to the reference {f['p50'] / reference['p50']:.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
