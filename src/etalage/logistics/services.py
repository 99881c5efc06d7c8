"""Packing a parcel, handing it to the Liège hub, receiving or refusing it there,
and recording each step of its way (once, whoever reports it twice)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    AnonymousUser,
    Group,
    Permission,
    User,
)
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from etalage.customs.routes import Route
from etalage.events.outbox import event_record
from etalage.events.types import ParcelStepped
from etalage.logistics.codes import code_normalised
from etalage.logistics.models import HubScan, Parcel, TrackingEvent
from etalage.logistics.vocabulary import Step
from etalage.merchants.permissions import merchant_write_check
from etalage.orders import states
from etalage.orders.models import SubOrder

Person = AbstractBaseUser | AnonymousUser | None

# A parcel may be packed once paid, until it leaves (cancelled ones never).
PACKABLE = frozenset({states.PAID, states.CUSTOMS_DECLARED, states.RELEASED})
HUB = "Liège hub"


class ParcelRefused(ValueError):
    """What the person asked cannot be done to this parcel; the message says why,
    in the person's language."""

    def __init__(self, message: str, field: str = "code"):
        super().__init__(message)
        self.field = field


def _user(person: Person) -> User | None:
    return person if isinstance(person, User) else None


# The state each step past the hub puts the parcel in, and how far along its way
# each state is: a step only moves the parcel on (a carrier's late or repeated news
# never takes it back), but out for delivery and a failed attempt follow each other
# as often as the courier tries.
STEP_STATES = {
    Step.DEPARTED_LIEGE: Parcel.State.DEPARTED,
    Step.ARRIVED_IN_CHINA: Parcel.State.ARRIVED,
    Step.CUSTOMS_RELEASED: Parcel.State.RELEASED,
    Step.OUT_FOR_DELIVERY: Parcel.State.OUT_FOR_DELIVERY,
    Step.DELIVERY_FAILED: Parcel.State.DELIVERY_FAILED,
    Step.DELIVERED: Parcel.State.DELIVERED,
}
STATE_RANK = {
    Parcel.State.PACKED: 0,
    Parcel.State.HANDED_OVER: 0,
    Parcel.State.RECEIVED: 0,
    Parcel.State.REFUSED: 0,
    Parcel.State.DEPARTED: 1,
    Parcel.State.ARRIVED: 2,
    Parcel.State.RELEASED: 3,
    Parcel.State.WITH_CARRIER: 4,
    Parcel.State.OUT_FOR_DELIVERY: 5,
    Parcel.State.DELIVERY_FAILED: 5,
    Parcel.State.DELIVERED: 6,
}


def parcel_state_follow(
    *, parcel: Parcel, state: Parcel.State, at: datetime | None = None
) -> bool:
    """Move the parcel to ``state`` if that is further along its way (or, among
    the courier's attempts, if ``at`` is the latest news), in one conditional
    update; whether it moved. ``updated_at`` is left alone: the late lists measure
    from Étalage's own last change."""
    behind = [s for s, rank in STATE_RANK.items() if rank < STATE_RANK[state]]
    moved = Parcel.objects.filter(pk=parcel.pk, state__in=behind).update(state=state)
    if not moved and at is not None and STATE_RANK[state] == 5:
        attempts = (Step.OUT_FOR_DELIVERY, Step.DELIVERY_FAILED)
        newer = parcel.events.filter(step__in=attempts, at__gt=at).exists()
        level = [s for s, rank in STATE_RANK.items() if rank == 5 and s != state]
        if not newer:
            moved = Parcel.objects.filter(pk=parcel.pk, state__in=level).update(
                state=state
            )
    if moved:
        parcel.state = state
    return bool(moved)


def step_record(
    *,
    parcel: Parcel,
    step: Step,
    source: str,
    reference: str,
    at: datetime | None = None,
    place: str = "",
    detail: str = "",
) -> TrackingEvent | None:
    """Record a step once per source and reference; None when it was recorded
    before (a carrier's duplicate)."""
    try:
        with transaction.atomic():
            recorded = TrackingEvent.objects.create(
                parcel=parcel,
                step=step,
                at=at or timezone.now(),
                place=place[:120],
                detail=detail[:300],
                source=source[:40],
                reference=reference[:120],
            )
    except IntegrityError:
        return None
    if step in STEP_STATES:
        parcel_state_follow(parcel=parcel, state=STEP_STATES[step], at=recorded.at)
    event_record(
        ParcelStepped(
            parcel_id=parcel.pk,
            sub_order_id=parcel.sub_order_id,
            step=str(step),
            at=recorded.at.isoformat(),
        )
    )
    return recorded


