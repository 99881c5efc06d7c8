"""How long each route's parcels actually took, measured from their timelines: the
clock's chore behind the delivery promise (``orders.promise``).

Once an hour (``ETALAGE_PROMISE_MEASURE_SECONDS``) it reads the parcels delivered in
the last ``ETALAGE_PROMISE_PERIOD_DAYS`` (at most the latest 500 of each route):
their payment (the sub-order's move to paid) and the first time each step of their
timeline was recorded (packed, received at the hub, departed Liège, arrived in
China, released by customs, out for delivery, delivered). Three queries, whatever
the number of parcels; the percentiles are computed by the pure core and kept in
one row per route, which pages read as reference data.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from etalage.customs.routes import Route
from etalage.logistics.models import TrackingEvent
from etalage.logistics.vocabulary import Step
from etalage.orders import states
from etalage.orders.models import OrderTransition
from etalage.orders.promise import (
    MILESTONES,
    MINIMUM_PARCELS,
    PAID,
    Journey,
    route_transit,
)
from etalage.orders.transit_times import route_transits_save

PER_ROUTE = 500


def route_journeys(*, now: datetime) -> dict[str, list[Journey]]:
    """The journeys of the parcels delivered recently, by route, newest first."""
    since = now - timedelta(days=settings.ETALAGE_PROMISE_PERIOD_DAYS)
    delivered = (
        TrackingEvent.objects.filter(step=Step.DELIVERED, at__gte=since, at__lte=now)
        .order_by("-at")
        .values_list("parcel_id", "parcel__sub_order_id", "parcel__sub_order__route")
    )
    routes: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
    seen = set()
    for parcel_id, sub_order_id, route in delivered[: PER_ROUTE * 4]:
        if parcel_id not in seen and len(routes[route]) < PER_ROUTE:
            seen.add(parcel_id)
            routes[route].append((parcel_id, sub_order_id))
    parcel_ids = [p for pairs in routes.values() for p, _s in pairs]
    reached: dict[Any, dict[str, datetime]] = defaultdict(dict)
    for parcel_id, step, at in TrackingEvent.objects.filter(
        parcel_id__in=parcel_ids, step__in=MILESTONES[1:]
    ).values_list("parcel_id", "step", "at"):
        first = reached[parcel_id].get(step)
        reached[parcel_id][step] = at if first is None else min(first, at)
    paid: dict[Any, datetime] = {}
    for sub_order_id, at in OrderTransition.objects.filter(
        sub_order_id__in=[s for pairs in routes.values() for _p, s in pairs],
        to_state=states.PAID,
    ).values_list("sub_order_id", "at"):
        paid[sub_order_id] = min(paid.get(sub_order_id, at), at)
    return {
        route: [
            Journey(paid_at=paid[s], reached={PAID: paid[s], **reached[p]})
            for p, s in pairs
            if s in paid
        ]
        for route, pairs in routes.items()
    }


def route_transits_measured(
    *,
    now: datetime | None = None,
    force: bool = False,
    minimum: int = MINIMUM_PARCELS,
) -> int:
    """Measure every route's transit times again, at most once per
    ``ETALAGE_PROMISE_MEASURE_SECONDS`` (the clock's chore); returns how many routes
    were measured."""
    every = settings.ETALAGE_PROMISE_MEASURE_SECONDS
    if not force and not cache.add("etalage:route-transits-measured", 1, every):
        return 0
    now = now or timezone.now()
    journeys = route_journeys(now=now)
    return route_transits_save(
        transits=[
            route_transit(r, journeys.get(r, []), minimum=minimum) for r in Route.values
        ],
        now=now,
    )
