"""Benchmark customs declarations: sub-orders declared per second (the four
messages built, validated, signed, kept encrypted and handed to the single window),
and customs' answers applied per second, next to the order placement rate of the
same run.

    .venv/bin/python bench/customs.py                       # SQLite
    .venv/bin/python bench/customs.py --database postgres   # local PostgreSQL
    .venv/bin/python bench/customs.py --parcels 2000 --batch 200

It places and pays ``--parcels`` one-parcel orders through the real services
(placement timed: orders placed per second), then:

1. **Order and payment** (CEB311, CEB411): ``declarations_send`` declares every
   paid parcel, ``--batch`` heads a message: built from the order, the buyer's ID
   number decrypted for it, checked, validated against the XSD, signed (XML-DSig,
   RSA-SHA256), encrypted at rest, and handed to the embedded simulator (which
   verifies the signature and the schema and stores each head, as the gateway
   would).
2. **Waybill and inventory** (CEB511, CEB621): the parcels flown to China (not
   timed), ``declarations_send`` declares them and moves each sub-order to
   declared. Sub-orders declared per second = parcels / (time of 1 + time of 2).
   Target: 500 per second on PostgreSQL on this machine, in batches.
   With ``--gateway files`` the messages go to exchange folders instead of the
   simulator: Étalage's side alone (nothing answers).
3. **Answers**: the simulator audits and releases (its own time, printed apart),
   then ``answers_collect`` applies every receipt and tax bill: each kept, the
   declarations' states moved, each release moving its sub-order (the last mile
   and the ledger's tax postings follow through their events): answers per second.

The reference of the same run: pgbench's TPC-B (one client) on PostgreSQL; on
SQLite, TPC-B's five statements with the sqlite3 module in the same file.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ledger import one_writer_reference, setup  # noqa: E402
from machine import bench_environment, machine  # noqa: E402


def prepare(count: int) -> tuple[list, float]:
    """``count`` paid one-parcel orders; returns them and the orders placed/s."""
    from django.utils import timezone
    from shoppers import prepare_market, prepare_shoppers

    from etalage.checkout.models import Cart
    from etalage.checkout.placement import order_place
    from etalage.orders.services import order_pay
    from etalage.payments.models import Payment
    from etalage.pricing.models import Market
    from etalage.pricing.selectors import market_strategy

    shops = prepare_market(stock=count + 100)["shops"]
    prepare_shoppers(count, lambda n: [(shops[n % len(shops)][n % 10], 1)])
    market = Market.objects.get(code="CN")
    strategy = market_strategy(market=market)
    orders, placing = [], 0.0
    for n, cart in enumerate(
        Cart.objects.select_related("user").order_by("pk")[:count]
    ):
        user = cart.user
        began = time.perf_counter()
        placed = order_place(
            buyer=user,
            cart=cart,
            market=market,
            strategy=strategy,
            identity_id=user.identities.get().pk,
            address_id=user.addresses.get().pk,
            idempotency_key=f"customs-{n}",
            language="zh-hans",
        )
        placing += time.perf_counter() - began
        order = placed.order
        Payment.objects.create(
            order=order,
            provider="alipay",
            request_id=f"{order.number}-P1",
            provider_payment_id=f"2026{n:012d}",
            amount=order.total,
            currency=order.currency,
            state="succeeded",
            paid_at=timezone.now(),
        )
        orders.append(order_pay(order=order))
    return orders, len(orders) / placing


def fly(subs, *, serial: str = "0000001") -> int:
    """Each sub-order's parcel packed, received at Liège, bagged (300 a bag) and
    flown to China under one air waybill (not timed); returns how many."""
    from etalage.logistics.awb import awb_check_digit
    from etalage.logistics.consolidation import (
        bag_fill,
        bag_seal,
        flight_arrive,
        flight_create,
        flight_depart,
        flight_load,
    )
    from etalage.logistics.services import hub_receive, parcel_hand_over, parcel_pack

    codes = []
    for sub in subs:
        parcel = parcel_hand_over(parcel=parcel_pack(sub_order=sub, grams=900))
        hub_receive(code=parcel.code, grams=900)
        codes.append(parcel.code)
    if not codes:
        return 0
    flight = flight_create(
        mawb=f"999-{serial}{awb_check_digit(serial)}",
        airline="Bench Cargo",
        flight_number="BC1",
        destination="CGO",
    )
    for n in range(0, len(codes), 300):
        bag = bag_fill(bag_code=f"BENCH{serial}-{n}", codes=codes[n : n + 300])
        flight_load(flight=flight, bag=bag_seal(bag=bag))
    flight_depart(flight=flight)
    flight_arrive(flight=flight)
    return len(codes)


PROFILE = None
ANSWERS_PROFILE = None


def declare(batch: int) -> tuple[int, float]:
    from etalage.declarations.services import declarations_send

    done, began = 0, time.perf_counter()
    if PROFILE:
        PROFILE.enable()
    while True:
        moved = declarations_send(batch=batch)
        if not moved:
            if PROFILE:
                PROFILE.disable()
            return done, time.perf_counter() - began
        done += moved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sqlite", help="sqlite, postgres or URL")
    parser.add_argument("--parcels", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument(
        "--gateway",
        default="simulator",
        choices=["simulator", "files"],
        help="files: hand the messages to exchange folders (Etalage's side alone, "
        "no answers)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print where declaring spends its time"
    )
    args = parser.parse_args()
    if args.profile:
        global PROFILE, ANSWERS_PROFILE
        import cProfile

        PROFILE, ANSWERS_PROFILE = cProfile.Profile(), cProfile.Profile()
    data_dir, url, engine, _env = bench_environment(
        args.database, "etalage-customs-", "etalage_bench_customs"
    )
    os.environ.update(
        ETALAGE_CUSTOMS_SANDBOX="1",
        ETALAGE_CUSTOMS_GATEWAY=args.gateway,
        ETALAGE_CUSTOMS_GATEWAY_DIR=str(data_dir / "gateway"),
        ETALAGE_CUSTOMS_SANDBOX_STEP_SECONDS="0",
        ETALAGE_CARRIER_SANDBOX="1",
    )
    setup()
    print(f"Machine: {machine()}")
    print(f"Database: {engine}")
    ref = one_writer_reference(url, data_dir)
    began = time.perf_counter()
    orders, placed_rate = prepare(args.parcels)
    spent = time.perf_counter() - began
    print(
        f"Prepared {len(orders):,} paid orders in {spent:.0f} s; placement: "
        f"{placed_rate:,.0f} orders placed/s{ref}"
    )
    first, first_s = declare(args.batch)
    print(
        f"\n1. Order and payment (CEB311, CEB411): {first:,} parcels in "
        f"{first_s:.1f} s, {first / first_s:,.0f} parcels/s"
    )
    fly(sub for order in orders for sub in order.sub_orders.all())
    second, second_s = declare(args.batch)
    print(
        f"2. Waybill and inventory (CEB511, CEB621): {second:,} parcels in "
        f"{second_s:.1f} s, {second / second_s:,.0f} parcels/s"
    )
    total = first_s + second_s
    print(
        f"   Sub-orders declared (all four messages): {second / total:,.0f}/s "
        f"in batches of {args.batch} (target 500/s on PostgreSQL){ref}"
    )
    if args.gateway == "simulator":
        answers(len(orders), ref)
    else:
        print("\n3. Answers: none (the messages are in the exchange folder's out/)")
    if PROFILE:
        import pstats

        if args.gateway == "simulator":
            print("\nWhere applying the answers spent its time (cumulative, top 30):")
            pstats.Stats(ANSWERS_PROFILE).sort_stats("cumulative").print_stats(30)
        print("\nWhere declaring spent its time (cumulative, top 25):")
        pstats.Stats(PROFILE).sort_stats("cumulative").print_stats(25)
        pstats.Stats(PROFILE).sort_stats("tottime").print_stats(15)


def answers(parcels: int, ref: str) -> None:
    from etalage.declarations.answers import answers_collect
    from etalage.declarations.simulator import simulator_step
    from etalage.events.outbox import outbox_deliver
    from etalage.orders.models import SubOrder

    began = time.perf_counter()
    while simulator_step(batch=500):
        pass
    simulated = time.perf_counter() - began
    applied, began = 0, time.perf_counter()
    if ANSWERS_PROFILE:
        ANSWERS_PROFILE.enable()
    while True:
        done = answers_collect()
        if not done:
            break
        applied += done
    collect_s = time.perf_counter() - began
    if ANSWERS_PROFILE:
        ANSWERS_PROFILE.disable()
    outbox_deliver()
    released = SubOrder.objects.filter(state__in=("released", "shipped")).count()
    print(
        f"\n3. Answers: the simulator audited and released in {simulated:.1f} s; "
        f"{applied:,} receipts and tax bills applied in {collect_s:.1f} s, "
        f"{applied / collect_s:,.0f} answers/s; {released:,} of {parcels:,} "
        f"parcels released{ref}"
    )
    if released != parcels:
        raise SystemExit("FAILED: parcels not released")


if __name__ == "__main__":
    main()
