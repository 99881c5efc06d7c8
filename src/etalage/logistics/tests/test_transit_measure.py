"""The delivery promise measured from the parcels' timelines: the clock's chore reads
the route's delivered parcels in three queries and keeps their percentiles, which
the checkout then promises from."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from etalage.logistics.models import TrackingEvent
from etalage.logistics.services import parcel_pack, step_record
from etalage.logistics.transit_measure import route_transits_measured
from etalage.logistics.vocabulary import Step
from etalage.orders import states
from etalage.orders.models import OrderTransition, RouteTransit
from etalage.orders.services import order_pay
from etalage.orders.transit_times import delivery_windows

NOW = datetime(2024, 7, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


def delivered_parcel(shopping, n, *, paid_days_ago, took_days):
    """A direct-mail parcel paid ``paid_days_ago`` and delivered ``took_days`` later,
    its timeline's steps between."""
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    order = shopping.place(buyer, key=f"m{n}").order
    order_pay(order=order, reason="paid")
    sub = order.sub_orders.get()
    paid_at = NOW - timedelta(days=paid_days_ago)
    OrderTransition.objects.filter(sub_order=sub, to_state=states.PAID).update(
        at=paid_at
    )
    parcel = parcel_pack(sub_order=sub, grams=sub.weight_grams + 100)
    TrackingEvent.objects.filter(parcel=parcel).update(at=paid_at + timedelta(days=1))
    for step, share in ((Step.CUSTOMS_RELEASED, 0.6), (Step.DELIVERED, 1.0)):
        step_record(
            parcel=parcel,
            step=step,
            source="test",
            reference=step,
            at=paid_at + timedelta(days=took_days * share),
        )
    return parcel


def test_the_route_s_window_comes_from_what_its_parcels_took(shopping):
    for n, took in enumerate((6, 8, 9, 10, 14)):
        delivered_parcel(shopping, n, paid_days_ago=30, took_days=took)
    with CaptureQueriesContext(connection) as queries:
        measured = route_transits_measured(now=NOW, force=True, minimum=5)
    reads = [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert measured == 3  # every route: direct mail measured, the others default
    assert len(reads) <= 3 + 3  # the timelines in three reads; a look-up per route
    row = RouteTransit.objects.get(route="direct_liege")
    assert row.parcels == 5
    low, median, high = row.to_step["delivered"]
    assert (low / 24, median / 24, high / 24) == pytest.approx((6.8, 9, 12.4))
    window = delivery_windows(["direct_liege"], now=NOW)["direct_liege"]
    assert (window.earliest, window.latest, window.parcels) == (
        date(2024, 7, 8),
        date(2024, 7, 13),
        5,
    )


def test_without_enough_deliveries_the_default_is_promised(shopping):
    delivered_parcel(shopping, 1, paid_days_ago=30, took_days=3)
    route_transits_measured(now=NOW, force=True)  # 1 < 20 deliveries
    window = delivery_windows(["direct_liege"], now=NOW)["direct_liege"]
    assert window.parcels == 0
    assert (window.earliest, window.latest) == (date(2024, 7, 9), date(2024, 7, 17))


def test_parcels_delivered_before_the_period_are_not_measured(shopping, settings):
    settings.ETALAGE_PROMISE_PERIOD_DAYS = 10
    for n in range(3):
        delivered_parcel(shopping, n, paid_days_ago=40, took_days=5)
    route_transits_measured(now=NOW, force=True, minimum=3)
    assert RouteTransit.objects.get(route="direct_liege").parcels == 0


def test_the_clock_measures_once_an_hour(shopping):
    assert route_transits_measured(now=NOW) == 3
    assert route_transits_measured(now=NOW) == 0
