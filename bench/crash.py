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

Then the same over payments: every order's Alipay notification (signed by the
sandbox; a tenth of them sent twice) is posted by threads that, like the provider,
post again until acknowledged, while the server is killed again; then a fifth of
the paid orders are cancelled by their buyers through the API (refunds through the
sandbox) while the server is killed once more. Afterwards every order is paid
exactly once, every cancelled one refunded exactly once (at Étalage and at the
provider), no notification is left unprocessed, each payment and refund posted to
the ledger exactly once, and `etalage check` agrees.

Then the same over customs (``crash_customs``): the paid parcels flown to China,
the worker declares them and applies the simulator's answers while the server is
killed twice; each parcel is declared once per message and released once.

Then the same over payouts: the parcels still paid are delivered and their return
window passed (the clock read 31 days later); `etalage payouts run` is started and
SIGKILLed at random moments until one run has written its file, then again until no
merchant is owed; the bank sandbox's statement of the runs is imported by
`etalage payouts statement`, SIGKILLed the same way until it is in. Afterwards each
merchant was paid exactly what it was owed, once, every payout is settled, and
`etalage check` (the ledger's balances, sums and each merchant's payable) agrees.

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
from collections import Counter
from pathlib import Path

from crash_customs import crash_customs
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


def post_until_acknowledged(
    port, request: bytes, deadline: float, *, accepted=lambda status: status < 500
) -> int:
    """Post a request again and again until the server's answer is ``accepted``, as
    a provider does with a notification (it takes only a 2xx as received, and waits
    out a 429's Retry-After); return the attempts, 0 if the deadline came first."""
    head, _, body = request.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    method, path, _version = lines[0].split(" ")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    attempts = 0
    while time.monotonic() < deadline:
        attempts += 1
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
            continue
        finally:
            connection.close()
        if accepted(response.status):
            return attempts
        if response.status == 429:
            THROTTLED.append(1)
            time.sleep(min(float(response.getheader("Retry-After") or 1), 5.0))
        else:
            time.sleep(0.2)
    return 0


# Answers 429 seen while posting (each waited out and posted again).
THROTTLED: list[int] = []


def received(status: int) -> bool:
    """What a payment provider takes as its notification received: a 2xx."""
    return 200 <= status < 300


