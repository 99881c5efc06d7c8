"""The demo's clock: when Étalage is served with its demo (``etalage serve --demo``
sets ``ETALAGE_DEMO_CLOCK``), the demo's paid direct-mail parcels move along by
themselves, a step every ``ETALAGE_DEMO_STEP_SECONDS``: packed and handed over (as
the merchant would), received, bagged and flown (as the hub's staff would) — each
through the same services as people use. The worker then declares them to the
simulated single window, whose answers release them, and the sandbox carrier
delivers them. So a new user sees a parcel's tracking happen within minutes.

One demo merchant's parcels (``ETALAGE_DEMO_BY_HAND_MERCHANT``, Maison Verhaeghe)
are left to people: its staff pack them, print their labels and hand them over;
the hub's staff receive, bag and fly them. Never on outside the demo."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from etalage.customs.routes import Route
from etalage.logistics.awb import awb_check_digit
from etalage.logistics.consolidation import (
    bag_fill,
    bag_seal,
    flight_arrive,
    flight_create,
    flight_depart,
    flight_load,
)
from etalage.logistics.models import Flight, Parcel
from etalage.logistics.services import hub_receive, parcel_hand_over, parcel_pack
from etalage.merchants.models import Merchant
from etalage.orders import states
from etalage.orders.models import SubOrder

# The demo's flights: a real cargo airline's prefix (IATA's, as the hub checks it),
# and an airline name that tells them from flights the hub's staff enter by hand.
DEMO_PREFIX = "999"
DEMO_AIRLINE = "Air China Cargo (demo clock)"


def demo_parcels_moved(*, now: datetime | None = None) -> int:
    """Move each demo parcel one step whose time has come, but the by-hand
    merchant's; return how many moved."""
    if not settings.ETALAGE_DEMO_CLOCK:
        return 0
    now = now or timezone.now()
    due = now - timedelta(seconds=settings.ETALAGE_DEMO_STEP_SECONDS)
    by_hand = settings.ETALAGE_DEMO_BY_HAND_MERCHANT
    moved = 0
    for sub in SubOrder.objects.filter(
        route=Route.DIRECT_MAIL, state=states.PAID, parcel=None, updated_at__lte=due
    ).exclude(merchant__slug=by_hand)[:20]:
        parcel_hand_over(
            parcel=parcel_pack(sub_order=sub, grams=sub.weight_grams + 150)
        )
        moved += 1
    parcels = Parcel.objects.exclude(sub_order__merchant__slug=by_hand)
    for parcel in parcels.filter(
        state=Parcel.State.HANDED_OVER, handed_over_at__lte=due
    )[:20]:
        hub_receive(code=parcel.code, grams=parcel.declared_grams)
        moved += 1
    received = list(
        parcels.filter(state=Parcel.State.RECEIVED, bag=None, received_at__lte=due)[:50]
    )
    if received:
        fly(received, now)
        moved += len(received)
    demo_flights = Q(airline=DEMO_AIRLINE) | Q(mawb__startswith="000-")  # (older)
    for flight in Flight.objects.filter(
        demo_flights, arrived_at=None, departed_at__lte=due
    ):
        flight_arrive(flight=flight)
        moved += 1
    return moved


def fly(parcels: list[Parcel], now: datetime) -> Flight:
    """Bag ``parcels``, seal the bag, load it on a new demo flight, depart."""
    serial = f"{Flight.objects.count() + 1:07d}"
    stamp = f"{now:%Y%m%d%H%M%S}"
    bag = bag_fill(bag_code=f"DEMO-{stamp}", codes=[p.code for p in parcels])
    flight = flight_create(
        mawb=f"{DEMO_PREFIX}-{serial}{awb_check_digit(serial)}",
        airline=DEMO_AIRLINE,
        flight_number=f"DM{int(serial) % 1000:03d}",
        destination="CGO",
    )
    flight_load(flight=flight, bag=bag_seal(bag=bag))
    flight_depart(flight=flight)
    return flight


def demo_by_hand_name() -> str | None:
    """The name of the merchant whose parcels the demo's clock leaves to people
    (the portal and the hub say so); None outside the demo."""
    if not settings.ETALAGE_DEMO_CLOCK:
        return None
    slug = settings.ETALAGE_DEMO_BY_HAND_MERCHANT
    return Merchant.objects.filter(slug=slug).values_list("name", flat=True).first()
