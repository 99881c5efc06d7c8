"""Benchmark the dashboards: the merchant's and the operator's first pages over
100,000 orders.

    .venv/bin/python bench/dashboards.py                       # SQLite
    .venv/bin/python bench/dashboards.py --database postgres   # local PostgreSQL
    .venv/bin/python bench/dashboards.py --orders 100000 --loads 30

The demo marketplace is loaded through the services (its catalogue, merchants,
and orders placed, paid, delivered and asked back, with their ledger postings);
then its paid orders are copied in bulk, in the shape the services gave them (the
order, its sub-orders and lines, each sub-order's book in the ledger, the
payment), to ``--orders`` orders paid over the last 365 days, and a year of
product page views is written. The ledger's journal entries are not copied: no
dashboard reads them (the books, payouts and balances are read instead).

Each page is then loaded ``--loads`` times in this process (Django's test client:
the whole request, middleware and templates, no network), as the owner of the
merchant with the most orders and as the operator: p50 and p95 of the wall time,
the CPU time of this process, and the queries of one load. Target: under 200 ms.

The reference, measured in the same run: a full scan of the orders table
(``SELECT count(*), sum(total)``), and on PostgreSQL pgbench's TPC-B with one
client. The machine has two shared cores: the load average is printed with the
figures.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from checkout import pgbench_tps  # noqa: E402
from machine import bench_environment, machine  # noqa: E402
from storefront import percentile  # noqa: E402

BATCH = 2000


def setup() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def copies(orders: int, rng: random.Random) -> int:
    """Copy the demo's paid orders until there are ``orders``; return the count."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from etalage.core.ids import new_id
    from etalage.ledger.daily import books_paid
    from etalage.ledger.models import SubOrderBook
    from etalage.orders.models import Order, OrderLine, SubOrder
    from etalage.payments.daily import payments_paid
    from etalage.payments.models import Payment

    templates = list(
        Order.objects.filter(payments__state="succeeded")
        .prefetch_related("sub_orders__lines", "sub_orders__book", "payments")
        .distinct()
    )
    now = timezone.now()
    made = Order.objects.count()
    n = 0
    while made < orders:
        batch: dict[str, list] = {"o": [], "s": [], "l": [], "b": [], "p": []}
        for _ in range(min(BATCH, orders - made)):
            n += 1
            made += 1
            _copy(rng.choice(templates), n, now - timedelta(
                seconds=rng.randint(0, 365 * 86400)), batch, new_id)  # fmt: skip
        of_order = {o.pk: o.currency for o in batch["o"]}
        currency = {s.pk: of_order[s.order_id] for s in batch["s"]}
        with transaction.atomic():
            Order.objects.bulk_create(batch["o"])
            SubOrder.objects.bulk_create(batch["s"])
            OrderLine.objects.bulk_create(batch["l"])
            SubOrderBook.objects.bulk_create(batch["b"])
            # The ledger's daily roll-up, by the code its capture posting runs.
            books_paid((b, currency[b.sub_order_id]) for b in batch["b"])
            Payment.objects.bulk_create(batch["p"])
            # created_at is set to now by bulk_create (auto_now_add): the
            # attempt was started when it was paid.
            Payment.objects.filter(pk__in=[p.pk for p in batch["p"]]).update(
                created_at=F("paid_at")
            )
            # What buyers paid by day, by the code a succeeded payment runs.
            payments_paid(batch["p"])
    return made


def _clone(row, **changes):
    """A new row of ``row``'s model with its column values, and ``changes``."""
    values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    return type(row)(**{**values, **changes})


def _copy(template, n: int, paid_at, batch: dict, new_id) -> None:
    order = _clone(template, id=new_id(), number=f"B{n:07d}", state="delivered",
                   idempotency_key=f"bench-{n}", created_at=paid_at)  # fmt: skip
    batch["o"].append(order)
    paid = [p for p in template.payments.all() if p.state == "succeeded"][:1]
    batch["p"] += [
        _clone(p, id=new_id(), order_id=order.pk, request_id=f"B{n}-P",
               paid_at=paid_at, created_at=paid_at)
        for p in paid
    ]  # fmt: skip
    for s, sub in enumerate(template.sub_orders.all()):
        clone = _clone(sub, id=new_id(), order_id=order.pk, number=f"B{n:07d}-{s}",
                       created_at=paid_at)  # fmt: skip
        batch["s"].append(clone)
        batch["l"] += [_clone(line, id=None, sub_order_id=clone.pk)
                       for line in sub.lines.all()]  # fmt: skip
        book = getattr(sub, "book", None)
        if book is not None:
            batch["b"].append(_clone(book, sub_order_id=clone.pk, paid_at=paid_at))


def views(rng: random.Random) -> int:
    """A year of page views: each live product, each day, a few to a few hundred."""
    from django.utils import timezone

    from etalage.analytics.models import ProductViewDay
    from etalage.catalog.models import Product

    today = timezone.localtime().date()
    rows = [
        ProductViewDay(product_id=pk, day=today - timedelta(days=d),
                       views=rng.randint(3, 300))
        for pk in Product.objects.values_list("pk", flat=True)
        for d in range(365)
    ]  # fmt: skip
    ProductViewDay.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return len(rows)


def settle() -> None:
    """What the database would have done to tables loaded in bulk before long:
    on PostgreSQL autovacuum's visibility map (so that an index answers alone)
    and the planner's statistics; on SQLite the clock's daily analysis
    (``core.planner``)."""
    from django.db import connection

    from etalage.core.planner import planner_statistics_refreshed

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    planner_statistics_refreshed(now=True)


