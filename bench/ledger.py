"""Benchmark the ledger: postings per second, a merchant's balance among a million
entries, and a payout run for ten thousand merchants.

    .venv/bin/python bench/ledger.py                       # SQLite
    .venv/bin/python bench/ledger.py --database postgres   # local PostgreSQL
    .venv/bin/python bench/ledger.py --postings 5000 --entries 1000000 --merchants 10000

1. Postings: a capture of a two-merchant order (seven legs over the provider's
   receivable, tax, freight, the FX position and two merchants' pending accounts),
   each in its own transaction as a payment notification posts it, through
   ``journal.post`` and the database's triggers; in one process, then in several
   at once (the shared accounts' rows are the contention).
2. A merchant's balance with ``--entries`` entries on its account (written through
   the same triggers, in batches): ``merchant_balances`` p50/p95, beside summing
   the entries (what the stored balance spares). Target: under 5 ms.
3. A payout run for ``--merchants`` merchants each owed money: ``payout_run``
   (locks, one posting per payout, the pain.001 file built and validated against
   its XSD). Target: under 30 s.

The reference, measured in the same run: pgbench's TPC-B rate of the same server
(one client, then as many as the posting processes) on PostgreSQL; on SQLite, the
same five statements as a TPC-B transaction written with the sqlite3 module in
the same file. Ratios are postings per second over reference transactions per
second.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sqlite3
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from checkout import pgbench_tps  # noqa: E402
from machine import bench_environment, machine  # noqa: E402
from storefront import percentile  # noqa: E402


def setup() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def merchants(count: int) -> list:
    """``count`` approved merchants with valid enterprise numbers and IBANs."""
    from schwifty import IBAN

    from etalage.merchants.models import Merchant

    existing = Merchant.objects.count()
    rows = []
    for n in range(existing, existing + count):
        body = f"{10000000 + n:08d}"
        number = body + f"{97 - int(body) % 97:02d}"
        rows.append(
            Merchant(
                name=f"Bench {n}",
                slug=f"bench-{n}",
                legal_name=f"Bench {n} SRL",
                enterprise_number=number,
                vat_number="BE" + number,
                city="Liège",
                postal_code="4000",
                street="Rue Haute 1",
                status="approved",
                iban=str(
                    IBAN.generate(
                        "BE", bank_code="068", account_code=f"{n % 10**7:07d}"
                    )
                ),
            )
        )
    Merchant.objects.bulk_create(rows, batch_size=2000)
    return rows


def capture_legs_for(first: str, second: str):
    from etalage.ledger.posting import SubOrderFigures, capture_legs

    subs = [
        SubOrderFigures(
            key="a",
            merchant=first,
            goods_paid=15860,
            freight_paid=5800,
            tax_paid=1971,
            goods_eur=2000,
            commission_percent=15,
            vat_percent=21,
        ),
        SubOrderFigures(
            key="b",
            merchant=second,
            goods_paid=23791,
            freight_paid=5800,
            tax_paid=2693,
            goods_eur=3000,
            commission_percent=15,
            vat_percent=21,
        ),
    ]
    return capture_legs("provider_receivable:alipay", "CNY", subs)


def post_many(args: tuple[int, int, list[str]]) -> tuple[float, list[float]]:
    """Post ``count`` captures (worker ``worker``); return the wall time and each
    posting's duration."""
    worker, count, merchant_ids = args
    from django.db import connections, transaction

    from etalage.ledger.journal import post

    connections.close_all()
    times = []
    start = time.perf_counter()
    for n in range(count):
        first = merchant_ids[(worker * 7919 + n) % len(merchant_ids)]
        second = merchant_ids[(worker * 104729 + n * 3 + 1) % len(merchant_ids)]
        legs = capture_legs_for(first, second)
        began = time.perf_counter()
        with transaction.atomic():
            post(reference=f"bench:{worker}:{n}", kind="capture", legs=legs)
        times.append(time.perf_counter() - began)
    return time.perf_counter() - start, times


