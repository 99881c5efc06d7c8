"""Benchmark placing orders over HTTP, and a flash sale, against `etalage serve`.

    .venv/bin/python bench/checkout.py --database postgres   # local PostgreSQL
    .venv/bin/python bench/checkout.py                       # SQLite, for reference
    .venv/bin/python bench/checkout.py --duration 5 --concurrency 1,8

It prepares a fresh database: 10 merchants with stocked products at the Liège hub and
tens of thousands of buyers, each signed in with an identity, an address and a cart
of 3 lines from 2 merchants. It starts the server the production way (`etalage
serve`: gunicorn, its worker and clock, debug off) and, from a separate process over
loopback, sends `POST /api/v1/orders` (each with its own Idempotency-Key, each buyer
once) at each concurrency for a fixed time. It prints placed orders per second and
p50/p95/p99 latency, and on PostgreSQL the ceiling of the same database server
measured with pgbench (TPC-B, same concurrency) and the ratio of the two.

Then the flash sale: 500 buyers at once for one variant with 100 in stock. Exactly
100 orders must be placed and 400 refused with a clear reason; `etalage check` must
find the books clean. The machine it ran on is printed with the figures.

    .venv/bin/python bench/checkout.py --database postgres --full

measures the whole checkout instead, as a browser goes through it (``journey.py``:
the product page, add to cart, the cart, the checkout page, place, pay with Alipay
in the payment sandbox, the order seen paid), for buyers with empty carts, and
prints full checkouts a second at each concurrency beside the figure Saleor gave on
this machine (``SALEOR_PER_SECOND``), with each step's p50 and the CPU per checkout.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from machine import bench_environment, cpu_per, cpu_seconds, machine, stop
from shoppers import order_request, prepare_market, prepare_shoppers
from storefront import percentile, read_response, start_server

ETALAGE = Path(sys.executable).with_name("etalage")
TARGET_PER_SECOND = 300  # on PostgreSQL at concurrency 32, 2 cores
# Saleor 3.24's full checkouts a second, measured on this same 2-core machine; the
# target is a hundred times that.
SALEOR_PER_SECOND = 1.5


async def _client(port, queue, deadline, results):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while (deadline is None or time.perf_counter() < deadline) and queue:
            request = queue.pop()
            started = time.perf_counter()
            try:
                writer.write(request)
                await writer.drain()
                status, body, close = await read_response(reader)
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                status, body, close = 0, repr(error).encode(), True
            if close:  # gunicorn's sync workers answer one request per connection
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            results.append((status, time.perf_counter() - started, body[:300]))
    finally:
        writer.close()


async def _load(port, requests, concurrency, duration):
    queue = list(reversed(requests))
    results: list = []
    deadline = None if duration is None else time.perf_counter() + duration
    started = time.perf_counter()
    await asyncio.gather(
        *(_client(port, queue, deadline, results) for _ in range(concurrency))
    )
    return results, time.perf_counter() - started


def _in_process(port, requests, concurrency, duration, out):
    results, elapsed = asyncio.run(_load(port, requests, concurrency, duration))
    out.put((results, elapsed, time.process_time()))


def run_load(port, requests, concurrency, duration):
    """Send ``requests`` from ``concurrency`` connections in a process of its own;
    return the answers, the time taken and the CPU seconds the sending took."""
    return _run(_in_process, port, requests, concurrency, duration)


def _header(columns: str) -> None:
    """Print a table's header, with pgbench's columns on PostgreSQL."""
    from django.db import connection

    postgres = connection.vendor == "postgresql"
    print(columns + (f"{'pgbench tps':>13}{'ratio':>8}" if postgres else ""))


def _drained(timeout: float = 120) -> None:
    """Wait until the background worker has delivered every domain event."""
    from django.db import connection

    from etalage.events.models import OutboxEvent

    deadline = time.monotonic() + timeout
    while OutboxEvent.objects.filter(delivered_at__isnull=True).exists():
        if time.monotonic() > deadline:
            print("  (the outbox did not drain in time)")
            break
        time.sleep(0.2)
    connection.close()


def _tail(path: Path, lines: int = 15) -> str:
    return "\n    ".join(path.read_text(errors="replace").splitlines()[-lines:])


def pgbench_tps(
    url: str, concurrency: int, duration: float
) -> tuple[float, int] | None:
    """TPC-B transactions per second of the same server at the same concurrency (as
    many clients as the server accepts), and the clients used."""
    if shutil.which("pgbench") is None:
        return None
    import psycopg

    base = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        limit = int(conn.execute("SHOW max_connections").fetchone()[0])
        conn.execute("DROP DATABASE IF EXISTS etalage_pgbench")
        conn.execute("CREATE DATABASE etalage_pgbench")
    clients = min(concurrency, limit - 15)  # leave room for the server's own
    target = f"{base}/etalage_pgbench"
    subprocess.run(
        ["pgbench", "-i", "-q", "-s", "10", target], check=True, capture_output=True
    )
    done = subprocess.run(
        [
            "pgbench",
            "-c",
            str(clients),
            "-j",
            str(min(clients, 2)),
            "-T",
            str(max(int(duration), 1)),
            target,
        ],
        capture_output=True,
        text=True,
    )
    found = re.search(r"tps = ([0-9.]+)", done.stdout)
    return (float(found.group(1)), clients) if found else None


def full_checkout(args) -> None:
    """``--full``: journeys of buyers with empty carts (see the module's docstring)."""
    from journey import STEPS, run_journeys

    levels = [int(c) for c in args.concurrency.split(",")]
    per_level = args.buyers or int(40 * args.duration) + 100
    os.environ["ETALAGE_PAYMENT_SANDBOX"] = "1"
    data_dir, url, engine, env = bench_environment(
        args.database, "etalage-bench-", "etalage_bench_checkout", args.redis
    )
    print(f"Preparing {per_level * len(levels) + 20:,} buyers on {engine} ...")
    shops = prepare_market()["shops"]
    variants = [v for shop in shops for v in shop]

    def buyers(count: int, first: int) -> list:
        """Buyers with empty carts, each with the product they will buy."""
        shoppers = prepare_shoppers(count, lambda n: [], first=first)
        return [
            (
                shopper,
                variants[n % len(variants)].product.slug,
                str(variants[n % len(variants)].pk),
            )
            for n, shopper in enumerate(shoppers)
        ]

    pools = [buyers(per_level, i * per_level) for i in range(len(levels))]
    warm = buyers(20, len(levels) * per_level)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    connection.close()
    port, server = start_server(env, data_dir, "--workers", str(args.workers))
    try:
        _run(run_journeys, port, warm, 4, 30)  # each worker loads what it loads lazily
        _drained()
        print(f"\nMachine: {machine()}")
        print(
            f"Server: etalage serve (gunicorn, {args.workers} sync workers, worker "
            f"and clock, payment sandbox on, debug off), {engine}"
        )
        print(
            f"Load: full checkouts ({', '.join(STEPS)}), {args.duration:.0f} s "
            "per run, separate process over loopback"
        )
        print()
        _header(
            f"{'conc.':>6}{'checkouts':>10}{'per s':>8}{'p50 s':>8}{'p95 s':>8}"
            f"{'failed':>8}{'× Saleor':>10}"
        )
        steps_by_level, cpu = {}, {}
        for level, pool in zip(levels, pools, strict=True):
            before = cpu_seconds()
            done, failed, elapsed, load_cpu = _run(
                run_journeys, port, pool, level, args.duration
            )
            _drained()
            after = cpu_seconds()
            after["load generator"] = load_cpu
            rate = len(done) / elapsed
            totals = [sum(t.values()) for t in done] or [0.0]
            row = (
                f"{level:>6}{len(done):>10}{rate:>8.1f}{statistics.median(totals):>8.2f}"
                f"{percentile(totals, 0.95):>8.2f}{len(failed):>8}"
                f"{rate / SALEOR_PER_SECOND:>10.0f}"
            )
            if connection.vendor == "postgresql":
                tps, _clients = pgbench_tps(url, level, args.duration) or (0.0, level)
                row += f"{tps:>13.0f}{(rate / tps if tps else 0):>8.3f}"
            print(row, flush=True)
            if failed:
                print(f"  first failure: {failed[0]}")
            steps_by_level[level] = {
                s: statistics.median([t[s] * 1000 for t in done if s in t] or [0.0])
                for s in STEPS
            }
            cpu[level] = cpu_per(before, after, max(len(done), 1))
        print("\nEach step's p50 (ms; 'paid' sums the reads until the order is paid):")
        for level, steps in steps_by_level.items():
            print(
                f"  concurrency {level}: "
                + ", ".join(f"{s} {ms:.0f}" for s, ms in steps.items())
            )
        _print_cpu("full checkout", cpu)
    finally:
        stop(server, data_dir)


def _run(function, *args):
    """Run ``function(*args, out)`` in a process of its own (the load beside the
    server, not sharing this process's GIL); return what it put. The last argument
    is the run's duration (None: until its work is done)."""
    out = multiprocessing.Queue()
    process = multiprocessing.Process(target=function, args=(*args, out))
    process.start()
    result = out.get(timeout=(args[-1] or 120) + 600)
    process.join()
    return result


def _print_cpu(unit: str, cpu: dict) -> None:
    print(f"\nCPU per {unit}, by process (its background work included):")
    for level, spent in cpu.items():
        print(f"  concurrency {level}: {spent}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", default="sqlite", help="sqlite, postgres or a URL"
    )
    parser.add_argument(
        "--redis", default="auto", help="auto (the local one if it answers), off, a URL"
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    parser.add_argument("--concurrency", default="1,8,32,128")
    parser.add_argument(
        "--buyers",
        type=int,
        default=0,
        help="prepared checkouts (default: enough for 600 orders/s)",
    )
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--full", action="store_true", help="the whole checkout, as a browser does it"
    )
    args = parser.parse_args()
    if args.full:
        full_checkout(args)
        return
    levels = [int(c) for c in args.concurrency.split(",")]
    per_level = args.buyers or int(600 * args.duration) + 200

    data_dir, url, engine, env = bench_environment(
        args.database, "etalage-bench-", "etalage_bench_checkout", args.redis
    )
    started = time.perf_counter()
    print(f"Preparing {per_level * len(levels) + 500:,} checkouts on {engine} ...")
    market = prepare_market()
    shops = market["shops"]

    def three_lines(n):  # 2 lines from one merchant, 1 from another
        a, b = shops[n % len(shops)], shops[(n + 1) % len(shops)]
        return [(a[n % 9], 1), (a[(n + 3) % 9], 2), (b[n % 9], 1)]

    pools = [
        prepare_shoppers(per_level, three_lines, first=i * per_level)
        for i in range(len(levels))
    ]
    from etalage.inventory.models import Stock, StockMovement

    # The flash sale's variant (kept out of the carts above): 100 in stock.
    flash_variant = shops[0][-1]
    Stock.objects.filter(variant=flash_variant).update(on_hand=100)
    StockMovement.objects.filter(stock__variant=flash_variant).update(on_hand_delta=100)
    flash = prepare_shoppers(
        500, lambda n: [(flash_variant, 1)], first=len(levels) * per_level
    )
    warm = prepare_shoppers(120, three_lines, first=len(levels) * per_level + 500)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    connection.close()
    print(f"  prepared in {time.perf_counter() - started:.0f} s")

    port, server = start_server(env, data_dir, "--workers", str(args.workers))
    try:
        print()
        print(f"Machine: {machine()}")
        print(
            f"Server: etalage serve (gunicorn, {args.workers} sync workers, worker "
            f"and clock, debug off), {engine}"
        )
        print(
            f"Load: POST /api/v1/orders, cart of 3 lines from 2 merchants, "
            f"{args.duration:.0f} s per run, separate process over loopback"
        )
        print()
        # Each worker's first requests load what Django and ninja load lazily.
        run_load(port, [order_request(s, str(uuid.uuid4())) for s in warm], 4, None)
        _drained()
        _header(
            f"{'conc.':>6}{'placed':>8}{'orders/s':>10}{'p50 ms':>9}"
            f"{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
        )
        by_level, cpu = {}, {}
        for level, pool in zip(levels, pools, strict=True):
            requests = [order_request(s, str(uuid.uuid4())) for s in pool]
            before = cpu_seconds()
            results, elapsed, load_cpu = run_load(port, requests, level, args.duration)
            _drained()  # the background work the orders caused counts too
            after = cpu_seconds()
            after["load generator"] = load_cpu
            placed = [r for r in results if r[0] == 201]
            ms = [r[1] * 1000 for r in placed] or [0.0]
            rate = len(placed) / elapsed
            by_level[level] = rate
            errors = [r for r in results if r[0] != 201]
            row = (
                f"{level:>6}{len(placed):>8}{rate:>10.0f}{statistics.median(ms):>9.1f}"
                f"{percentile(ms, 0.95):>9.1f}{percentile(ms, 0.99):>9.1f}"
                f"{len(errors):>8}"
            )
            if connection.vendor == "postgresql":
                measured = pgbench_tps(url, level, args.duration)
                tps, clients = measured or (0.0, level)
                row += f"{tps:>13.0f}{(rate / tps if tps else 0):>8.2f}"
                if clients != level:
                    row += f"  (pgbench: {clients} clients, the server's limit)"
            print(row, flush=True)
            cpu[level] = cpu_per(before, after, len(results))
            if errors:
                print(f"  first error: {errors[0][0]} {errors[0][2]!r}")
                print("  server log: " + _tail(data_dir / "server.log"))
            if len(results) == len(pool):
                print("  (the prepared checkouts ran out before the time did)")

        _print_cpu("order", cpu)
        print("\nFlash sale: 500 buyers at once, one variant, 100 in stock")
        requests = [order_request(s, str(uuid.uuid4())) for s in flash]
        results, elapsed, _cpu = run_load(port, requests, 500, None)
        placed = sum(1 for r in results if r[0] == 201)
        refused = [r for r in results if r[0] == 422 and b"out_of_stock" in r[2]]
        other = [r for r in results if r[0] != 201 and r not in refused]
        print(
            f"  placed {placed}, refused (out of stock) {len(refused)}, other "
            f"{len(other)}, in {elapsed:.1f} s"
        )
        if refused:
            print(f"  a refusal: {refused[0][2].decode(errors='replace')}")
        if other:
            print(f"  first other answer: {other[0][0]} {other[0][2]!r}")
        check = subprocess.run(
            [str(ETALAGE), "check"], env=env, capture_output=True, text=True
        )
        print(f"  etalage check: {check.stdout.strip().splitlines()[-1]}")
        ok = placed == 100 and len(refused) == 400 and check.returncode == 0
        print(f"  flash sale: {'correct' if ok else 'WRONG'}")
        if 32 in by_level and connection.vendor == "postgresql":
            verdict = "met" if by_level[32] >= TARGET_PER_SECOND else "NOT met"
            print(
                f"\nTarget: at least {TARGET_PER_SECOND} orders/s on PostgreSQL at "
                f"concurrency 32: {verdict} ({by_level[32]:.0f}/s)"
            )
        if not ok:
            sys.exit(1)
    finally:
        stop(server, data_dir)


if __name__ == "__main__":
    main()
