"""The delivery promise as pages and the API read it: each route's transit times,
kept in one small table the clock refreshes from the parcels' timelines
(``logistics.transit_measure``) and reused as reference data, so a product page
pays no query for it once the reference cache holds it; and the promise in the
reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from etalage.core.reference import reference_cached
from etalage.orders import states
from etalage.orders.models import RouteTransit as RouteTransitRow
from etalage.orders.models import SubOrder
from etalage.orders.promise import (
    PAID,
    DeliveryWindow,
    ParcelStanding,
    RouteTransit,
    Standing,
    delivery_window,
    parcel_standing,
    route_default,
    route_transit_read,
)

CACHE_KEY = "etalage:route-transits"


def route_transits() -> dict[str, RouteTransit]:
    """Every route's transit times measured so far (a route not measured yet is
    missing: its default stands in). Reference data: one query, then cached."""

    def build() -> dict[str, RouteTransit]:
        return {
            row.route: route_transit_read(row.route, row.parcels, row.to_step)
            for row in RouteTransitRow.objects.all()
        }

    return reference_cached(CACHE_KEY, build)


def route_transit_of(route: str) -> RouteTransit:
    return route_transits().get(str(route)) or route_default(str(route))


def delivery_windows(
    routes: Iterable[str], now: datetime | None = None
) -> dict[str, DeliveryWindow]:
    """The window a parcel of each of ``routes`` paid ``now`` should arrive in."""
    now = now or timezone.now()
    return {str(r): delivery_window(route_transit_of(str(r)), now) for r in routes}


def route_transits_save(
    *, transits: Iterable[RouteTransit], now: datetime | None = None
) -> int:
    """Keep the routes' newly measured transit times; returns how many."""
    now = now or timezone.now()
    saved = 0
    with transaction.atomic():
        for transit in transits:
            RouteTransitRow.objects.update_or_create(
                route=transit.route,
                defaults={
                    "parcels": transit.parcels,
                    "to_step": transit.as_data(),
                    "computed_at": now,
                },
            )
            saved += 1
    return saved


# In the reader's language ---------------------------------------------------------


def day_text(day: date) -> str:
    """A day as a promise says it: 12月14日, 14 déc., Dec. 14."""
    # Translators: a date format (Django's, as PHP's) for a day of a delivery
    # window: j the day, N the month's short name, n its number (Chinese: n月j日).
    return dateformat.format(day, pgettext("delivery date", "N j"))


def window_text(window: DeliveryWindow) -> str:
    """预计 12月14日–12月18日送达, in the active language."""
    return _("Estimated delivery %(earliest)s – %(latest)s") % {
        "earliest": day_text(window.earliest),
        "latest": day_text(window.latest),
    }


def window_basis_text(window: DeliveryWindow) -> str:
    """What the window is computed from, for a note beside it."""
    if window.parcels:
        return ngettext(
            "From the last %(n)d parcel delivered on this route.",
            "From the last %(n)d parcels delivered on this route.",
            window.parcels,
        ) % {"n": window.parcels}
    return _("An estimate until this route has more deliveries.")


def promised_text(promised_from: date, promised_by: date) -> str:
    return _("Promised at checkout: %(earliest)s – %(latest)s") % {
        "earliest": day_text(promised_from),
        "latest": day_text(promised_by),
    }


def standing_text(standing: ParcelStanding) -> str:
    """On time, or late by N days, as the order page says it."""
    values = {"days": standing.days_late, "date": day_text(standing.expected)}
    if standing.standing == Standing.ON_TIME:
        return _("On time: expected by %(date)s.") % values
    if standing.standing == Standing.DELIVERED_ON_TIME:
        return _("Delivered on time, on %(date)s.") % values
    if standing.standing == Standing.DELIVERED_LATE:
        return (
            ngettext(
                "Delivered %(days)d day late, on %(date)s.",
                "Delivered %(days)d days late, on %(date)s.",
                standing.days_late,
            )
            % values
        )
    return (
        ngettext(
            "Late by %(days)d day: now expected by %(date)s.",
            "Late by %(days)d days: now expected by %(date)s.",
            standing.days_late,
        )
        % values
    )


# A placed parcel against its promise ---------------------------------------------

# States in which a parcel is no longer on its way to the buyer: nothing to compare.
NOT_ON_ITS_WAY = frozenset(
    {states.CANCELLED, states.CUSTOMS_REFUSED, states.REFUNDED, states.PLACED}
)


@dataclass(frozen=True, slots=True)
class PromiseShown:
    """What the order page says of a parcel's promise."""

    promised: str  # "Promised at checkout: 12月14日 – 12月18日"
    standing: str  # "On time: …" / "Late by 2 days: …" ("" before payment)
    late: bool


def sub_order_promise(
    sub: SubOrder, steps: Iterable[tuple[str, datetime]], now: datetime | None = None
) -> PromiseShown | None:
    """How a sub-order stands against the window it was placed with, from its move
    to paid (``transitions`` prefetched) and its timeline's ``steps`` (step, time);
    None for an order placed before promises, or a parcel no longer on its way."""
    if sub.promised_from is None or sub.promised_by is None:
        return None
    promised = promised_text(sub.promised_from, sub.promised_by)
    if sub.state in NOT_ON_ITS_WAY:
        return PromiseShown(promised, "", False)
    paid = [t.at for t in sub.transitions.all() if t.to_state == states.PAID]
    if not paid:
        return PromiseShown(promised, "", False)
    reached: dict[str, datetime] = {PAID: min(paid)}
    for step, at in steps:
        reached[step] = min(reached.get(step, at), at)
    standing = parcel_standing(
        promised_by=sub.promised_by,
        transit=route_transit_of(sub.route),
        reached=reached,
        now=now or timezone.now(),
    )
    if standing is None:
        return PromiseShown(promised, "", False)
    return PromiseShown(promised, standing_text(standing), standing.days_late > 0)