class LighterThanGoods(ParcelRefused):
    """The packed weight is less than the goods' own (the catalogue's weights of
    the items, as at the order): an item left out, or a digit. The packer weighs
    again, or confirms the weight when the catalogue's weights are what is wrong.
    Nothing is written."""

    def __init__(self, *, grams: int, goods_grams: int):
        super().__init__(
            _(
                "Packed weight: %(grams)s g is less than the goods alone weigh "
                "(%(goods)s g, the catalogue's weights of the items). Check that "
                "nothing is missing and weigh again, or confirm the weight if the "
                "catalogue's weights are wrong."
            )
            % {"grams": grams, "goods": goods_grams},
            field="grams",
        )
        self.grams, self.goods_grams = grams, goods_grams


@transaction.atomic
def parcel_pack(
    *,
    sub_order: SubOrder,
    grams: int,
    by: Person = None,
    bonded: bool = False,
    lighter_confirmed: bool = False,
) -> Parcel:
    """The parcel of a paid sub-order is packed and weighed: its label can be
    printed. Direct mail: the merchant (or the hub) packs; ``bonded``: the bonded
    warehouse in China picks and packs. Packing again (the weight corrected) keeps
    the same parcel until it is handed over. A weight under the goods' own is
    refused (``LighterThanGoods``) unless ``lighter_confirmed``. A suspended
    merchant packs nothing (the bonded warehouse's packing is not the merchant's)."""
    sub = SubOrder.objects.select_for_update().get(pk=sub_order.pk)
    if not bonded:
        merchant_write_check(merchant=sub.merchant)
    if sub.route == Route.BONDED and not bonded:
        raise ParcelRefused(
            _(
                "This parcel ships from the bonded warehouse in China, "
                "not through Liège."
            )
        )
    if sub.route != Route.BONDED and bonded:
        raise ParcelRefused(
            _("This parcel ships through Liège, not from the bonded warehouse.")
        )
    if sub.state not in PACKABLE:
        raise ParcelRefused(
            _(
                "A parcel is packed once paid and before it leaves; "
                "this one is %(state)s."
            )
            % {"state": sub.get_state_display()}
        )
    if not 1 <= grams <= 31_500:
        raise ParcelRefused(_("The packed weight is 1 to 31,500 grams."), field="grams")
    if grams < sub.weight_grams and not lighter_confirmed:
        raise LighterThanGoods(grams=grams, goods_grams=sub.weight_grams)
    parcel = Parcel.objects.select_for_update().filter(sub_order=sub).first()
    if parcel is None:
        parcel = Parcel.objects.create(
            sub_order=sub, code=sub.number, declared_grams=grams, packed_by=_user(by)
        )
        step_record(
            parcel=parcel,
            step=Step.INFO_RECEIVED,
            source="etalage",
            reference="packed",
            place=sub.warehouse.name,
        )
        return parcel
    if parcel.state not in (Parcel.State.PACKED, Parcel.State.REFUSED):
        raise ParcelRefused(_("This parcel was handed to the hub already."))
    if parcel.state == Parcel.State.REFUSED:  # packed again after the hub refused it
        step_record(
            parcel=parcel,
            step=Step.INFO_RECEIVED,
            source="etalage",
            reference=f"repacked:{parcel.events.count()}",
            place=sub.warehouse.name,
        )
    parcel.state, parcel.refusal, parcel.refusal_note = Parcel.State.PACKED, "", ""
    parcel.declared_grams, parcel.packed_by = grams, _user(by)
    parcel.save(
        update_fields=[
            "state",
            "refusal",
            "refusal_note",
            "declared_grams",
            "packed_by",
            "updated_at",
        ]
    )
    return parcel


@transaction.atomic
def parcel_hand_over(*, parcel: Parcel) -> Parcel:
    """The merchant handed the packed parcel to the hub's pick-up (or dropped it
    there)."""
    parcel = Parcel.objects.select_for_update().get(pk=parcel.pk)
    if parcel.state == Parcel.State.HANDED_OVER:
        return parcel
    if parcel.state != Parcel.State.PACKED:
        raise ParcelRefused(
            _("This parcel is %(state)s.") % {"state": parcel.get_state_display()}
        )
    parcel.state, parcel.handed_over_at = Parcel.State.HANDED_OVER, timezone.now()
    parcel.save(update_fields=["state", "handed_over_at", "updated_at"])
    return parcel


