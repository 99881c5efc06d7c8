"""The last mile: a released parcel goes to the sandbox carrier, whose signed pushes
(over HTTP, through the test client) move it to delivered; forged, stale, malformed
and unknown pushes are refused whole."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from etalage.events.outbox import outbox_deliver
from etalage.logistics import sandbox_carrier
from etalage.logistics.carriers import carrier_secret, push_body
from etalage.logistics.models import CarrierPush, Parcel, TrackingEvent
from etalage.logistics.services import hub_receive, parcel_pack
from etalage.logistics.vocabulary import Step
from etalage.orders import states
from etalage.orders.services import sub_order_move

URL = "/logistics/carriers/sandbox/events"


@pytest.fixture
def over_http(client, monkeypatch, settings):
    """The sandbox carrier posts its pushes to Étalage's endpoint through the test
    client; returns the answers."""
    settings.ETALAGE_CARRIER_SANDBOX = True
    settings.ETALAGE_CARRIER_SANDBOX_STEP_SECONDS = 10
    answers = []

    def transport(method, url, headers, body):
        response = client.post(
            urlsplit(url).path,
            data=body,
            content_type=headers["Content-Type"],
            headers={k: v for k, v in headers.items() if k != "Content-Type"},
        )
        answers.append((response.status_code, response.content))
        return response.status_code, {}, response.content

    monkeypatch.setattr(sandbox_carrier, "PUSH_TRANSPORT", [transport])
    return answers


def _release(shopping, capture, *, handed_over=True):
    from etalage.orders.services import order_pay

    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    sub = order_pay(order=shopping.place(buyer).order).sub_orders.get()
    parcel = parcel_pack(sub_order=sub, grams=300)
    hub_receive(code=parcel.code, grams=300)
    for state in (states.CUSTOMS_DECLARED, states.RELEASED):
        sub = sub_order_move(sub_order=sub, to=state, reason="customs")
    # The release reaches logistics: to the carrier, after commit (unless the
    # process dies first and the task is never queued).
    with capture(execute=handed_over):
        outbox_deliver()
    parcel.refresh_from_db()
    return parcel


@pytest.fixture
def released(shopping, django_capture_on_commit_callbacks):
    return _release(shopping, django_capture_on_commit_callbacks)


def test_the_carrier_takes_the_parcel_and_its_pushes_deliver_it(
    client, released, over_http, django_capture_on_commit_callbacks
):
    from django.core import mail

    from etalage.ledger.models import SubOrderBook

    assert released.carrier == "sandbox" and released.waybill.startswith("SBX")
    assert released.sub_order.state == states.SHIPPED
    start = released.events.get(step=Step.CUSTOMS_RELEASED).at
    steps = len(sandbox_carrier._steps(sandbox_carrier.SandboxShipment.objects.get()))
    for n in range(1, steps + 1):
        assert (
            sandbox_carrier.sandbox_carrier_advanced(
                now=timezone.now() + timedelta(seconds=10 * n + 1)
            )
            == 1
        )
    assert all(status == 200 for status, _ in over_http)
    released.sub_order.refresh_from_db()
    assert released.sub_order.state == states.DELIVERED
    timeline = list(released.events.values_list("step", flat=True))
    assert timeline[-1] == Step.DELIVERED and Step.OUT_FOR_DELIVERY in timeline
    assert released.events.get(step=Step.DELIVERED).at > start
    client.force_login(released.sub_order.order.buyer)
    page = client.get(f"/en/orders/{released.sub_order.order.number}/").content.decode()
    assert f"Carrier's waybill: {released.waybill}" in page
    # Delivered: the ledger charged the commission (the return window starts).
    assert SubOrderBook.objects.get(pk=released.sub_order_id).delivered_at is not None
    # The buyer is told of release, out for delivery and delivery by email.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outbox_deliver()
    subjects = [m.subject for m in mail.outbox]
    number = released.sub_order.order.number
    assert f"Order {number}: Delivered" in subjects
    assert f"Order {number}: Out for delivery" in subjects
    delivered = next(m for m in mail.outbox if m.subject.endswith("Delivered"))
    assert released.waybill in delivered.body and "Beijing time" in delivered.body


def _signed(body: str, *, secret=None, at=None, message_id="msg_1"):
    at = at or datetime.now(UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret or carrier_secret("sandbox")).sign(
            message_id, at, body
        ),
    }


def _post(client, body, headers):
    return client.post(URL, data=body, content_type="application/json", headers=headers)


def _event(waybill, status="OutForDelivery", event_id="E1"):
    return {
        "id": event_id,
        "waybill": waybill,
        "status": status,
        "time": "2026-12-02T09:30:00+08:00",
        "location": "上海市",
    }


def test_forged_stale_malformed_and_unknown_pushes_change_nothing(client, released):
    before = TrackingEvent.objects.count()
    body = push_body([_event(released.waybill)])
    forged = _post(client, body, _signed(body, secret="whsec_" + "A" * 32))
    assert forged.status_code == 401 and "signature refused" in forged.json()["error"]
    stale = _post(
        client, body, _signed(body, at=datetime.now(UTC) - timedelta(minutes=6))
    )
    assert stale.status_code == 401 and "too old" in stale.json()["error"]
    bad = push_body([{**_event(released.waybill), "status": "Teleported"}])
    malformed = _post(client, bad, _signed(bad))
    assert malformed.status_code == 400
    assert (
        "events[0].status: 'Teleported' is not a known status"
        in malformed.json()["error"]
    )
    mixed = push_body(
        [_event(released.waybill), _event("SBX0000000000", event_id="E2")]
    )
    unknown = _post(client, mixed, _signed(mixed))
    assert unknown.status_code == 422 and "SBX0000000000" in unknown.json()["error"]
    assert TrackingEvent.objects.count() == before  # nothing changed
    assert set(CarrierPush.objects.values_list("verdict", flat=True)) == {"refused"}


def test_a_push_sent_twice_and_an_event_sent_twice_count_once(client, released):
    body = push_body([_event(released.waybill)])
    first = _post(client, body, _signed(body, message_id="msg_a"))
    again = _post(client, body, _signed(body, message_id="msg_a"))
    other = _post(client, body, _signed(body, message_id="msg_b"))  # same event
    assert [r.json()["result"] for r in (first, again, other)] == [
        "processed",
        "duplicate",
        "processed",
    ]
    assert released.events.filter(step=Step.OUT_FOR_DELIVERY).count() == 1
    assert json.loads(CarrierPush.objects.first().body)["events"][0]["id"] == "E1"
    assert Parcel.objects.get().waybill == released.waybill


def test_a_parcel_whose_hand_over_was_lost_or_refused_is_handed_over_by_the_clock(
    shopping, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    from django.core.cache import cache

    from etalage.core.clock import _CHORES
    from etalage.logistics import last_mile
    from etalage.logistics.carriers import CarrierRefused

    parcel = _release(shopping, django_capture_on_commit_callbacks, handed_over=False)
    assert parcel.waybill == "" and parcel.sub_order.state == states.RELEASED
    chore = _CHORES["parcels_handed_over_late"]
    assert chore is last_mile.parcels_handed_over_late
    assert chore() == 0  # released a moment ago: its task may still be on its way
    later = timezone.now() + timedelta(seconds=61)

    def refused(parcel):
        raise CarrierRefused("the carrier is down")

    monkeypatch.setattr(last_mile, "_hand_over", refused)
    assert chore(now=later) == 0
    assert "the carrier is down" in caplog.text
    parcel.refresh_from_db()
    assert parcel.waybill == "" and parcel.sub_order.state == states.RELEASED
    monkeypatch.undo()
    assert chore(now=later) == 0  # tried a moment ago: not again before 5 minutes
    cache.delete(f"etalage:try:hand-over:{parcel.pk}")  # five minutes later
    assert chore(now=later) == 1
    parcel.refresh_from_db()
    assert parcel.carrier == "sandbox" and parcel.waybill.startswith("SBX")
    assert parcel.sub_order.state == states.SHIPPED
    cache.delete(f"etalage:try:hand-over:{parcel.pk}")
    assert chore(now=later) == 0  # handed over once


def test_the_carrier_is_asked_with_no_transaction_open(
    shopping, django_capture_on_commit_callbacks, no_call_in_transaction
):
    parcel = _release(shopping, django_capture_on_commit_callbacks)
    assert parcel.waybill.startswith("SBX")
    assert no_call_in_transaction  # the carrier was asked, outside a transaction


@pytest.mark.parametrize(
    "signature", ["garbage", "v1", "v1,!!!not-base64", "v1,AAA", "v1,ab\x00"]
)
def test_a_malformed_signature_header_is_refused_not_an_error(
    client, released, signature
):
    body = push_body([_event(released.waybill)])
    headers = {**_signed(body), "webhook-signature": signature}
    client.raise_request_exception = False
    answer = _post(client, body, headers)
    assert answer.status_code == 400, answer.status_code
    assert "webhook-signature" in answer.json()["error"]


def test_a_body_that_is_not_utf8_is_refused_not_an_error(client, released):
    body = b'{"events": ["\xff\xfe"]}'
    client.raise_request_exception = False
    answer = client.post(
        URL,
        data=body,
        content_type="application/json",
        headers=_signed(body.decode("latin-1")),
    )
    assert answer.status_code == 400 and "UTF-8" in answer.json()["error"]
