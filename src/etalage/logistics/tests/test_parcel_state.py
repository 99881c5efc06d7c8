"""A parcel's state follows it all the way: received at the hub, in flight,
arrived at customs, released, with the carrier, out for delivery (and back after a
failed attempt), delivered; a carrier's late or repeated news never takes it back;
parcels stored before this take the state their steps say."""

import importlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from standardwebhooks import Webhook

from etalage.events.outbox import outbox_deliver
from etalage.logistics.carriers import carrier_secret, push_body
from etalage.logistics.consolidation import (
    bag_fill,
    bag_seal,
    flight_arrive,
    flight_create,
    flight_depart,
    flight_load,
)
from etalage.logistics.models import Parcel
from etalage.logistics.selectors import (
    parcels_late_to_hand_over,
    sub_orders_on_their_way,
)
from etalage.logistics.services import hub_receive, parcel_hand_over, parcel_pack
from etalage.orders import states
from etalage.orders.services import sub_order_move

URL = "/logistics/carriers/sandbox/events"


def _push(client, waybill, *events):
    """The sandbox carrier's signed push of ``events`` (status, id, local time)."""
    body = push_body(
        [
            {
                "id": event_id,
                "waybill": waybill,
                "status": status,
                "time": f"2026-12-0{day}T09:30:00+08:00",
                "location": "上海市",
            }
            for status, event_id, day in events
        ]
    )
    at = datetime.now(UTC)
    message_id = "msg_" + "_".join(e[1] for e in events)
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(carrier_secret("sandbox")).sign(
            message_id, at, body
        ),
    }
    answer = client.post(
        URL, data=body, content_type="application/json", headers=headers
    )
    assert answer.status_code == 200, answer.content
    return json.loads(answer.content)


def _state(parcel):
    parcel.refresh_from_db()
    return parcel.state


def test_the_state_follows_the_parcel_from_the_merchant_to_the_door(
    client, shopping, settings, django_capture_on_commit_callbacks
):
    from etalage.orders.services import order_pay

    settings.ETALAGE_CARRIER_SANDBOX = True
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    sub = order_pay(order=shopping.place(buyer).order).sub_orders.get()
    parcel = parcel_pack(sub_order=sub, grams=400)
    assert _state(parcel) == "packed"
    parcel_hand_over(parcel=parcel)
    assert _state(parcel) == "handed_over"
    hub_receive(code=parcel.code, grams=400)
    assert _state(parcel) == "received"
    bag = bag_seal(bag=bag_fill(bag_code="BAG-1", codes=[parcel.code]))
    flight = flight_create(
        mawb="176-12345675", airline="", flight_number="EK9810", destination="CGO"
    )
    flight_load(flight=flight, bag=bag)
    assert _state(parcel) == "received"  # bagged, still at the hub
    flight_depart(flight=flight)
    assert _state(parcel) == "departed"
    assert sub_orders_on_their_way([sub.pk]) == {sub.pk}
    assert not parcels_late_to_hand_over().filter(pk=sub.pk).exists()
    flight_arrive(flight=flight)
    assert _state(parcel) == "arrived"
    for moved in (states.CUSTOMS_DECLARED, states.RELEASED):
        sub = sub_order_move(sub_order=sub, to=moved, reason="customs")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        outbox_deliver()  # the release reaches logistics
    assert _state(parcel) == "released"
    for callback in queued:  # the task hands it to the carrier
        callback()
    assert _state(parcel) == "with_carrier" and parcel.waybill
    _push(client, parcel.waybill, ("OutForDelivery", "E1", 2))
    assert _state(parcel) == "out_for_delivery"
    _push(client, parcel.waybill, ("AttemptFail", "E2", 3))
    assert _state(parcel) == "delivery_failed"
    # The carrier's news of the day before, late: the failed attempt stands.
    _push(client, parcel.waybill, ("OutForDelivery", "E0", 1))
    assert _state(parcel) == "delivery_failed"
    _push(client, parcel.waybill, ("OutForDelivery", "E3", 4))
    assert _state(parcel) == "out_for_delivery"
    _push(client, parcel.waybill, ("Delivered", "E4", 5))
    assert _state(parcel) == "delivered"
    sub.refresh_from_db()
    assert sub.state == states.DELIVERED
    # Repeated or late news after delivery changes nothing.
    _push(client, parcel.waybill, ("OutForDelivery", "E5", 4), ("InTransit", "E6", 1))
    assert _state(parcel) == "delivered"


def test_parcels_stored_before_take_the_state_their_steps_say(shopping, settings):
    """The data migration, on parcels left "received at the hub" (or "packed" by
    the bonded warehouse) after their flight, their release or their delivery."""
    from etalage.logistics.services import step_record
    from etalage.logistics.vocabulary import Step
    from etalage.orders.services import order_pay

    migration = importlib.import_module(
        "etalage.logistics.migrations.0004_parcel_state_follows"
    )
    made = []
    for n in range(5):
        buyer = shopping.buyer()
        shopping.cart(buyer, [(shopping.products["a"], 1)])
        sub = order_pay(order=shopping.place(buyer, key=f"k{n}").order).sub_orders.get()
        parcel = parcel_pack(sub_order=sub, grams=400)
        hub_receive(code=parcel.code, grams=400)
        made.append(parcel)
    at = datetime(2026, 12, 1, tzinfo=UTC)
    stories = [
        [],  # still at the hub
        [Step.DEPARTED_LIEGE],
        [Step.DEPARTED_LIEGE, Step.ARRIVED_IN_CHINA, Step.CUSTOMS_RELEASED],
        [Step.DEPARTED_LIEGE, Step.OUT_FOR_DELIVERY, Step.DELIVERY_FAILED,
         Step.OUT_FOR_DELIVERY],
        [Step.DEPARTED_LIEGE, Step.DELIVERED, Step.OUT_FOR_DELIVERY],  # a late push
    ]  # fmt: skip
    for parcel, story in zip(made, stories, strict=True):
        for n, step in enumerate(story):
            step_record(
                parcel=parcel,
                step=step,
                source="old",
                reference=f"{n}",
                at=at + timedelta(hours=n),
            )
    Parcel.objects.filter(pk__in=[p.pk for p in made[:3]]).update(waybill="")
    Parcel.objects.filter(pk=made[2].pk).update(waybill="SBX1")
    Parcel.objects.update(state="received")  # as they were stored before
    migration.states_follow_their_steps(apps, None)
    assert [_state(p) for p in made] == [
        "received",
        "departed",
        "with_carrier",
        "out_for_delivery",
        "delivered",
    ]


@pytest.mark.parametrize(
    "state", ["departed", "arrived", "with_carrier", "out_for_delivery", "delivered"]
)
def test_every_state_past_the_hub_reads_in_four_languages(state):
    from django.utils import translation

    for language in ("en", "fr", "nl", "zh-hans"):
        with translation.override(language):
            label = str(Parcel.State(state).label)
        assert label and (language == "en" or label != str(Parcel.State(state).label))
