"""The delivery promise: how long a route's parcels took, the window a buyer is told
before paying, and where a parcel stands against it. Pure: no Django.

A route's parcels are measured from their timelines (``logistics``): for each
delivered parcel, the hours from payment to each step it reached — packed, received
at the Liège hub, departed, arrived in China, released by customs, out for delivery,
delivered (the bonded route skips the hub and the flight). Over the route's recent
deliveries, each step's 10th, 50th and 90th percentiles make a ``RouteTransit``:

- the **window** shown on the product page, in the cart and at checkout runs from
  the 10th percentile of payment-to-delivery to the 90th (at least three days
  wide), counted from now;
- a parcel on its way is **expected** at its last step's time plus what typically
  (the medians) remained from that step to delivery; it is *late by N days* when
  that, or today, is past the promised last day.

Until a route has ``MINIMUM_PARCELS`` deliveries in the period measured, a
conservative default stands in (``DEFAULTS``: wider and later than the hub's own
late-parcel thresholds add up to), and pages say nothing of history.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from etalage.core.time_zones import BEIJING

PAID = "paid"
# The steps of a parcel's way, in order (logistics.vocabulary's names), after payment.
MILESTONES = (
    PAID,
    "info_received",
    "received_at_hub",
    "departed_liege",
    "arrived_in_china",
    "customs_released",
    "out_for_delivery",
    "delivered",
)
DELIVERED = "delivered"
MINIMUM_PARCELS = 20  # deliveries of a route before its history is trusted
WINDOW_DAYS_AT_LEAST = 2  # the last day at least two days after the first

Hours = tuple[float, float, float]  # 10th, 50th and 90th percentiles


def _days(*values: float) -> Hours:
    low, median, high = (v * 24 for v in values)
    return (low, median, high)


# Hours from payment to each step, when a route has no history yet. Direct mail:
# up to 3 days to hand over (ETALAGE_HANDLING_DAYS), 2 at the hub, 2 in the air,
# 3 at customs, 7 with the carrier: the 90th percentile is 16 days.
DEFAULTS: dict[str, dict[str, Hours]] = {
    "direct_liege": {
        "info_received": _days(0.5, 1, 3),
        "received_at_hub": _days(1.5, 3, 5),
        "departed_liege": _days(2, 4, 7),
        "arrived_in_china": _days(3, 5, 9),
        "customs_released": _days(4, 7, 12),
        "out_for_delivery": _days(6, 9, 15),
        "delivered": _days(8, 10, 16),
    },
    "bonded": {
        "info_received": _days(0.25, 0.5, 1),
        "customs_released": _days(1, 1.5, 3),
        "out_for_delivery": _days(1.5, 2.5, 4),
        "delivered": _days(2, 3, 5),
    },
    "domestic": {
        "info_received": _days(0.25, 0.5, 1),
        "out_for_delivery": _days(1.5, 2.5, 4),
        "delivered": _days(2, 3, 5),
    },
}


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0 to 1) of ``values``, interpolated between the two
    nearest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * q
    below, above = math.floor(position), math.ceil(position)
    share = position - below
    return ordered[below] + (ordered[above] - ordered[below]) * share


@dataclass(frozen=True, slots=True)
class Journey:
    """One delivered parcel: when it was paid and when it reached each step."""

    paid_at: datetime
    reached: Mapping[str, datetime]  # step -> the first time it was recorded

    def hours(self) -> dict[str, float]:
        return {
            step: (at - self.paid_at).total_seconds() / 3600
            for step, at in self.reached.items()
            if at >= self.paid_at
        }


@dataclass(frozen=True, slots=True)
class RouteTransit:
    """How long a route's parcels take from payment to each step (hours: 10th,
    50th, 90th percentiles), and from how many deliveries (0: the default)."""

    route: str
    parcels: int
    to_step: Mapping[str, Hours] = field(default_factory=dict)

    @property
    def from_history(self) -> bool:
        return self.parcels > 0

    def as_data(self) -> dict[str, object]:
        """What is stored (JSON)."""
        return {step: list(hours) for step, hours in self.to_step.items()}


def route_default(route: str) -> RouteTransit:
    return RouteTransit(route, 0, DEFAULTS.get(route, DEFAULTS["direct_liege"]))


def route_transit(
    route: str, journeys: Iterable[Journey], *, minimum: int = MINIMUM_PARCELS
) -> RouteTransit:
    """The route's transit from its delivered parcels' journeys, or its default
    when fewer than ``minimum`` were delivered."""
    measured = [j.hours() for j in journeys]
    measured = [h for h in measured if DELIVERED in h]
    if len(measured) < minimum:
        return route_default(route)
    to_step: dict[str, Hours] = {}
    for step in MILESTONES[1:]:
        values = [h[step] for h in measured if step in h]
        if len(values) >= minimum or step == DELIVERED:
            to_step[step] = (
                percentile(values, 0.1),
                percentile(values, 0.5),
                percentile(values, 0.9),
            )
    return RouteTransit(route, len(measured), to_step)


def route_transit_read(
    route: str, parcels: int, data: Mapping[str, object]
) -> RouteTransit:
    """A stored transit back (``RouteTransit.as_data``); the default if it is not
    one."""
    try:
        to_step = {
            str(step): _hours(values)
            for step, values in data.items()
            if step in MILESTONES
        }
    except (TypeError, ValueError):
        return route_default(route)
    if DELIVERED not in to_step or parcels <= 0:
        return route_default(route)
    return RouteTransit(route, parcels, to_step)


def _hours(values: object) -> Hours:
    if not isinstance(values, list | tuple) or len(values) != 3:
        raise ValueError("three numbers expected")
    low, median, high = (float(v) for v in values)
    return (low, median, high)


@dataclass(frozen=True, slots=True)
class DeliveryWindow:
    """The days a parcel paid now should arrive between (Beijing dates)."""

    earliest: date
    latest: date
    parcels: int  # the deliveries it is computed from (0: the default)


def delivery_window(transit: RouteTransit, now: datetime) -> DeliveryWindow:
    """The window for a parcel paid at ``now`` (aware)."""
    low, _median, high = transit.to_step[DELIVERED]
    earliest = (now + timedelta(hours=low)).astimezone(BEIJING).date()
    latest = (now + timedelta(hours=high)).astimezone(BEIJING).date()
    latest = max(latest, earliest + timedelta(days=WINDOW_DAYS_AT_LEAST))
    return DeliveryWindow(earliest, latest, transit.parcels)


class Standing(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    DELIVERED_ON_TIME = "delivered_on_time"
    DELIVERED_LATE = "delivered_late"


@dataclass(frozen=True, slots=True)
class ParcelStanding:
    """Where a parcel stands against its promise."""

    standing: Standing
    days_late: int  # 0 when on time
    expected: date  # delivered on, or expected on (Beijing)


def parcel_standing(
    *,
    promised_by: date,
    transit: RouteTransit,
    reached: Mapping[str, datetime],
    now: datetime,
) -> ParcelStanding | None:
    """How a parcel paid (``reached[PAID]``) stands against ``promised_by``: by its
    delivery, else by when it is expected from its last step; None before payment."""
    if DELIVERED in reached:
        on = reached[DELIVERED].astimezone(BEIJING).date()
        late = max(0, (on - promised_by).days)
        kind = Standing.DELIVERED_LATE if late else Standing.DELIVERED_ON_TIME
        return ParcelStanding(kind, late, on)
    last = next((s for s in reversed(MILESTONES) if s in reached), None)
    if last is None:
        return None
    to_delivery = transit.to_step[DELIVERED][1]
    done = 0.0 if last == PAID else _median_to(transit, last)
    left = max(to_delivery - done, 0.0)
    expected_at = max(reached[last] + timedelta(hours=left), now)
    expected = expected_at.astimezone(BEIJING).date()
    today = now.astimezone(BEIJING).date()
    late = max(0, (expected - promised_by).days, (today - promised_by).days)
    return ParcelStanding(Standing.LATE if late else Standing.ON_TIME, late, expected)


def _median_to(transit: RouteTransit, step: str) -> float:
    """The median hours from payment to ``step``, or, where the route has none
    measured for it, to the nearest step before it that has one."""
    for earlier in reversed(MILESTONES[1 : MILESTONES.index(step) + 1]):
        if earlier in transit.to_step:
            return transit.to_step[earlier][1]
    return 0.0
