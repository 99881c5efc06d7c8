"""Consolidation at the Liège hub: received parcels into bags, sealed bags onto a
flight under its master air waybill, the cargo manifest, departure and arrival
(each parcel's timeline follows). The manifests are ``manifests``'s."""

from __future__ import annotations

import re
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from etalage.logistics.awb import AIRLINE_PREFIXES, AwbRefused, awb_parse
from etalage.logistics.codes import code_normalised, is_bag_code
from etalage.logistics.models import Bag, Flight, Parcel
from etalage.logistics.services import ParcelRefused, step_record
from etalage.logistics.vocabulary import Step

# The airports in mainland China that Étalage's flights may land at: the country's
# international airports with cross-border e-commerce cargo (IATA codes: Beijing
# Capital and Daxing, Shanghai Pudong, Guangzhou, Shenzhen, Zhengzhou, Hangzhou,
# Ningbo, Chengdu Shuangliu and Tianfu, Chongqing, Xi'an, Wuhan, Tianjin, Qingdao,
# Xiamen, Kunming, Nanjing, Changsha, Shenyang, Dalian, Harbin, Fuzhou, Nanning,
# Haikou, Jinan, Hefei, Urumqi). To fly to another, add it here.
CHINA_AIRPORTS = frozenset(
    (
        "PEK",
        "PKX",
        "PVG",
        "CAN",
        "SZX",
        "CGO",
        "HGH",
        "NGB",
        "CTU",
        "TFU",
        "CKG",
        "XIY",
        "WUH",
        "TSN",
        "TAO",
        "XMN",
        "KMG",
        "NKG",
        "CSX",
        "SHE",
        "DLC",
        "HRB",
        "FOC",
        "NNG",
        "HAK",
        "TNA",
        "HFE",
        "URC",
    )
)
FLIGHT_NUMBER = re.compile(r"[A-Z0-9]{2}[0-9]{1,4}[A-Z]?")


@transaction.atomic
def bag_fill(*, bag_code: str, codes: list[str]) -> Bag:
    """Put received parcels into a bag (opened the first time its code is used);
    refuse the lot, naming the parcel, if one is not received or bagged already.
    Codes are read as scanned or typed: spaces and case do not matter."""
    code = code_normalised(bag_code)
    if not is_bag_code(code):
        raise ParcelRefused(
            _("A bag's code is 1 to 20 letters, digits or hyphens (BAG-12)."),
            field="bag",
        )
    bag, _created = Bag.objects.select_for_update().get_or_create(code=code)
    if bag.sealed_at is not None:
        raise ParcelRefused(
            _("Bag %(bag)s is sealed.") % {"bag": bag.code}, field="bag"
        )
    parcels = []
    for wanted in map(code_normalised, codes):
        parcel = Parcel.objects.select_for_update().filter(code=wanted).first()
        if parcel is None:
            raise ParcelRefused(
                _("No parcel has the code %(code)s.") % {"code": wanted}
            )
        if parcel.state != Parcel.State.RECEIVED:
            raise ParcelRefused(
                _("%(code)s is %(state)s, not received at the hub.")
                % {"code": parcel.code, "state": parcel.get_state_display()}
            )
        if parcel.bag_id not in (None, bag.pk):
            raise ParcelRefused(
                _("%(code)s is in another bag.") % {"code": parcel.code}
            )
        parcels.append(parcel)
    Parcel.objects.filter(pk__in=[p.pk for p in parcels]).update(bag=bag)
    return bag


@transaction.atomic
def bag_seal(*, bag: Bag) -> Bag:
    bag = Bag.objects.select_for_update().get(pk=bag.pk)
    if not bag.parcels.exists():
        raise ParcelRefused(_("An empty bag is not sealed."), field="bag")
    if bag.sealed_at is None:
        bag.sealed_at = timezone.now()
        bag.save(update_fields=["sealed_at", "updated_at"])
    return bag


