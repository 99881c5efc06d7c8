"""Crash test: kill the server with SIGKILL while buyers check out, restart it, and
check that every order exists exactly once.

    .venv/bin/python bench/crash.py --database postgres
    .venv/bin/python bench/crash.py --buyers 300 --kills 2

Buyers (threads, each with its own prepared checkout and its own Idempotency-Key)
place orders over HTTP against `etalage serve`. While they do, the whole server
(gunicorn, its workers, the background worker and the clock) is killed with
SIGKILL, then started again; buyers whose request failed retry with the same key
until they get an answer. Afterwards:

- every order a buyer was told about exists, exactly once, with the number told;
- no order exists that no buyer asked for;
- every buyer got an answer;
- `etalage check` finds the books clean (stock, allocations, yearly CBEC usage);
- the outbox events a crash interrupted are delivered after the restart.

It exits non-zero if any of this fails.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from machine import bench_environment, machine, stop
from shoppers import order_request, prepare_market, prepare_shoppers
from storefront import free_port, wait_until_serving

ETALAGE = Path(sys.executable).with_name("etalage")


def start_server(port: int, env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ETALAGE), "serve", "--port", str(port), "--workers", "3"],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )


def place_until_answered(port, request: bytes, deadline: float, answers, key):
    """Send the request (same key every time) until the server answers it."""
    head, _, body = request.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    attempts = 0
    while time.monotonic() < deadline:
        attempts += 1
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("POST", "/api/v1/orders", body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)  # the server is down: try again, same key
            continue
        finally:
            connection.close()
        if response.status >= 500:
            time.sleep(0.2)
            continue
        answers[key] = (response.status, payload, attempts)
        return
    answers[key] = (0, b"no answer before the deadline", attempts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", default="postgres", help="sqlite, postgres or a URL"
    )
    parser.add_argument("--buyers", type=int, default=600)
    parser.add_argument("--threads", type=int, default=24)
    parser.add_argument("--kills", type=int, default=2)
    args = parser.parse_args()

    data_dir, _url, engine, env = bench_environment(
        args.database, "etalage-crash-", "etalage_bench_crash"
    )
    print(f"Machine: {machine()}\nDatabase: {engine}")
    shops = prepare_market(stock=1_000)["shops"]

    def lines(n):
        a, b = shops[n % len(shops)], shops[(n + 1) % len(shops)]
        return [(a[n % 10], 1), (a[(n + 5) % 10], 1), (b[n % 10], 1)]

    shoppers = prepare_shoppers(args.buyers, lines)
    from django.db import connection

    connection.close()
    requests = {str(uuid.uuid4()): s for s in shoppers}

    port = free_port()
    log = (data_dir / "server.log").open("ab")
    server = start_server(port, env, log)
    wait_until_serving(port, server)
    answers: dict = {}
    work = list(requests.items())
    lock = threading.Lock()
    deadline = time.monotonic() + 120

    def buyer():
        while True:
            with lock:
                if not work:
                    return
                key, shopper = work.pop()
            place_until_answered(
                port, order_request(shopper, key), deadline, answers, key
            )

    threads = [threading.Thread(target=buyer) for _ in range(args.threads)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    kills = []
    try:
        for number in range(1, args.kills + 1):
            # Kill while orders are in flight: once a share of the buyers has an
            # answer (a third, two thirds, ... for two kills), not after a fixed time.
            wait_for(
                lambda n=number: len(answers) >= len(requests) * n // (args.kills + 1),
                timeout=120,
                what="answers before the kill",
            )
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            kills.append(len(answers))
            print(f"  SIGKILL after {len(answers)} answers; restarting", flush=True)
            server = start_server(port, env, log)
            wait_until_serving(port, server)
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        # The clock delivers what the crashes left in the outbox: wait until it has.
        drained = wait_for(outbox_drained, timeout=60, what="the outbox to drain")
        print(f"  outbox drained {drained:.1f} s after the last order", flush=True)
        failures = verify(requests, answers, env)
    finally:
        stop(server, data_dir)
    retried = sum(1 for _s, _p, attempts in answers.values() if attempts > 1)
    print(
        f"{len(requests)} buyers, {args.kills} kills, {elapsed:.1f} s; "
        f"{retried} requests retried after a crash"
    )
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("every order exists exactly once; the books are clean")


def wait_for(condition, *, timeout: float, what: str) -> float:
    """Poll ``condition`` until it holds; return how long it took (a bounded wait)."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            print(f"  gave up waiting for {what} after {timeout:.0f} s", flush=True)
            break
        time.sleep(0.25)
    return time.monotonic() - started


def outbox_drained() -> bool:
    from etalage.events.models import OutboxEvent

    return not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()


def verify(requests: dict, answers: dict, env: dict) -> list[str]:
    import json

    from etalage.events.models import OutboxEvent
    from etalage.orders.models import Order

    failures = []
    unanswered = [k for k in requests if answers.get(k, (0,))[0] == 0]
    if unanswered:
        failures.append(f"{len(unanswered)} buyers got no answer")
    told = {}
    for key, (status, payload, _attempts) in answers.items():
        if status in (200, 201):
            told[key] = json.loads(payload)["number"]
        elif status:
            failures.append(f"{key}: answered {status} {payload[:200]!r}")
    stored = {}
    for key, number in Order.objects.values_list("idempotency_key", "number"):
        if key in stored:
            failures.append(f"two orders for the key {key}")
        stored[key] = number
    for key, number in told.items():
        if stored.get(key) != number:
            failures.append(f"{key}: told {number}, stored {stored.get(key)}")
    strangers = set(stored) - set(requests)
    if strangers:
        failures.append(f"{len(strangers)} orders no buyer asked for")
    print(f"  told {len(told)} orders; {len(stored)} orders stored")
    undelivered = OutboxEvent.objects.filter(delivered_at__isnull=True).count()
    if undelivered:
        failures.append(f"{undelivered} outbox events still undelivered")
    check = subprocess.run(
        [str(ETALAGE), "check"], env=env, capture_output=True, text=True
    )
    print(f"  etalage check: {check.stdout.strip().splitlines()[-1]}")
    if check.returncode:
        failures.append("etalage check: " + check.stdout.strip())
    return failures


if __name__ == "__main__":
    main()
