"""The last mile: a released parcel handed to the carrier in China, and the
carrier's pushes turned into steps of the parcel's way (the sub-order follows:
shipped when the carrier takes it, delivered when it says so)."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_tasks import task

from etalage.core.clock import tries_spaced
from etalage.core.text import storable
from etalage.core.transactions import atomic_retried, is_retryable
from etalage.logistics import sandbox_carrier
from etalage.logistics.carriers import (
    CarrierEvent,
    CarrierRefused,
    Consignee,
    carrier_push_read,
    carrier_secret,
    push_precheck,
)
from etalage.logistics.models import CarrierPush, Parcel
from etalage.logistics.services import parcel_state_follow, step_record
from etalage.logistics.vocabulary import Step
from etalage.orders import states
from etalage.orders.models import Order, SubOrder
from etalage.orders.services import order_lock, sub_order_move

logger = logging.getLogger(__name__)


def parcel_released(*, sub_order_id: UUID) -> None:
    """Customs released the sub-order: its parcel says so, and goes to the carrier
    (in the background: the carrier is asked)."""
    parcel = Parcel.objects.filter(sub_order_id=sub_order_id).first()
    if parcel is None:
        return  # not a parcel through Liège (or not packed: the operator's to see)
    step_record(
        parcel=parcel,
        step=Step.CUSTOMS_RELEASED,
        source="etalage",
        reference="released",
    )
    if not parcel.waybill:
        transaction.on_commit(lambda: parcel_last_mile_task.enqueue(str(parcel.pk)))


def consignee_of(order: Order) -> Consignee:
    """The order's delivery address as the carrier is told it."""
    return Consignee(
        name=order.recipient,
        phone=order.phone,
        province=order.province,
        city=order.city,
        district=order.district,
        region_code=order.region_code,
        street=order.street,
        postcode=order.postcode,
    )


def _hand_over(parcel: Parcel) -> str:
    carrier = settings.ETALAGE_CARRIER
    consignee = consignee_of(parcel.sub_order.order)
    if carrier == sandbox_carrier.NAME and settings.ETALAGE_CARRIER_SANDBOX:
        return sandbox_carrier.shipment_create(parcel, consignee)
    raise CarrierRefused(f"no adapter for the carrier {carrier!r}")


@task()
def parcel_last_mile_task(parcel_id: str) -> str:
    """Hand a released parcel to the carrier (in the background)."""
    return parcel_hand_over(parcel_id)


def parcel_hand_over(parcel_id: UUID | str) -> str:
    """Hand a released parcel to the carrier, once: its waybill number, and the
    sub-order shipped. The carrier is asked with no transaction open; what it
    answers is recorded in a short one (a parcel another worker handed over in
    the meantime keeps the first waybill), which locks as every change of an
    order does: the order, its sub-orders, then the parcel. Two parcels of one
    order handed over at once so wait for each other instead of deadlocking; and
    should the database still end the transaction (a deadlock, a serialization
    failure), it is recorded again with the same waybill, the carrier not asked
    twice."""
    parcel = Parcel.objects.select_related("sub_order").get(pk=parcel_id)
    if parcel.waybill:
        return parcel.waybill
    order_id = parcel.sub_order.order_id
    carrier, waybill = settings.ETALAGE_CARRIER, _hand_over(parcel)

    def record() -> str:
        order_lock(order_id=order_id)  # the order, its sub-orders, then the parcel
        parcel = (
            Parcel.objects.select_for_update(of=("self",))
            .select_related("sub_order")
            .get(pk=parcel_id)
        )
        if parcel.waybill:
            return parcel.waybill
        parcel.carrier, parcel.waybill = carrier, waybill
        parcel.save(update_fields=["carrier", "waybill", "updated_at"])
        parcel_state_follow(parcel=parcel, state=Parcel.State.WITH_CARRIER)
        if parcel.sub_order.state == states.RELEASED:
            sub_order_move(
                sub_order=parcel.sub_order,
                to=states.SHIPPED,
                reason=f"{parcel.carrier} {parcel.waybill}",
            )
        return parcel.waybill

    return atomic_retried(record)


HAND_OVER_LATE = timedelta(minutes=1)
REFUSED_BODY_KEPT = 2000  # bytes of a refused push kept for the operator
HAND_OVER_AGAIN = 300  # seconds between two tries of one parcel


def parcels_handed_over_late(*, now: datetime | None = None) -> int:
    """Parcels customs released more than a minute ago that have no waybill yet
    (their task lost between the commit and the queue, or the carrier refused or
    did not answer) are handed over now: each at most once in five minutes, 50 a
    round, and the round ends at the first refusal (the carrier may be down: one
    wait a round, not fifty). The clock's chore."""
    now = now or timezone.now()
    late = (
        SubOrder.objects.filter(
            state=states.RELEASED,
            updated_at__lt=now - HAND_OVER_LATE,
            parcel__waybill="",
        )
        .order_by("updated_at")
        .values_list("parcel__pk", flat=True)
    )

    def hand_over(parcel_id: UUID) -> bool:
        try:
            parcel_hand_over(parcel_id)
        except CarrierRefused as refused:
            logger.warning("parcel %s: the carrier refused it: %s", parcel_id, refused)
            return False
        except DatabaseError as error:  # still meeting another, after its tries
            if not is_retryable(error):
                raise
            logger.warning("parcel %s: not recorded yet: %s", parcel_id, error)
            return False
        return True

    return tries_spaced(
        list(late[:50]), key="hand-over", every=HAND_OVER_AGAIN, attempt=hand_over
    )


