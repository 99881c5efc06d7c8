"""What is late on the way (for the merchant's dashboard and the operator's to-do),
and a parcel's way as its buyer reads it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone, translation

from etalage.catalog.selectors import variant_label
from etalage.core.languages import Language, pick_translation
from etalage.customs.routes import Route
from etalage.logistics.models import ON_ITS_WAY, Flight, Parcel
from etalage.orders import states
from etalage.orders.models import OrderLine, SubOrder

WAITING_FOR_HAND_OVER = (states.PAID, states.CUSTOMS_DECLARED, states.RELEASED)


def parcels_late_to_hand_over(merchant_id: Any = None) -> QuerySet[SubOrder]:
    """Direct-mail sub-orders paid more than ``ETALAGE_HANDLING_DAYS`` ago whose
    parcel has not reached the hub's hands (not packed, packed and kept, or refused
    and not packed again)."""
    cutoff = timezone.now() - timedelta(days=settings.ETALAGE_HANDLING_DAYS)
    late = SubOrder.objects.filter(
        route=Route.DIRECT_MAIL,
        state__in=WAITING_FOR_HAND_OVER,
        transitions__to_state=states.PAID,
        transitions__at__lte=cutoff,
    ).exclude(parcel__state__in=ON_ITS_WAY)
    if merchant_id is not None:
        late = late.filter(merchant_id=merchant_id)
    return late.distinct()


# How long each leg may take before the parcel counts as late at its next step.
LATE_AFTER = {
    "hub": timedelta(days=2),  # handed over, not received at the hub
    "departure": timedelta(days=2),  # received, not departed
    "arrival": timedelta(days=2),  # departed, not arrived
    "release": timedelta(days=3),  # arrived, not released by customs
    "delivery": timedelta(days=7),  # with the carrier, not delivered
}


def parcels_late(step: str) -> QuerySet[Parcel]:
    """Parcels late at ``step`` (one of ``LATE_AFTER``): the operator's list."""
    before = timezone.now() - LATE_AFTER[step]
    parcels = Parcel.objects.all()
    if step == "hub":
        return parcels.filter(
            state=Parcel.State.HANDED_OVER, handed_over_at__lte=before
        )
    if step == "departure":
        return parcels.filter(
            state=Parcel.State.RECEIVED,
            received_at__lte=before,
            bag__flight__departed_at=None,
        )
    if step == "arrival":
        return parcels.filter(
            bag__flight__departed_at__lte=before, bag__flight__arrived_at=None
        )
    if step == "release":
        return parcels.filter(
            bag__flight__arrived_at__lte=before,
            sub_order__state__in=[states.PAID, states.CUSTOMS_DECLARED],
        )
    return parcels.filter(
        sub_order__state=states.SHIPPED, waybill__gt="", updated_at__lte=before
    )


def parcels_late_count() -> int:
    return sum(parcels_late(step).count() for step in LATE_AFTER)


def flights_for_hub(query: str = "") -> QuerySet[Flight]:
    """The hub's flights in the order it works on them: those still to depart (the
    oldest first), then those in the air, then the arrived ones (the latest first);
    `query` narrows them to an air waybill, a flight, a destination or a bag."""
    flights = Flight.objects.all()
    query = query.strip()
    if query:
        digits = query.replace("-", "").replace(" ", "")
        if len(digits) > 3 and digits.isdigit():  # as printed: 176-12345675
            digits = f"{digits[:3]}-{digits[3:]}"
        flights = flights.filter(
            Q(mawb__contains=digits)
            | Q(flight_number__iexact=query)
            | Q(destination__iexact=query)
            | Q(bags__code__iexact=query)
        ).distinct()
    stage = Case(
        When(departed_at=None, then=Value(0)),
        When(arrived_at=None, then=Value(1)),
        default=Value(2),
    )
    return (
        flights.prefetch_related("bags")
        .annotate(count=Count("bags__parcels", distinct=True), stage=stage)
        .order_by("stage", F("arrived_at").desc(nulls_last=True), "created_at", "pk")
    )


def sub_orders_on_their_way(sub_order_ids: list[Any]) -> set[Any]:
    """Which of these sub-orders' parcels have left the merchant's hands: handed to
    the hub or further (a parcel the hub refused is back with the merchant)."""
    return set(
        Parcel.objects.filter(
            sub_order_id__in=sub_order_ids,
            state__in=ON_ITS_WAY,
        ).values_list("sub_order_id", flat=True)
    )


CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class TimelineStep:
    """One step of a parcel's way as its buyer reads it (the order's page and the
    buyer's API): the step and its name in the active language, the place, and the
    carrier's own words (``said``) only where they add to the step and its place,
    in their own language (``said_lang``: "zh-Hans", or "" for the page's)."""

    at: datetime
    step: str
    label: str
    place: str
    said: str
    said_lang: str


def parcel_timeline(sub_order: SubOrder) -> list[TimelineStep]:
    """The parcel's steps, newest first (none before it is packed);
    ``parcel__events`` prefetched reads them once."""
    try:
        parcel = sub_order.parcel
    except ObjectDoesNotExist:
        return []
    events = sorted(parcel.events.all(), key=lambda e: (e.at, e.pk), reverse=True)
    steps = []
    for event in events:
        label = event.get_step_display()
        with translation.override("zh-hans"):
            label_zh = event.get_step_display()
        detail = event.detail.strip()
        repeats = {label.casefold(), label_zh.casefold(), event.place.casefold()}
        said = event.step != "exception" and detail.casefold() not in repeats
        steps.append(
            TimelineStep(
                at=event.at,
                step=event.step,
                label=str(label),
                place=event.place,
                said=detail if said else "",
                said_lang="zh-Hans" if said and CJK.search(detail) else "",
            )
        )
    return steps


# What is in a parcel, named for the person reading ---------------------------------


def lines_named(through: str = "") -> Prefetch[str, QuerySet[OrderLine], str]:
    """Prefetch sub-orders' lines (``through`` the path to the sub-order, as
    ``"sub_order__"``) with what names them in any language: one query for the
    lines, one for their products' translations, however many parcels."""
    return Prefetch(
        f"{through}lines",
        queryset=OrderLine.objects.select_related("variant__product").prefetch_related(
            "variant__product__translations"
        ),
    )


@dataclass(frozen=True, slots=True)
class ParcelItem:
    """One line of a parcel as a reader of one language reads it."""

    quantity: int
    name: str
    sku: str
    hs_code: str

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"


def line_name(line: OrderLine, language: str) -> str:
    """An order line's product as a reader of ``language`` names it: in Chinese,
    the name customs was told; otherwise the product's name and version in that
    language, else in the catalogue's fallbacks (English, French, Dutch), else as
    the merchant named it at the order."""
    if language == Language.ZH_HANS:
        return line.name_zh
    variant = line.variant
    translations = variant.product.translations.all()
    named = pick_translation(
        [t for t in translations if t.language != Language.ZH_HANS], language
    )
    name = named.name if named else line.name_merchant
    label = variant_label(variant, language)
    return f"{name} · {label}" if label and label != variant.sku else name


def parcel_items(sub_order: SubOrder, language: str) -> tuple[ParcelItem, ...]:
    """What is in a sub-order's parcel, named in ``language`` (its lines prefetched
    with ``lines_named``)."""
    return tuple(
        ParcelItem(
            quantity=line.quantity,
            name=line_name(line, language),
            sku=line.sku,
            hs_code=line.hs_code,
        )
        for line in sub_order.lines.all()
    )