def weight_tolerance(declared: int) -> int:
    """How many grams a parcel may weigh more or less at the hub than packed."""
    share = declared * settings.ETALAGE_HUB_WEIGHT_TOLERANCE_PERCENT / Decimal(100)
    return max(int(share), settings.ETALAGE_HUB_WEIGHT_TOLERANCE_GRAMS)


class WeightOutOfTolerance(ParcelRefused):
    """The scale says far more or less than was packed: the hub worker weighs
    again, or confirms the weight and the parcel is refused. Nothing is written."""

    def __init__(self, *, code: str, grams: int, declared: int, tolerance: int):
        gap = grams - declared
        message = (
            _(
                "%(grams)s g is %(gap)s g more than the %(declared)s g packed "
                "(±%(tolerance)s g allowed). Weigh it again, or confirm the weight: "
                "the parcel is then refused as heavier than declared."
            )
            if gap > 0
            else _(
                "%(grams)s g is %(gap)s g less than the %(declared)s g packed "
                "(±%(tolerance)s g allowed). Weigh it again, or confirm the weight: "
                "the parcel is then refused as lighter than declared."
            )
        ) % {
            "grams": grams,
            "gap": abs(gap),
            "declared": declared,
            "tolerance": tolerance,
        }
        super().__init__(message, field="grams")
        self.code, self.grams, self.declared = code, grams, declared


def _parcel(code: str) -> Parcel:
    wanted = code_normalised(code)
    parcel = (  # the parcel's row only: its sub-order is read, not locked
        Parcel.objects.select_for_update(of=("self",))
        .select_related("sub_order")
        .filter(code=wanted)
        .first()
    )
    if parcel is None:
        raise ParcelRefused(_("No parcel has the code %(code)s.") % {"code": wanted})
    return parcel


def _scanned(code: str) -> Parcel:
    parcel = _parcel(code)
    if parcel.state == Parcel.State.RECEIVED:
        raise ParcelRefused(
            _("%(code)s was received already, on %(when)s.")
            % {
                "code": parcel.code,
                "when": f"{timezone.localtime(parcel.received_at):%Y-%m-%d %H:%M}",
            }
        )
    if parcel.state == Parcel.State.REFUSED:
        raise ParcelRefused(
            _("%(code)s was refused: %(why)s. If the hub's scan was wrong, correct it.")
            % {"code": parcel.code, "why": parcel.get_refusal_display()}
        )
    return parcel


def _weighed(
    parcel: Parcel, grams: int | None, *, confirmed: bool
) -> Parcel.Refusal | None:
    """Check the weight: None when within the tolerance, the refusal when
    confirmed out of it; unconfirmed out of it, ask again."""
    if grams is None or grams <= 0:
        raise ParcelRefused(
            _("Weigh the parcel: a weight above 0 grams."), field="grams"
        )
    gap = grams - parcel.declared_grams
    tolerance = weight_tolerance(parcel.declared_grams)
    if abs(gap) <= tolerance:
        return None
    if not confirmed:
        raise WeightOutOfTolerance(
            code=parcel.code,
            grams=grams,
            declared=parcel.declared_grams,
            tolerance=tolerance,
        )
    return Parcel.Refusal.OVERWEIGHT if gap > 0 else Parcel.Refusal.UNDERWEIGHT


@transaction.atomic
def hub_receive(
    *, code: str, grams: int, by: Person = None, confirmed: bool = False
) -> Parcel:
    """Hub staff scan a parcel and weigh it: received when its weight is within the
    tolerance of what was packed. Out of it, the weight is asked again
    (``WeightOutOfTolerance``) unless ``confirmed``: then the parcel is refused as
    over- or underweight (the merchant is told). An unknown code, or one received
    before, changes nothing."""
    parcel = _scanned(code)
    refusal = _weighed(parcel, grams, confirmed=confirmed)
    if refusal is not None:
        note = _("%(grams)s g at the hub, %(declared)s g packed") % {
            "grams": grams,
            "declared": parcel.declared_grams,
        }
        return _scan_record(parcel, grams=grams, refusal=refusal, note=note, by=by)
    return _scan_record(parcel, grams=grams, by=by)


@transaction.atomic
def hub_refuse(*, code: str, refusal: str, note: str = "", by: Person = None) -> Parcel:
    """Hub staff refuse a parcel (damaged, unlabelled, …) with the reason."""
    if refusal not in Parcel.Refusal.values:
        raise ParcelRefused(_("Choose why the parcel is refused."), field="refusal")
    return _scan_record(
        _scanned(code), grams=None, refusal=Parcel.Refusal(refusal), note=note, by=by
    )