def timed(client, path: str, loads: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(path).status_code == 200  # warm: templates, reference data
    walls, cpus = [], []
    for _ in range(loads):
        wall, cpu = time.perf_counter(), time.process_time()
        answer = client.get(path)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert answer.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return {
        "p50": statistics.median(walls),
        "p95": percentile(walls, 0.95),
        "cpu": statistics.median(cpus),
        "queries": len(queries),
    }


def count_reference(repeats: int = 5) -> float:
    """Milliseconds of a full scan of the orders table (median): every row read,
    its total summed."""
    from django.db import connection

    spent = []
    with connection.cursor() as cursor:
        for _ in range(repeats):
            started = time.perf_counter()
            cursor.execute("SELECT count(*), sum(total) FROM orders_order")
            cursor.fetchone()
            spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


def build(orders: int, rng: random.Random, started: float) -> None:
    """The demo, copied to ``orders`` orders, a year of views; the roll-up checked."""
    from etalage.demo.loader import load_demo
    from etalage.ledger.daily import daily_problems
    from etalage.orders.models import SubOrder
    from etalage.payments.daily import daily_payment_problems

    load_demo(log=lambda _line: None, with_images=False)
    made = copies(orders, rng)
    written = views(rng)
    settle()
    print(
        f"Built {made:,} orders ({SubOrder.objects.count():,} sub-orders) and "
        f"{written:,} product-days of views in {time.perf_counter() - started:.0f} s"
    )
    problems = daily_problems() + daily_payment_problems()
    print(
        f"The daily roll-ups against the books and payments: {len(problems)} problems"
    )
    assert not problems, problems[:5]


def _environment(args: argparse.Namespace) -> str:
    """Point this process at the bench's database; return the engine's name.
    With ``--reuse`` the database is kept (not dropped): an SQLite file of one's
    choosing, or the PostgreSQL database ``--db-name`` if it exists."""
    if not args.reuse:
        return bench_environment(args.database, "etalage-dashboards-", args.db_name)[2]
    if args.database == "sqlite":
        if not args.sqlite_file:
            raise SystemExit("--reuse with SQLite needs --sqlite-file")
        path = Path(args.sqlite_file).resolve()
        bench_environment(f"sqlite:///{path}", "etalage-dashboards-", args.db_name)
        return "SQLite (WAL)"
    import psycopg

    server = "postgres://postgres@127.0.0.1:5432"
    if args.database != "postgres":
        server = args.database.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [args.db_name]
        ).fetchone()
        version = conn.execute("SHOW server_version").fetchone()[0]
    if not exists:  # built here this time, kept for the next
        return bench_environment(args.database, "etalage-dashboards-", args.db_name)[2]
    # The environment of a bench run (a data directory, keys), then its database.
    bench_environment("sqlite", "etalage-dashboards-", args.db_name)
    os.environ["DATABASE_URL"] = f"{server}/{args.db_name}"
    return f"PostgreSQL {version}, reused"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sqlite", help="sqlite, postgres or URL")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--loads", type=int, default=30)
    parser.add_argument(
        "--db-name",
        default="etalage_bench_dashboards",
        help="the PostgreSQL database to drop and create for the run",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the database built by an earlier run (--sqlite-file or "
        "--db-name) as it is, or build it there and keep it",
    )
    parser.add_argument(
        "--sqlite-file", help="with --reuse: the SQLite file to keep the database in"
    )
    args = parser.parse_args()
    engine = _environment(args)
    os.environ.setdefault("ETALAGE_PAYMENT_SANDBOX", "1")
    setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from etalage.merchants.models import MerchantMember
    from etalage.orders.models import Order, SubOrder

    print(f"Machine: {machine()}")
    print(f"Database: {engine}")
    rng = random.Random(100)
    started = time.perf_counter()
    if args.reuse and Order.objects.count() >= args.orders:
        print(
            f"Reused {Order.objects.count():,} orders "
            f"({SubOrder.objects.count():,} sub-orders) built by an earlier run"
        )
        settle()
    else:
        build(args.orders, rng, started)
    top = (
        SubOrder.objects.values("merchant_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    owner = (
        MerchantMember.objects.filter(merchant_id=top["merchant_id"], role="owner")
        .select_related("user", "merchant")
        .first()
    )
    merchant = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    merchant.force_login(owner.user)
    operator = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    operator.force_login(get_user_model().objects.get(username="operator"))
    reference = count_reference()
    url = os.environ["DATABASE_URL"]
    tps = pgbench_tps(url, 1, 10) if "postgres" in url else None
    print(f"Load average: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
    pgbench = f"; pgbench TPC-B, 1 client: {tps[0]:,.0f} tps" if tps else ""
    print(f"Reference: a full scan of the orders: {reference:.1f} ms{pgbench}")
    for who, client, path in (
        (f"merchant ({owner.merchant.name}, {top['n']:,} parcels)", merchant,
         "/en/portal/"),
        ("operator", operator, "/backoffice/"),
    ):  # fmt: skip
        f = timed(client, path, args.loads)
        print(
            f"  {who} {path}: p50 {f['p50']:.0f} ms, p95 {f['p95']:.0f} ms, "
            f"CPU {f['cpu']:.0f} ms, {f['queries']} queries, n={args.loads}; "
            f"ratio to the scan {f['p50'] / reference:.1f}"
        )


if __name__ == "__main__":
    main()