def postings(count: int, processes: int, merchant_ids: list[str]) -> dict:
    from django.db import connections

    connections.close_all()
    started = time.perf_counter()
    if processes == 1:
        results = [post_many((0, count, merchant_ids))]
    else:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            results = pool.map(
                post_many,
                [(w + 1, count // processes, merchant_ids) for w in range(processes)],
            )
    wall = time.perf_counter() - started
    times = [t for _wall, ts in results for t in ts]
    return {
        "rate": len(times) / wall,
        "p50": percentile(times, 0.50) * 1000,
        "p95": percentile(times, 0.95) * 1000,
        "n": len(times),
    }


def fill_entries(merchant_id: str, entries: int, vendor: str) -> float:
    """``entries`` entries on the merchant's available account (each against the
    commission account), written through the triggers in batches of 5,000
    transactions (one INSERT statement of entries and one of headers on
    PostgreSQL, as ``post`` writes them); return seconds."""
    from django.db import connection, transaction

    from etalage.core.ids import new_id
    from etalage.ledger.journal import accounts_for

    key = f"merchant_available:{merchant_id}"
    accounts = accounts_for([(key, "EUR"), ("commission_revenue", "EUR")])
    mine, other = accounts[key, "EUR"].pk, accounts["commission_revenue", "EUR"].pk
    started = time.perf_counter()
    batch = 5000
    for done in range(0, entries, batch):
        size = min(batch, entries - done)
        ids = [new_id() for _ in range(size)]
        amounts = [100 + (done + n) % 900 for n in range(size)]
        with transaction.atomic(), connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute(
                    "INSERT INTO ledger_entry (transaction_id, account_id, currency, "
                    "amount_minor) SELECT t, a, 'EUR', m FROM unnest("
                    "%s::uuid[], %s::uuid[], %s::bigint[]) AS x(t, a, m)",
                    [
                        ids + ids,
                        [mine] * size + [other] * size,
                        [-a for a in amounts] + amounts,
                    ],
                )
                cursor.execute(
                    "INSERT INTO ledger_transaction (id, reference, kind, memo, "
                    "posted_at, entries_count) SELECT t, 'bench-balance:' || t, "
                    "'bench', '', now(), 2 FROM unnest(%s::uuid[]) AS x(t)",
                    [ids],
                )
            else:
                cursor.executemany(
                    "INSERT INTO ledger_entry (transaction_id, account_id, currency, "
                    "amount_minor) VALUES (?, ?, 'EUR', ?)",
                    [(t.hex, mine.hex, -a) for t, a in zip(ids, amounts, strict=True)]
                    + [
                        (t.hex, other.hex, a) for t, a in zip(ids, amounts, strict=True)
                    ],
                )
                cursor.executemany(
                    "INSERT INTO ledger_transaction (id, reference, kind, memo, "
                    "posted_at, entries_count) VALUES (?, ?, 'bench', '', "
                    "CURRENT_TIMESTAMP, 2)",
                    [(t.hex, f"bench-balance:{t.hex}") for t in ids],
                )
        if (done + size) % 100_000 == 0:
            print(f"   {done + size:,} entries on the merchant's account", flush=True)
    return time.perf_counter() - started


def balance_reads(merchant, repeats: int = 500) -> dict:
    from django.db.models import Sum

    from etalage.ledger.models import Entry
    from etalage.ledger.selectors import merchant_balances

    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        merchant_balances(merchant)
        times.append(time.perf_counter() - began)
    summed = []
    for _ in range(5):
        began = time.perf_counter()
        Entry.objects.filter(
            account__key=f"merchant_available:{merchant.pk}"
        ).aggregate(total=Sum("amount_minor"))
        summed.append(time.perf_counter() - began)
    return {
        "p50": percentile(times, 0.50) * 1000,
        "p95": percentile(times, 0.95) * 1000,
        "sum": statistics.median(summed) * 1000,
    }


def payout_bench(count: int) -> dict:
    from django.conf import settings

    from etalage.ledger.journal import post
    from etalage.ledger.payouts import payout_file_take, payout_run
    from etalage.ledger.posting import Leg

    owed = merchants(count)
    legs = [
        Leg(f"merchant_available:{m.pk}", "EUR", -(2500 + n % 5000))
        for n, m in enumerate(owed)
    ]
    legs.append(Leg("bank", "EUR", -sum(leg.amount for leg in legs)))
    post(reference="bench:owed", kind="bench", legs=legs)
    settings.ETALAGE_PAYOUT_MINIMUM_EUR = Decimal(10)
    began = time.perf_counter()
    run = payout_run(by="bench")
    elapsed = time.perf_counter() - began
    data = payout_file_take(run=run, by="bench")
    return {
        "seconds": elapsed,
        "payouts": run.payouts_count,
        "total": run.total,
        "file_mb": len(data) / 1e6,
    }


def one_writer_reference(url: str, data_dir: Path) -> str:
    """The same run's reference for one writer, as a suffix for the figures:
    pgbench's TPC-B with one client on PostgreSQL, TPC-B's statements with the
    sqlite3 module on SQLite ("" when pgbench is not there)."""
    from checkout import pgbench_tps
    from django.db import connection

    if connection.vendor == "postgresql":
        found = pgbench_tps(url, 1, 10)
        reference, label = (found[0] if found else None), "pgbench TPC-B, 1 client"
    else:
        reference, label = sqlite_reference(data_dir / "bench.sqlite3"), "sqlite3 TPC-B"
    return f" ({label} {reference:,.0f} tx/s)" if reference else ""


def sqlite_reference(path: Path, seconds: float = 5.0) -> float:
    """TPC-B's five statements per transaction with the sqlite3 module, in the
    benchmark's file: transactions per second."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    for table in ("ref_accounts", "ref_tellers", "ref_branches"):
        db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, balance INTEGER)")
    db.execute("CREATE TABLE ref_history (account INTEGER, delta INTEGER, at TEXT)")
    db.executemany(
        "INSERT OR IGNORE INTO ref_accounts VALUES (?, 0)",
        [(n,) for n in range(100000)],
    )
    db.executemany(
        "INSERT OR IGNORE INTO ref_tellers VALUES (?, 0)", [(n,) for n in range(100)]
    )
    db.executemany(
        "INSERT OR IGNORE INTO ref_branches VALUES (?, 0)", [(n,) for n in range(10)]
    )
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        a, delta = done * 7919 % 100000, done % 5000 - 2500
        db.execute("BEGIN")
        db.execute(
            "UPDATE ref_accounts SET balance = balance + ? WHERE id = ?", (delta, a)
        )
        db.execute("SELECT balance FROM ref_accounts WHERE id = ?", (a,)).fetchone()
        db.execute(
            "UPDATE ref_tellers SET balance = balance + ? WHERE id = ?",
            (delta, a % 100),
        )
        db.execute(
            "UPDATE ref_branches SET balance = balance + ? WHERE id = ?",
            (delta, a % 10),
        )
        db.execute("INSERT INTO ref_history VALUES (?, ?, datetime('now'))", (a, delta))
        db.execute("COMMIT")
        done += 1
    elapsed = time.perf_counter() - started
    db.executescript(
        "DROP TABLE ref_accounts; DROP TABLE ref_tellers; "
        "DROP TABLE ref_branches; DROP TABLE ref_history;"
    )
    db.close()
    return done / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sqlite", help="sqlite, postgres or URL")
    parser.add_argument("--postings", type=int, default=3000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--merchants", type=int, default=10_000)
    args = parser.parse_args()
    data_dir, url, engine, _env = bench_environment(
        args.database, "etalage-ledger-", "etalage_bench_ledger"
    )
    # The payouts are paid from the bank sandbox's demo account (no real bank here).
    os.environ["ETALAGE_BANK_SANDBOX"] = "1"
    setup()
    from django.db import connection

    vendor = connection.vendor
    print(f"Machine: {machine()}")
    print(f"Database: {engine}")
    if vendor == "postgresql":
        one = pgbench_tps(url, 1, 10)
        many = pgbench_tps(url, args.processes, 10)
        reference = {
            1: one[0] if one else None,
            args.processes: many[0] if many else None,
        }
        label = "pgbench TPC-B"
    else:
        rate = sqlite_reference(data_dir / "bench.sqlite3")
        reference = {1: rate, args.processes: rate}
        label = "sqlite3 TPC-B (one writer)"
    ids = [str(m.pk) for m in merchants(1000)]

    print(
        "\n1. Postings (capture of a two-merchant order, 7 legs, one transaction each)"
    )
    for processes in (1, args.processes):
        figures = postings(args.postings, processes, ids)
        ref = reference[processes]
        ratio = (
            f"; {label} {ref:,.0f} tx/s, ratio {figures['rate'] / ref:.2f}"
            if ref
            else ""
        )
        print(
            f"   {processes} process(es): {figures['rate']:,.0f} postings/s "
            f"({figures['rate'] * 7:,.0f} entries/s), p50 {figures['p50']:.2f} ms, "
            f"p95 {figures['p95']:.2f} ms, n={figures['n']}{ratio}"
        )

    from etalage.merchants.models import Merchant

    print(f"\n2. A merchant's balance with {args.entries:,} entries on its account")
    merchant = Merchant.objects.get(pk=ids[0])
    seconds = fill_entries(ids[0], args.entries, vendor)
    print(
        f"   written in {seconds:,.0f} s ({args.entries * 2 / seconds:,.0f} entries/s "
        "through the triggers, 5,000 transactions a commit)"
    )
    reads = balance_reads(merchant)
    print(
        f"   merchant_balances: p50 {reads['p50']:.2f} ms, p95 {reads['p95']:.2f} ms "
        f"(target < 5 ms); summing its entries instead: {reads['sum']:,.0f} ms"
    )

    print(f"\n3. A payout run for {args.merchants:,} merchants")
    run = payout_bench(args.merchants)
    print(
        f"   payout_run: {run['seconds']:.1f} s for {run['payouts']:,} payouts "
        f"({run['total']:,} EUR; file {run['file_mb']:.1f} MB, XSD-validated) "
        "(target < 30 s)"
    )

    from etalage.ledger.checks import journal_problems

    # (The merchants' payables are the benchmark's own postings, without sub-orders:
    # only the journal's check applies.)
    problems = journal_problems()
    print(f"\netalage check (journal): {'clean' if not problems else problems[:5]}")
    if vendor == "sqlite":
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