@transaction.atomic
def hub_scan_correct(
    *,
    code: str,
    reason: str,
    grams: int | None = None,
    refusal: str = "",
    note: str = "",
    confirmed: bool = False,
    by: Person = None,
) -> Parcel:
    """The hub corrects its own last scan of a parcel (a mistyped weight, the wrong
    refusal), with the reason, while the parcel is still on its table: not yet in
    a bag, not packed again by the merchant. The scan corrected stays in the
    parcel's history, the correction beside it."""
    parcel = _parcel(code)
    last = parcel.hub_scans.order_by("-at", "-id").first()
    if last is None or parcel.state not in (
        Parcel.State.RECEIVED,
        Parcel.State.REFUSED,
    ):
        raise ParcelRefused(
            _("%(code)s has no scan of the hub's to correct (it is %(state)s).")
            % {"code": parcel.code, "state": parcel.get_state_display()}
        )
    if parcel.bag_id is not None:
        raise ParcelRefused(
            _("%(code)s is in bag %(bag)s already: its scan can no longer change.")
            % {"code": parcel.code, "bag": parcel.bag}
        )
    reason = reason.strip()
    if not reason:
        raise ParcelRefused(_("Say why the scan is corrected."), field="reason")
    if refusal and refusal not in Parcel.Refusal.values:
        raise ParcelRefused(_("Choose why the parcel is refused."), field="refusal")
    chosen = Parcel.Refusal(refusal) if refusal else None
    if chosen is None:
        chosen = _weighed(parcel, grams, confirmed=confirmed)
        if chosen is not None:
            note = _("%(grams)s g at the hub, %(declared)s g packed") % {
                "grams": grams,
                "declared": parcel.declared_grams,
            }
    else:
        grams = None
    if (last.grams, last.refusal) == (grams, chosen or ""):
        raise ParcelRefused(
            _("This is what the last scan says already."), field="grams"
        )
    return _scan_record(
        parcel,
        grams=grams,
        refusal=chosen,
        note=note,
        by=by,
        corrects=last,
        reason=reason,
    )


def _scan_record(
    parcel: Parcel,
    *,
    grams: int | None,
    by: Person,
    refusal: Parcel.Refusal | None = None,
    note: str = "",
    corrects: HubScan | None = None,
    reason: str = "",
) -> Parcel:
    """Write the scan, the parcel's new state and its step in the timeline (a
    weight corrected on a received parcel changes no step: the scan says it)."""
    now = timezone.now()
    scan = HubScan.objects.create(
        parcel=parcel,
        outcome=HubScan.Outcome.REFUSED if refusal else HubScan.Outcome.RECEIVED,
        grams=grams,
        refusal=refusal or "",
        note=note[:300],
        corrects=corrects,
        reason=reason[:300],
        by=_user(by),
        at=now,
    )
    was_received = parcel.state == Parcel.State.RECEIVED
    parcel.measured_grams, parcel.received_by = grams, _user(by)
    if refusal is None:
        parcel.state, parcel.refusal, parcel.refusal_note = (
            Parcel.State.RECEIVED,
            "",
            "",
        )
        parcel.received_at = parcel.received_at if was_received else now
    else:
        parcel.state, parcel.refusal = Parcel.State.REFUSED, refusal
        parcel.refusal_note, parcel.received_at = note[:300], None
    parcel.save(
        update_fields=[
            "state",
            "refusal",
            "refusal_note",
            "measured_grams",
            "received_at",
            "received_by",
            "updated_at",
        ]
    )
    if refusal is None and was_received:
        return parcel
    step_record(
        parcel=parcel,
        step=Step.EXCEPTION if refusal else Step.RECEIVED_AT_HUB,
        source="etalage",
        reference=f"hub-scan:{scan.pk}",
        at=now,
        place=HUB,
        detail=(f"{refusal.label}: {note}" if note else str(refusal.label))
        if refusal
        else "",
    )
    return parcel


HUB_STAFF = "Hub staff"


def hub_staff_add(user: AbstractBaseUser) -> None:
    """Make ``user`` one of the hub's staff (the group, created the first time,
    carries the permission to receive and refuse parcels)."""
    group, _created = Group.objects.get_or_create(name=HUB_STAFF)
    permission = Permission.objects.filter(
        codename="receive_parcel", content_type__app_label="logistics"
    ).first()
    if permission is not None:
        group.permissions.add(permission)
    user.groups.add(group)  # type: ignore[attr-defined]


def is_hub_staff(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether ``user`` may use the hub's screens: in the group, or given the
    permission on its own."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.has_perm("logistics.receive_parcel"):
        return True
    return user.groups.filter(name=HUB_STAFF).exists()