def flight_create(
    *, mawb: str, airline: str, flight_number: str, destination: str
) -> Flight:
    """A flight under its master air waybill (refused when the number's check digit
    is wrong) to a Chinese airport (IATA code)."""
    try:
        number = awb_parse(mawb)
    except AwbRefused as refused:
        if refused.kind == "check_digit":
            message = _(
                "The check digit of this air waybill is %(digit)s "
                "(its serial modulo 7)."
            ) % {"digit": refused.expected}
        elif refused.kind == "prefix":
            message = _(
                "%(prefix)s is not the air waybill prefix of an airline we fly with: "
                "the first 3 digits are the airline's IATA code (176 Emirates, "
                "999 Air China…)."
            ) % {"prefix": refused.prefix}
        else:
            message = _(
                "An air waybill number is 11 digits: the airline's 3, a 7-digit serial "
                "and a check digit (176-12345675)."
            )
        raise ParcelRefused(message, field="mawb") from None
    destination = destination.strip().upper()
    if not (len(destination) == 3 and destination.isalpha()):
        raise ParcelRefused(
            _("An airport is its 3-letter IATA code (CGO, PVG…)."), field="destination"
        )
    if destination not in CHINA_AIRPORTS:
        raise ParcelRefused(
            _(
                "%(code)s is not an airport in mainland China that Étalage flies to "
                "(CGO, PVG, PEK, CAN…)."
            )
            % {"code": destination},
            field="destination",
        )
    flight_number = flight_number.strip().upper().replace(" ", "")
    if not FLIGHT_NUMBER.fullmatch(flight_number):
        raise ParcelRefused(
            _(
                "A flight is its airline's 2-character code and 1 to 4 digits "
                "(CV9732, EK9810)."
            ),
            field="flight_number",
        )
    # The waybill's airline unless the hub names the one that flies it.
    airline = airline.strip() or AIRLINE_PREFIXES[number.prefix]
    if Flight.objects.filter(mawb=str(number)).exists():
        raise ParcelRefused(
            _("Air waybill %(mawb)s is used already.") % {"mawb": number}, field="mawb"
        )
    return Flight.objects.create(
        mawb=str(number),
        airline=airline[:60],
        flight_number=flight_number,
        destination=destination,
    )


@transaction.atomic
def flight_load(*, flight: Flight, bag: Bag) -> Bag:
    flight = Flight.objects.select_for_update().get(pk=flight.pk)
    bag = Bag.objects.select_for_update().get(pk=bag.pk)
    if flight.departed_at is not None:
        raise ParcelRefused(_("Flight %(mawb)s has left.") % {"mawb": flight.mawb})
    if bag.sealed_at is None:
        raise ParcelRefused(
            _("Seal bag %(bag)s first.") % {"bag": bag.code}, field="bag"
        )
    if bag.flight_id not in (None, flight.pk):
        raise ParcelRefused(_("Bag %(bag)s is on another flight.") % {"bag": bag.code})
    bag.flight = flight
    bag.save(update_fields=["flight", "updated_at"])
    return bag


def _parcels(flight: Flight) -> QuerySet[Parcel]:
    return Parcel.objects.filter(bag__flight=flight).order_by("bag__code", "code")


@transaction.atomic
def flight_depart(*, flight: Flight, at: datetime | None = None) -> Flight:
    """The flight left Liège: every parcel on it says so."""
    flight = Flight.objects.select_for_update().get(pk=flight.pk)
    if flight.departed_at is not None:
        return flight
    parcels = list(_parcels(flight))
    if not parcels:
        raise ParcelRefused(_("Load a bag before the flight leaves."))
    flight.departed_at = at or timezone.now()
    flight.save(update_fields=["departed_at", "updated_at"])
    place = f"Liège Airport ({flight.origin}) · {flight.flight_number}"
    for parcel in parcels:
        step_record(
            parcel=parcel,
            step=Step.DEPARTED_LIEGE,
            source="etalage",
            reference=f"departed:{flight.mawb}",
            at=flight.departed_at,
            place=place,
        )
    return flight


@transaction.atomic
def flight_arrive(*, flight: Flight, at: datetime | None = None) -> Flight:
    """The flight landed in China: every parcel on it says so."""
    flight = Flight.objects.select_for_update().get(pk=flight.pk)
    if flight.departed_at is None:
        raise ParcelRefused(
            _("Flight %(mawb)s has not left yet.") % {"mawb": flight.mawb}
        )
    if flight.arrived_at is not None:
        return flight
    flight.arrived_at = at or timezone.now()
    flight.save(update_fields=["arrived_at", "updated_at"])
    for parcel in _parcels(flight):
        step_record(
            parcel=parcel,
            step=Step.ARRIVED_IN_CHINA,
            source="etalage",
            reference=f"arrived:{flight.mawb}",
            at=flight.arrived_at,
            place=f"{flight.destination}",
        )
    return flight
