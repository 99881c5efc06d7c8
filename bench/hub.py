"""Benchmark the Liège hub and the carriers' tracking: scans per second at the hub,
tracking events ingested per second.

    .venv/bin/python bench/hub.py                       # SQLite
    .venv/bin/python bench/hub.py --database postgres   # local PostgreSQL
    .venv/bin/python bench/hub.py --parcels 2000

It prepares ``--parcels`` paid direct-mail orders through the real services
(placement, payment, packing, hand-over), then:

1. **Scans**: hub staff receive every parcel, one scan after the other as at a scan
   station (``logistics.services.hub_receive``: the parcel locked, the weight
   checked, the step recorded with its domain event): scans per second, p50/p95.
2. **Tracking pushes**: the parcels handed to the carrier, the carrier pushes two
   events per parcel (out for delivery, delivered) in signed batches of 100, a tenth
   of the batches sent twice (new ``webhook-id``, same events), shuffled; each push
   goes through ``last_mile.carrier_push_receive`` (the Standard Webhooks signature
   verified, the push kept raw, each event recorded once, the sub-order delivered
   and the ledger's commission posted): events ingested per second (unique events
   recorded over the wall time), pushes p50/p95. Target: 1,000 events/s on
   PostgreSQL on this machine.

The reference of the same run: pgbench's TPC-B (one client) on PostgreSQL; on
SQLite, TPC-B's five statements with the sqlite3 module in the same file.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ledger import one_writer_reference, setup  # noqa: E402
from machine import bench_environment, machine  # noqa: E402
from storefront import percentile  # noqa: E402

BATCH = 100


def prepare(count: int) -> list:
    """``count`` paid parcels handed to the hub, through the services."""
    from shoppers import prepare_market, prepare_shoppers

    from etalage.checkout.models import Cart
    from etalage.checkout.placement import order_place
    from etalage.logistics.services import parcel_hand_over, parcel_pack
    from etalage.orders.services import order_pay
    from etalage.pricing.models import Market
    from etalage.pricing.selectors import market_strategy

    shops = prepare_market(stock=count + 100)["shops"]
    shoppers = prepare_shoppers(count, lambda n: [(shops[n % len(shops)][n % 10], 1)])
    market = Market.objects.get(code="CN")
    strategy = market_strategy(market=market)
    parcels = []
    for n, cart in enumerate(
        Cart.objects.select_related("user").order_by("pk")[:count]
    ):
        user = cart.user
        placed = order_place(
            buyer=user,
            cart=cart,
            market=market,
            strategy=strategy,
            identity_id=user.identities.get().pk,
            address_id=user.addresses.get().pk,
            idempotency_key=f"hub-{n}",
            language="zh-hans",
        )
        for sub in order_pay(order=placed.order).sub_orders.all():
            parcels.append(
                parcel_hand_over(parcel=parcel_pack(sub_order=sub, grams=500))
            )
    del shoppers
    return parcels


def scans(parcels: list) -> dict:
    from etalage.logistics.services import hub_receive

    times = []
    started = time.perf_counter()
    for parcel in parcels:
        began = time.perf_counter()
        hub_receive(code=parcel.code, grams=505)
        times.append(time.perf_counter() - began)
    wall = time.perf_counter() - started
    return {
        "rate": len(times) / wall,
        "p50": percentile(times, 0.5) * 1000,
        "p95": percentile(times, 0.95) * 1000,
    }


def pushes(parcels: list) -> dict:
    from standardwebhooks import Webhook

    from etalage.logistics.carriers import carrier_secret, push_body
    from etalage.logistics.last_mile import carrier_push_receive
    from etalage.logistics.models import Parcel, TrackingEvent
    from etalage.orders.models import SubOrder

    waybills = {p.pk: f"BENCH{n:010d}" for n, p in enumerate(parcels)}
    for parcel in parcels:  # handed to the carrier (as the last mile does)
        Parcel.objects.filter(pk=parcel.pk).update(
            carrier="sandbox", waybill=waybills[parcel.pk]
        )
    SubOrder.objects.filter(parcel__in=parcels).update(state="shipped")
    events = []
    for parcel in parcels:
        for n, status in enumerate(("OutForDelivery", "Delivered")):
            events.append(
                {
                    "id": f"{waybills[parcel.pk]}-{n}",
                    "waybill": waybills[parcel.pk],
                    "status": status,
                    "time": f"2026-12-0{n + 1}T10:00:00+08:00",
                    "location": "上海市",
                }
            )
    # Out-for-delivery events first, then the deliveries, as a carrier sends them.
    events.sort(key=lambda e: e["id"].endswith("-1"))
    batches = [events[i : i + BATCH] for i in range(0, len(events), BATCH)]
    random.seed(7)
    resent = random.sample(batches, max(1, len(batches) // 10))
    sends = batches + resent
    webhook = Webhook(carrier_secret("sandbox"))
    before = TrackingEvent.objects.count()
    times = []
    started = time.perf_counter()
    for n, batch in enumerate(sends):
        body = push_body(batch)
        now = datetime.now(UTC)
        headers = {
            "webhook-id": f"msg_bench_{n}",
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": webhook.sign(f"msg_bench_{n}", now, body),
        }
        began = time.perf_counter()
        carrier_push_receive(carrier="sandbox", headers=headers, body=body.encode())
        times.append(time.perf_counter() - began)
    wall = time.perf_counter() - started
    recorded = TrackingEvent.objects.count() - before
    delivered = SubOrder.objects.filter(parcel__in=parcels, state="delivered").count()
    return {
        "events": recorded,
        "sent": sum(len(b) for b in sends),
        "pushes": len(sends),
        "rate": recorded / wall,
        "p50": percentile(times, 0.5) * 1000,
        "p95": percentile(times, 0.95) * 1000,
        "delivered": delivered,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sqlite", help="sqlite, postgres or URL")
    parser.add_argument("--parcels", type=int, default=1000)
    args = parser.parse_args()
    data_dir, url, engine, _env = bench_environment(
        args.database, "etalage-hub-", "etalage_bench_hub"
    )
    os.environ["ETALAGE_CARRIER_SANDBOX"] = "1"
    setup()
    print(f"Machine: {machine()}")
    print(f"Database: {engine}")
    ref = one_writer_reference(url, data_dir)
    began = time.perf_counter()
    parcels = prepare(args.parcels)
    print(
        f"Prepared {len(parcels):,} paid parcels handed to the hub in "
        f"{time.perf_counter() - began:.0f} s"
    )
    s = scans(parcels)
    print(
        f"\n1. Hub scans: {s['rate']:,.0f} parcels received/s, p50 {s['p50']:.1f} ms, "
        f"p95 {s['p95']:.1f} ms{ref}"
    )
    p = pushes(parcels)
    print(
        f"\n2. Tracking pushes: {p['pushes']} signed pushes of up to {BATCH} events "
        f"({p['sent']:,} events sent, a tenth of the pushes twice): {p['events']:,} "
        f"recorded once, {p['rate']:,.0f} events/s (target 1,000 on PostgreSQL), "
        f"push p50 {p['p50']:.0f} ms, p95 {p['p95']:.0f} ms; {p['delivered']:,} "
        f"parcels delivered{ref}"
    )
    if p["events"] != 2 * len(parcels) or p["delivered"] != len(parcels):
        raise SystemExit(
            "FAILED: events recorded other than once, or parcels not delivered"
        )


if __name__ == "__main__":
    main()
