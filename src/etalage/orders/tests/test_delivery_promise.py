"""The delivery promise's pure core: percentiles of what a route's parcels took,
the window a buyer is told, and where a parcel stands against it."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etalage.orders.promise import (
    DELIVERED,
    PAID,
    Journey,
    Standing,
    delivery_window,
    parcel_standing,
    percentile,
    route_default,
    route_transit,
    route_transit_read,
)

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


def journey(delivered_days, **steps_days):
    reached = {PAID: T0, DELIVERED: T0 + timedelta(days=delivered_days)}
    reached |= {step: T0 + timedelta(days=d) for step, d in steps_days.items()}
    return Journey(paid_at=T0, reached=reached)


def test_percentiles_interpolate_between_ranks():
    assert percentile([1, 2, 3, 4, 5], 0.5) == 3
    assert percentile([1, 2, 3, 4, 5], 0.1) == pytest.approx(1.4)
    assert percentile([10], 0.9) == 10
    with pytest.raises(ValueError):
        percentile([], 0.5)


@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=50))
def test_the_three_percentiles_are_in_order_within_the_values(values):
    low, median, high = (percentile(values, q) for q in (0.1, 0.5, 0.9))
    assert min(values) <= low <= median <= high <= max(values)


def test_a_route_with_few_deliveries_keeps_its_conservative_default():
    transit = route_transit("direct_liege", [journey(9)] * 19)
    assert transit == route_default("direct_liege") and not transit.from_history
    window = delivery_window(transit, T0)
    assert (window.earliest, window.latest) == (date(2026, 12, 9), date(2026, 12, 17))


def test_twenty_deliveries_make_the_window_from_their_10th_to_90th_percentile():
    journeys = [journey(days, customs_released=days - 3) for days in range(5, 25)]
    transit = route_transit("direct_liege", journeys)
    assert transit.parcels == 20 and transit.from_history
    low, median, high = transit.to_step[DELIVERED]
    assert (low / 24, median / 24, high / 24) == pytest.approx((6.9, 14.5, 22.1))
    window = delivery_window(transit, T0)
    # 10:00 in Beijing on 1 December, plus 6.9 and 22.1 days.
    assert (window.earliest, window.latest) == (date(2026, 12, 8), date(2026, 12, 23))
    assert window.parcels == 20


def test_a_narrow_history_still_gives_a_window_three_days_wide():
    transit = route_transit("bonded", [journey(2)] * 30)
    window = delivery_window(transit, T0)
    assert (window.latest - window.earliest).days == 2


def test_a_stored_transit_reads_back_and_a_broken_one_is_the_default():
    transit = route_transit("bonded", [journey(d) for d in range(2, 30)])
    stored = route_transit_read("bonded", transit.parcels, transit.as_data())
    assert stored == transit
    assert route_transit_read("bonded", 5, {"delivered": "x"}) == route_default(
        "bonded"
    )
    assert route_transit_read("bonded", 0, transit.as_data()) == route_default("bonded")


PROMISED_BY = date(2026, 12, 17)
DEFAULT = route_default("direct_liege")


def test_a_parcel_delivered_by_the_last_day_was_on_time_and_after_it_late():
    on_time = parcel_standing(
        promised_by=PROMISED_BY,
        transit=DEFAULT,
        reached={PAID: T0, DELIVERED: T0 + timedelta(days=12)},
        now=T0 + timedelta(days=20),
    )
    assert (on_time.standing, on_time.days_late) == (Standing.DELIVERED_ON_TIME, 0)
    late = parcel_standing(
        promised_by=PROMISED_BY,
        transit=DEFAULT,
        reached={PAID: T0, DELIVERED: T0 + timedelta(days=18)},
        now=T0 + timedelta(days=20),
    )
    assert (late.standing, late.days_late) == (Standing.DELIVERED_LATE, 2)
    assert late.expected == date(2026, 12, 19)


def test_a_parcel_on_its_way_is_expected_from_its_last_step():
    # Released by customs on day 7: the median left is 10 - 7 = 3 days.
    reached = {PAID: T0, "customs_released": T0 + timedelta(days=7)}
    now = T0 + timedelta(days=7, hours=1)
    standing = parcel_standing(
        promised_by=PROMISED_BY, transit=DEFAULT, reached=reached, now=now
    )
    assert (standing.standing, standing.expected) == (
        Standing.ON_TIME,
        date(2026, 12, 11),
    )


def test_a_parcel_slow_at_a_step_is_late_by_the_days_it_will_miss():
    # Released only on 17 December: three days more make 20 December.
    reached = {PAID: T0, "customs_released": T0 + timedelta(days=16)}
    now = T0 + timedelta(days=16)
    standing = parcel_standing(
        promised_by=PROMISED_BY, transit=DEFAULT, reached=reached, now=now
    )
    assert (standing.standing, standing.days_late) == (Standing.LATE, 3)
    assert standing.expected == date(2026, 12, 20)


def test_a_parcel_not_delivered_past_its_last_day_is_late_by_the_days_passed():
    reached = {PAID: T0, "out_for_delivery": T0 + timedelta(days=9)}
    now = T0 + timedelta(days=21)
    standing = parcel_standing(
        promised_by=PROMISED_BY, transit=DEFAULT, reached=reached, now=now
    )
    assert (standing.standing, standing.days_late) == (Standing.LATE, 5)


def test_a_parcel_not_paid_has_no_standing():
    assert (
        parcel_standing(promised_by=PROMISED_BY, transit=DEFAULT, reached={}, now=T0)
        is None
    )