def in_threads(
    port, requests: list[bytes], threads: int, on_progress, accepted=None
) -> list[int]:
    """Post every request until acknowledged from ``threads`` threads; ``on_progress``
    is called with the count done while they run (it kills the server)."""
    work = list(requests)
    done: list[int] = []
    lock = threading.Lock()
    deadline = time.monotonic() + 300

    def sender():
        while True:
            with lock:
                if not work:
                    return
                request = work.pop()
            attempts = post_until_acknowledged(
                port, request, deadline, accepted=accepted or (lambda s: s < 500)
            )
            with lock:
                done.append(attempts)

    running = [threading.Thread(target=sender) for _ in range(threads)]
    for thread in running:
        thread.start()
    on_progress(lambda: len(done))
    for thread in running:
        thread.join()
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", default="postgres", help="sqlite, postgres or a URL"
    )
    parser.add_argument("--buyers", type=int, default=600)
    parser.add_argument("--threads", type=int, default=24)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument(
        "--redis",
        default="off",
        help="off (CI), auto or a URL: the server's cache, sessions and limits; with "
        "ETALAGE_TASK_BROKER=redis in the environment its tasks too (RQ)",
    )
    args = parser.parse_args()

    data_dir, _url, engine, env = bench_environment(
        args.database, "etalage-crash-", "etalage_bench_crash", args.redis
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
    # The payment sandbox on, and a refund whose answer a crash lost asked for
    # again after 5 s (not the 2 minutes of production).
    extra = {
        "ETALAGE_PAYMENT_SANDBOX": "1",
        "ETALAGE_PAYMENT_ASK_AFTER": "5",
        # Customs' simulator answers a step a second; a message whose answer a
        # crash lost is asked about after 20 s.
        "ETALAGE_CUSTOMS_SANDBOX": "1",
        "ETALAGE_CUSTOMS_GATEWAY": "simulator",
        "ETALAGE_CUSTOMS_SANDBOX_STEP_SECONDS": "1",
        "ETALAGE_CUSTOMS_QUERY_AFTER": "20",
        "ETALAGE_SITE_URL": f"http://127.0.0.1:{port}",
    }
    env.update(extra)
    os.environ.update(extra)
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

        def kill_when(share):
            def at(count):
                nonlocal server
                wait_for(lambda: count() >= share, timeout=120, what="notifications")
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
                print(f"  SIGKILL after {count()} acknowledged; restarting", flush=True)
                server = start_server(port, env, log)
                wait_until_serving(port, server)

            return at

        failures += crash_payments(port, requests, answers, args.threads, kill_when)

        def kill_and_restart():
            nonlocal server
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            server = start_server(port, env, log)
            wait_until_serving(port, server)

        failures += crash_customs(kill_and_restart, wait_for, check_books)
        stop_worker(server)
        failures += crash_payouts(data_dir)
    finally:
        errors = log_errors(data_dir / "server.log")
        stop(server, data_dir)
    retried = sum(1 for _s, _p, attempts in answers.values() if attempts > 1)
    print(
        f"{len(requests)} buyers, {args.kills} kills, {elapsed:.1f} s; "
        f"{retried} requests retried after a crash"
    )
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        print("The server's log, its last errors:\n" + errors, end="")
        sys.exit(1)
    print("every order exists exactly once; the books are clean")


def log_errors(path: Path, lines: int = 60) -> str:
    """The end of the server's log from its last few tracebacks and errors (the
    data directory is removed with it): what a failing run needs to be read."""
    text = path.read_text(errors="replace").splitlines()
    wanted = [
        i
        for i, line in enumerate(text)
        if "Traceback" in line or "ERROR" in line or "exited (" in line
    ]
    start = max(0, wanted[-1] - lines // 2) if wanted else len(text)
    return "".join(f"  | {line}\n" for line in text[start : start + lines])


def stop_worker(server) -> None:
    """Stop the server before payouts: its clock (the carrier delivering) would
    move parcels while the payout run is prepared."""
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)


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


def crash_payments(port, requests, answers, threads, kill_when) -> list[str]:
    """Notifications and refunds across crashes; return what went wrong."""
    import json
    import random

    from django.db.models import Count
    from payments import notification_request, payments_for

    from etalage.orders.models import Order, OrderTransition
    from etalage.payments.models import Notification, Refund, SandboxPayment
    from etalage.payments.sandbox_antom import payment_notice

    told = {
        key: json.loads(payload)["number"]
        for key, (status, payload, _a) in answers.items()
        if status in (200, 201)
    }
    numbers = sorted(told.values())
    sandboxed = payments_for(numbers)
    messages = []
    for payment in sandboxed:
        _url, headers, body = payment_notice(payment)
        messages.append(notification_request("/payments/notify/alipay/", headers, body))
    random.seed(11)
    flood = messages + random.sample(messages, len(messages) // 10)
    random.shuffle(flood)
    from django.db import connection

    connection.close()
    print(f"  payments: {len(flood)} notifications for {len(numbers)} orders")
    sent = in_threads(port, flood, threads, kill_when(len(flood) // 2), received)
    # Processed, not only taken: a notice whose processing failed (a worker killed
    # under it) waits for its next try with the verdict "error".
    wait_for(
        lambda: (
            not Notification.objects.filter(verdict__in=("received", "error")).exists()
        ),
        timeout=240,
        what="the notifications to be processed",
    )
    # A fifth of the buyers cancel their paid order (refunds through the sandbox).
    by_number = {number: requests[key] for key, number in told.items()}
    cancelling = numbers[: len(numbers) // 5]
    cancels = [cancel_request(by_number[n], n) for n in cancelling]
    asked = in_threads(port, cancels, threads, kill_when(len(cancels) // 2))
    wait_for(
        lambda: (
            Order.objects.filter(number__in=cancelling, state="refunded").count()
            == len(cancelling)
        ),
        timeout=240,
        what="the refunds",
    )
    wait_for(outbox_drained, timeout=60, what="the outbox to drain")
    # The sandbox's refund notices come after the refunds it answered at once; each
    # must be processed too (woken at once, or by the clock after a few seconds).
    wait_for(
        lambda: not Notification.objects.filter(verdict="received").exists(),
        timeout=120,
        what="the refund notices to be processed",
    )
    failures = []
    if sent.count(0) or asked.count(0):
        failures.append(
            f"{sent.count(0)} notifications and {asked.count(0)} cancellations "
            "never acknowledged before the deadline"
        )
    moves = OrderTransition.objects.filter(sub_order=None, to_state="paid")
    paid = dict(
        moves.values("order__number")
        .annotate(n=Count("id"))
        .values_list("order__number", "n")
    )
    twice = [n for n in numbers if paid.get(n) != 1]
    if twice:
        failures.append(f"{len(twice)} orders not paid exactly once: {twice[:3]}")
    states = dict(
        Order.objects.filter(number__in=numbers).values_list("number", "state")
    )
    unrefunded = [n for n in cancelling if states[n] != "refunded"]
    if unrefunded:
        failures.append(f"{len(unrefunded)} cancelled orders not refunded")
    refunds = Counter(
        Refund.objects.filter(state="succeeded").values_list(
            "payment__order__number", flat=True
        )
    )
    at_provider = Counter(
        {
            p.request_id.rsplit("-P", 1)[0]: len(p.refunds)
            for p in SandboxPayment.objects.all()
        }
    )
    expected = {n: (1, 1) if n in cancelling else (0, 0) for n in numbers}
    wrong = [n for n in numbers if (refunds[n], at_provider[n]) != expected[n]]
    if wrong:
        failures.append(f"{len(wrong)} orders refunded other than once: {wrong[:3]}")
    left = Notification.objects.filter(verdict__in=("received", "error")).count()
    if left:
        failures.append(f"{left} notifications never processed")
    from etalage.ledger.models import Transaction

    captures = Counter(
        Transaction.objects.filter(kind="capture").values_list(
            "order__number", flat=True
        )
    )
    posted_refunds = Counter(
        Transaction.objects.filter(kind="refund").values_list(
            "order__number", flat=True
        )
    )
    # Every order paid once: one capture; each cancelled one refunded once.
    posted = {n: (captures[n], posted_refunds[n]) for n in numbers}
    wrong = [n for n in numbers if posted[n] != (1, expected[n][0])]
    if wrong:
        failures.append(f"{len(wrong)} orders posted other than once: {wrong[:3]}")
    verdicts = Counter(Notification.objects.values_list("verdict", flat=True))
    print(
        f"  verdicts: {dict(verdicts)}; cancelled and refunded "
        f"{len(cancelling) - len(unrefunded)} of {len(cancelling)}; "
        f"{len(THROTTLED)} answers 429 waited out"
    )
    return failures + check_books()


def killed_until_done(command: list[str], done, *, attempts: int = 12) -> int:
    """Run ``command`` and SIGKILL it at a random moment, again and again, until
    ``done()``; the last attempts run to the end. Returns how many were killed."""
    import random

    killed = 0
    for attempt in range(attempts):
        if done():
            return killed
        process = subprocess.Popen(
            command,
            env=os.environ.copy(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        if attempt < attempts // 2:
            try:
                process.wait(timeout=random.uniform(0.3, 2.0))
            except subprocess.TimeoutExpired:
                process.kill()
                killed += 1
        output = process.communicate()[0].decode(errors="replace")
        if process.returncode not in (0, -signal.SIGKILL):
            print(f"    {command[1:3]}: {output.strip().splitlines()[-1:]}")
    return killed


def crash_payouts(data_dir: Path) -> list[str]:
    """Payout runs and the bank's statement across SIGKILLs; what went wrong."""
    import random

    from django.db import connection
    from django.utils import timezone

    from etalage.ledger.models import Account, BankStatement, PayoutRun
    from etalage.ledger.sandbox_bank import statement

    random.seed(13)
    owed = payouts_due()
    connection.close()
    print(f"  payouts: {len(owed)} merchants owed {sum(owed.values()) / 100:,.2f} EUR")

    def nobody_owed() -> bool:
        return (
            not Account.objects.filter(
                key__startswith="merchant_available:", balance_minor__lte=-1000
            ).exists()
            and not PayoutRun.objects.filter(state="prepared").exists()
        )

    killed = 0
    command = [str(ETALAGE), "payouts", "run", "--dir", str(data_dir)]
    for _round in range(12):
        if nobody_owed():
            break
        killed += killed_until_done(command, nobody_owed, attempts=2)
    runs = list(PayoutRun.objects.all())
    print(f"  payouts: {len(runs)} runs, {killed} `etalage payouts run` killed")
    path = data_dir / "statement.xml"
    path.write_bytes(
        statement(
            iban="BE68539007547034", day=timezone.localdate(), opening=0, runs=runs
        )
    )
    killed = killed_until_done(
        [str(ETALAGE), "payouts", "statement", str(path)],
        lambda: BankStatement.objects.exists(),
    )
    print(f"  statement: {killed} `etalage payouts statement` killed")
    return payouts_verified(owed, runs, data_dir) + check_books()


def payouts_due() -> dict:
    """Deliver the parcels still paid and read the clock 31 days later: what each
    merchant (given an account if it had none) is then owed, in cents."""
    from datetime import timedelta

    from django.utils import timezone
    from schwifty import IBAN

    from etalage.ledger.models import Account
    from etalage.ledger.postings import books_matured
    from etalage.merchants.models import Merchant
    from etalage.orders.models import SubOrder
    from etalage.orders.services import sub_order_move

    for n, merchant in enumerate(Merchant.objects.filter(iban="")):
        merchant.iban = str(
            IBAN.generate("BE", bank_code="068", account_code=f"{n:07d}")
        )
        merchant.save(update_fields=["iban"])
    path = ("paid", "customs_declared", "released", "shipped", "delivered")
    for sub in SubOrder.objects.filter(state__in=path[:-1]):
        for state in path[path.index(sub.state) + 1 :]:
            sub = sub_order_move(sub_order=sub, to=state, reason="crash test")
    books_matured(now=timezone.now() + timedelta(days=31))
    return {
        a.merchant_id: -a.balance_minor
        for a in Account.objects.filter(key__startswith="merchant_available:")
        if -a.balance_minor >= 1000
    }


def payouts_verified(owed: dict, runs: list, data_dir: Path) -> list[str]:
    """Each merchant paid what it was owed, once; every payout settled; one file
    per run."""
    from django.db.models import Sum

    from etalage.ledger.models import BankStatement, Payout

    failures = []
    paid = dict(
        Payout.objects.values("merchant_id")
        .annotate(t=Sum("amount_minor"))
        .values_list("merchant_id", "t")
    )
    wrong = [m for m in owed if paid.get(m) != owed[m]]
    if wrong or set(paid) - set(owed):
        failures.append(f"{len(wrong)} merchants paid other than what they were owed")
    if (
        Payout.objects.exclude(state="settled").exists()
        or not BankStatement.objects.exists()
    ):
        failures.append("payouts not all settled by the statement")
    written = sorted(p.name for p in data_dir.glob("*.pain.001.xml"))
    if written != sorted(f"{r.number}.pain.001.xml" for r in runs):
        failures.append(f"pain.001 files {written} for runs {[r.number for r in runs]}")
    return failures


def cancel_request(shopper, number: str) -> bytes:
    return (
        f"POST /api/v1/orders/{number}/cancel HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: sessionid={shopper.session}; csrftoken={shopper.csrf}\r\n"
        f"X-CSRFToken: {shopper.csrf}\r\nContent-Length: 0\r\n"
        "Connection: close\r\n\r\n"
    ).encode()


def check_books() -> list[str]:
    check = subprocess.run(
        [str(ETALAGE), "check"], env=os.environ.copy(), capture_output=True, text=True
    )
    print(f"  etalage check: {check.stdout.strip().splitlines()[-1]}")
    return ["etalage check: " + check.stdout.strip()] if check.returncode else []


if __name__ == "__main__":
    main()
