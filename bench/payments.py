"""Benchmark the providers' notifications over HTTP against `etalage serve`, beside
the order placement rate of the same run.

    .venv/bin/python bench/payments.py --database postgres   # local PostgreSQL
    .venv/bin/python bench/payments.py                       # SQLite
    .venv/bin/python bench/payments.py --orders 2000 --concurrency 8

It prepares a fresh database with signed-in buyers and filled carts, starts the
server the production way (`etalage serve`: gunicorn, its background worker and
clock, debug off, the payment sandbox on) and:

1. places every cart over HTTP (`POST /api/v1/orders`) at the given concurrency:
   orders placed per second, p50/p95;
2. starts each order's Alipay payment as the adapter does (a Payment and the
   sandbox's record of it), has the sandbox sign each `notifyPayment` with its key,
   then sends the flood: one notification per order, 10 % duplicates (the same
   message again), 1 % forged (a corrupted signature, for orders of their own that
   must stay unpaid), shuffled, over HTTP to `/payments/notify/alipay/`;
   acknowledged per second with p50/p95 at the endpoint, then verified and
   processed per second (until the worker has a verdict for each);
3. checks the outcome: every order paid exactly once, every forged one still
   waiting, each verdict counted, `etalage check` clean.

The target: at least as many notifications processed a second as orders placed
(payment must never be the bottleneck). The machine is printed with the figures;
on PostgreSQL, pgbench's TPC-B rate of the same server is the reference.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

from checkout import ETALAGE, pgbench_tps, run_load
from machine import bench_environment, machine, stop
from shoppers import order_request, prepare_market, prepare_shoppers
from storefront import free_port, percentile, start_server

DUPLICATES, FORGED = 0.10, 0.01


def notification_request(url_path: str, headers: dict[str, str], body: str) -> bytes:
    raw = body.encode()
    head = f"POST {url_path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    for name, value in headers.items():
        head += f"{name}: {value}\r\n"
    head += f"Content-Length: {len(raw)}\r\nConnection: keep-alive\r\n\r\n"
    return head.encode() + raw


def payments_for(numbers: list[str]) -> list:
    """Start each order's Alipay payment as the adapter and the sandbox would have
    (written in bulk: the benchmark measures the notifications, not the starts)."""
    from django.utils import timezone

    from etalage.core.ids import new_id
    from etalage.orders.models import Order
    from etalage.payments.antom import SANDBOX_CLIENT_ID
    from etalage.payments.models import Payment, SandboxPayment

    orders = {o.number: o for o in Order.objects.filter(number__in=numbers)}
    payments, sandboxed = [], []
    now = timezone.now()
    for number in numbers:
        order = orders[number]
        provider_id = "SANDBOX" + new_id().hex[:24]
        request_id = f"{number}-P1"
        payments.append(
            Payment(
                order=order,
                provider="alipay",
                request_id=request_id,
                amount=order.total,
                currency=order.currency,
                provider_payment_id=provider_id,
                redirect_url="/sandbox/antom/cashier/",
            )
        )
        sandboxed.append(
            SandboxPayment(
                provider="alipay",
                payment_id=provider_id,
                request_id=request_id,
                client_id=SANDBOX_CLIENT_ID,
                amount_minor=int(order.total * 100),
                currency=order.currency,
                notify_url="http://127.0.0.1/payments/notify/alipay/",
                redirect_url="http://127.0.0.1/",
                state="paid",
                paid_at=now,
            )
        )
    Payment.objects.bulk_create(payments, batch_size=1000)
    SandboxPayment.objects.bulk_create(sandboxed, batch_size=1000)
    return sandboxed


def main() -> None:  # noqa: PLR0915 - one script, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sqlite", help="sqlite, postgres or URL")
    parser.add_argument("--orders", type=int, default=9000, help="orders to place")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--task-workers", type=int, default=2)
    args = parser.parse_args()

    data_dir, url, engine, env = bench_environment(
        args.database, "etalage-bench-pay-", "etalage_bench_payments"
    )
    env["ETALAGE_PAYMENT_SANDBOX"] = "1"
    os.environ["ETALAGE_PAYMENT_SANDBOX"] = "1"
    started = time.perf_counter()
    print(f"Preparing {args.orders:,} checkouts on {engine} ...")
    market = prepare_market()
    shops = market["shops"]

    def two_lines(n):
        a, b = shops[n % len(shops)], shops[(n + 1) % len(shops)]
        return [(a[n % 9], 1), (b[n % 9], 1)]

    pool = prepare_shoppers(args.orders, two_lines)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    connection.close()
    print(f"  prepared in {time.perf_counter() - started:.0f} s")

    port = free_port()
    env["ETALAGE_SITE_URL"] = f"http://127.0.0.1:{port}"
    workers = ["--workers", str(args.workers), "--task-workers", str(args.task_workers)]
    port, server = start_server(env, data_dir, *workers, port=port)
    try:
        print(f"\nMachine: {machine()}")
        print(
            f"Server: etalage serve (gunicorn, {args.workers} sync workers, "
            f"{args.task_workers} background workers and the clock, debug off), "
            f"{engine}"
        )
        _run(args, port, pool, url, env, data_dir)
    finally:
        stop(server, data_dir)


def _run(args, port, pool, url, env, data_dir) -> None:  # noqa: PLR0915
    from django.db import connection

    from etalage.orders.models import Order, OrderTransition
    from etalage.payments.models import Notification
    from etalage.payments.sandbox_antom import payment_notice

    # 1. Orders placed over HTTP.
    requests = [order_request(s, str(uuid.uuid4())) for s in pool]
    results, elapsed, _cpu = run_load(port, requests, args.concurrency, None)
    placed = [r for r in results if r[0] == 201]
    ms = [r[1] * 1000 for r in placed] or [0.0]
    placement = len(placed) / elapsed
    print(
        f"\n1. Orders placed (POST /api/v1/orders, concurrency {args.concurrency}):"
        f" {len(placed):,} in {elapsed:.1f} s = {placement:.0f}/s, p50 "
        f"{statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
        f"errors {len(results) - len(placed)}"
    )

    # 2. The flood.
    numbers = list(
        Order.objects.filter(state="placed").values_list("number", flat=True)
    )
    random.seed(7)
    random.shuffle(numbers)
    forged_count = max(1, round(len(numbers) * FORGED / (1 + DUPLICATES)))
    sandboxed = payments_for(numbers)
    signing = time.perf_counter()
    messages = []
    for i, payment in enumerate(sandboxed):
        _url, headers, body = payment_notice(payment, corrupt=i < forged_count)
        messages.append(notification_request("/payments/notify/alipay/", headers, body))
    signed = time.perf_counter() - signing
    good = messages[forged_count:]
    flood = messages + random.sample(good, round(len(messages) * DUPLICATES))
    random.shuffle(flood)
    print(
        f"\n2. Notifications: {len(flood):,} ({len(messages) - forged_count:,} "
        f"orders, {len(flood) - len(messages):,} duplicates, {forged_count} "
        f"forged), signed by the sandbox in {signed:.1f} s"
    )
    connection.close()
    first_sent = time.perf_counter()
    results, elapsed, _cpu = run_load(port, flood, args.concurrency, None)
    acknowledged = [r for r in results if r[0] == 200]
    ms = [r[1] * 1000 for r in acknowledged] or [0.0]
    print(
        f"   acknowledged at the endpoint: {len(acknowledged):,} in {elapsed:.1f} s "
        f"= {len(acknowledged) / elapsed:.0f}/s, p50 {statistics.median(ms):.1f} ms,"
        f" p95 {percentile(ms, 0.95):.1f} ms, errors "
        f"{len(results) - len(acknowledged)}"
    )
    deadline = time.perf_counter() + 1800
    while time.perf_counter() < deadline:
        waiting = Notification.objects.filter(verdict="received").count()
        if not waiting:
            break
        time.sleep(0.5)
    drained = time.perf_counter() - first_sent
    processed_rate = len(flood) / drained
    print(
        f"   verified and processed by the worker: {len(flood):,} in "
        f"{drained:.1f} s = {processed_rate:.0f}/s "
        "(first send to last verdict)"
    )

    # 3. The outcome.
    verdicts = Counter(Notification.objects.values_list("verdict", flat=True))
    paid_moves = Counter(
        OrderTransition.objects.filter(sub_order=None, to_state="paid").values_list(
            "order__number", flat=True
        )
    )
    forged_numbers = set(numbers[:forged_count])
    states = dict(
        Order.objects.filter(number__in=numbers).values_list("number", "state")
    )
    wrong = [n for n in numbers if (states[n] == "placed") != (n in forged_numbers)]
    twice = [n for n, c in paid_moves.items() if c != 1]
    check = subprocess.run(
        [str(ETALAGE), "check"], env=env, capture_output=True, text=True
    )
    print(f"\n3. Verdicts: {dict(verdicts)}")
    print(
        f"   orders in the wrong state: {len(wrong)}; paid more than once: "
        f"{len(twice)}; etalage check: "
        f"{(check.stdout.strip().splitlines() or ['?'])[-1]}"
    )
    ok = (
        not wrong
        and not twice
        and check.returncode == 0
        and verdicts.get("processed") == len(messages) - forged_count
        and verdicts.get("forged") == forged_count
        and verdicts.get("duplicate") == len(flood) - len(messages)
    )
    print(f"   flood: {'correct' if ok else 'WRONG'}")
    if connection.vendor == "postgresql":
        measured = pgbench_tps(url, args.concurrency, 10)
        if measured:
            print(
                f"\nReference: pgbench TPC-B {measured[0]:.0f} tps ({measured[1]} "
                f"clients); notifications processed / pgbench: "
                f"{processed_rate / measured[0]:.2f}"
            )
    verdict = "met" if processed_rate >= placement else "NOT met"
    print(
        f"\nTarget: notifications processed a second ≥ orders placed a second: "
        f"{verdict} ({processed_rate:.0f}/s against {placement:.0f}/s, ratio "
        f"{processed_rate / placement:.2f})"
    )
    if not ok:
        print(
            "   server log: "
            + "\n    ".join(
                (data_dir / "server.log").read_text(errors="replace").splitlines()[-15:]
            )
        )
        sys.exit(1)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