def refused_pushes_purged() -> int:
    """Carriers' refused pushes older than ``ETALAGE_REFUSED_POSTS_KEEP_DAYS`` are
    deleted (the clock's chore); returns how many."""
    before = timezone.now() - timedelta(days=settings.ETALAGE_REFUSED_POSTS_KEEP_DAYS)
    deleted, _n = CarrierPush.objects.filter(
        verdict=CarrierPush.Verdict.REFUSED, created_at__lt=before
    ).delete()
    return deleted


def carrier_push_receive(
    *, carrier: str, headers: dict[str, str], body: bytes
) -> CarrierPush:
    """Keep a carrier's push as it came, then apply it once: every event recorded
    once, the sub-orders delivered; a push with a bad signature, a malformed event
    or a waybill Étalage never gave is refused whole and changes nothing (but is
    kept, with the reason)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    carrier_secret(carrier)  # a carrier Étalage has no settings for: nothing kept
    try:
        push_precheck(lowered, body)
    except CarrierRefused as refused:  # kept cut short, purged after a while
        CarrierPush.objects.create(
            carrier=carrier[:20],
            webhook_id=storable(lowered.get("webhook-id", "")[:120]),
            headers={
                k: storable(v[:200])
                for k, v in lowered.items()
                if k.startswith("webhook-")
            },
            body=storable(body[:REFUSED_BODY_KEPT].decode("utf-8", "replace")),
            verdict=CarrierPush.Verdict.REFUSED,
            reason=str(refused),
        )
        raise
    push = CarrierPush.objects.create(
        carrier=carrier[:20],
        webhook_id=storable(lowered.get("webhook-id", "")[:120]),
        headers={
            k: storable(v) for k, v in lowered.items() if k.startswith("webhook-")
        },
        body=storable(body.decode("utf-8", "replace")),
    )
    done_before = CarrierPush.objects.filter(
        carrier=push.carrier,
        webhook_id=push.webhook_id,
        verdict=CarrierPush.Verdict.PROCESSED,
    ).exclude(pk=push.pk)
    if push.webhook_id and done_before.exists():
        return _verdict(push, CarrierPush.Verdict.DUPLICATE)

    def apply() -> list[CarrierEvent]:
        events = carrier_push_read(carrier, lowered, body)
        parcels = _parcels_of(carrier, events)
        # A delivery moves its sub-order: its order and sub-orders are locked
        # first, by key, as every change of an order locks them, then the parcels.
        delivered = {
            parcels[e.waybill].sub_order.order_id
            for e in events
            if e.step == Step.DELIVERED
        }
        for order_id in sorted(delivered):
            order_lock(order_id=order_id)
        for event in events:
            if event.step is not None:
                _apply(parcels[event.waybill], carrier, event)
        return events

    try:
        events = atomic_retried(apply)
    except CarrierRefused as refused:
        _verdict(push, CarrierPush.Verdict.REFUSED, str(refused))
        raise
    push.events_count = len(events)
    return _verdict(push, CarrierPush.Verdict.PROCESSED)


def _verdict(push: CarrierPush, verdict: str, reason: str = "") -> CarrierPush:
    push.verdict, push.reason = verdict, reason
    if verdict == CarrierPush.Verdict.REFUSED:  # kept cut short, purged later
        push.body = push.body[:REFUSED_BODY_KEPT]
    push.save(update_fields=["body", "verdict", "reason", "events_count", "updated_at"])
    return push


def _parcels_of(carrier: str, events: list[CarrierEvent]) -> dict[str, Parcel]:
    waybills = {e.waybill for e in events}
    parcels = {
        p.waybill: p
        for p in Parcel.objects.select_related("sub_order").filter(
            carrier=carrier, waybill__in=waybills
        )
    }
    unknown = sorted(waybills - parcels.keys())
    if unknown:
        raise CarrierRefused(
            f"waybill {unknown[0]}: no parcel of this carrier has it", status=422
        )
    return parcels


def _apply(parcel: Parcel, carrier: str, event: CarrierEvent) -> None:
    assert event.step is not None
    recorded = step_record(
        parcel=parcel,
        step=event.step,
        source=f"carrier:{carrier}",
        reference=event.event_id,
        at=event.at,
        place=event.place,
        detail=event.detail,
    )
    sub = parcel.sub_order
    if recorded and event.step == Step.DELIVERED:
        sub.refresh_from_db(fields=["state"])  # as it is now its order is locked
    if recorded and event.step == Step.DELIVERED and sub.state == states.SHIPPED:
        sub_order_move(
            sub_order=sub, to=states.DELIVERED, reason=f"{carrier} {parcel.waybill}"
        )


def push_answer(push: CarrierPush) -> str:
    return json.dumps({"result": push.verdict, "events": push.events_count})
