"""Domain events: typed, stored as JSON, rebuilt for their handlers."""

from uuid import uuid4

import pytest

from etalage.events.types import (
    EVENT_TYPES,
    EventError,
    OrderPaid,
    SubOrderMoved,
    event_from_payload,
)


def test_an_event_comes_back_from_its_payload_as_it_was():
    paid = OrderPaid(order_id=uuid4(), number="E2611-AAAA", sub_order_ids=(uuid4(),))
    payload = paid.to_payload()
    assert payload["order_id"] == str(paid.order_id)
    assert payload["sub_order_ids"] == [str(paid.sub_order_ids[0])]
    assert event_from_payload("OrderPaid", payload) == paid


def test_every_event_type_is_registered_by_its_name():
    assert {"OrderPlaced", "OrderPaid", "OrderCancelled", "SubOrderMoved"} <= set(
        EVENT_TYPES
    )
    assert all(name == cls.name for name, cls in EVENT_TYPES.items())


@pytest.mark.parametrize(
    ("name", "payload", "reason"),
    [
        ("Nothing", {}, "no event type"),
        ("OrderPlaced", {"order_id": str(uuid4())}, "number is missing"),
        ("OrderPlaced", {"order_id": "not-a-key", "number": "E1"}, "order_id"),
        (
            "OrderPaid",
            {"order_id": str(uuid4()), "number": "E1", "sub_order_ids": "one"},
            "expected a list",
        ),
        ("OrderPlaced", {"order_id": str(uuid4()), "number": 7}, "number"),
    ],
)
def test_a_payload_that_does_not_make_its_event_is_refused(name, payload, reason):
    with pytest.raises(EventError, match=reason):
        event_from_payload(name, payload)


def test_events_are_frozen():
    moved = SubOrderMoved(
        order_id=uuid4(),
        sub_order_id=uuid4(),
        number="E1-1",
        from_state="paid",
        to_state="customs_declared",
    )
    with pytest.raises(AttributeError):
        moved.to_state = "shipped"  # type: ignore[misc]


@pytest.mark.django_db
def test_an_undeliverable_event_stays_in_the_outbox_with_the_reason():
    from etalage.events.models import OutboxEvent
    from etalage.events.outbox import outbox_deliver

    row = OutboxEvent.objects.create(topic="OrderPlaced", payload={"number": "E1"})
    assert outbox_deliver() == 0
    row.refresh_from_db()
    assert row.delivered_at is None and "order_id is missing" in row.last_error
