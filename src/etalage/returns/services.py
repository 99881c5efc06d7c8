"""Returns within the return window: the buyer asks, the seller (or the operator)
decides, the goods come back with a label to the route's return address, and on
receipt everything is undone that the sale did: the refund (goods and the CBEC tax
of what came back; the freight stays paid), the stock (back on the shelf or
written off with a reason), the customs return declaration (CEB625, whose
acceptance gives the tax back to the operator), the yearly allowance, and through
the refund the ledger and the merchant's statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from etalage.catalog.images import process_image
from etalage.declarations.services import return_declare
from etalage.inventory.services import stock_returned
from etalage.merchants.notifications import notify_merchant
from etalage.money import Money
from etalage.orders import states
from etalage.orders.models import OrderLine, SubOrder
from etalage.orders.notices import Notice, buyer_notify
from etalage.orders.returned import sub_order_returned
from etalage.payments.models import Payment
from etalage.payments.services import refund_ask, refund_record
from etalage.promotions.declared import units_refund
from etalage.promotions.selectors import line_platform_shares
from etalage.returns.models import ReturnLine, ReturnPhoto, ReturnRequest

MAX_PHOTOS = 5
OPEN = (ReturnRequest.State.REQUESTED, ReturnRequest.State.APPROVED)


class ReturnError(ValidationError):
    """A return that cannot be: the message names the field and says why, in the
    person's language."""


def delivered_at(sub: SubOrder) -> datetime | None:
    """When the parcel was delivered (read from its transitions, prefetched or
    not: a page listing parcels reads them once for all)."""
    moved = [t.at for t in sub.transitions.all() if t.to_state == states.DELIVERED]
    return min(moved) if moved else None


def return_window_end(sub: SubOrder) -> datetime | None:
    """The last moment the buyer may ask (None: not delivered)."""
    at = delivered_at(sub)
    return at + timedelta(days=settings.ETALAGE_RETURN_WINDOW_DAYS) if at else None


def returnable(sub: SubOrder, *, now: datetime | None = None) -> bool:
    end = return_window_end(sub)
    return (
        end is not None
        and (now or timezone.now()) <= end
        and sub.state in (states.DELIVERED, states.COMPLETED, states.REFUNDED_PART)
        and not any(r.state in OPEN for r in sub.returns.all())
        and any(line.returned < line.quantity for line in sub.lines.all())
    )


def _check_window(sub: SubOrder, now: datetime) -> None:
    end = return_window_end(sub)
    if end is None or sub.state not in (
        states.DELIVERED,
        states.COMPLETED,
        states.REFUNDED_PART,
    ):
        raise ReturnError({"sub_order": _("Only a delivered parcel can be returned.")})
    if now > end:
        raise ReturnError(
            {
                "sub_order": _("The return period for this parcel ended on %(date)s.")
                % {"date": date_format(timezone.localtime(end), "DATE_FORMAT")}
            }
        )
    if sub.returns.filter(state__in=OPEN).exists():
        raise ReturnError({"sub_order": _("A return of this parcel is under way.")})


def _check_lines(
    sub: SubOrder, quantities: dict[int, int]
) -> list[tuple[OrderLine, int]]:
    lines = {line.pk: line for line in sub.lines.all()}
    chosen = []
    for line_id, quantity in quantities.items():
        line = lines.get(line_id)
        if line is None:
            raise ReturnError({"lines": _("A line that is not in this parcel.")})
        if quantity < 0 or quantity > line.quantity - line.returned:
            raise ReturnError(
                {
                    "lines": _("At most %(n)d of %(sku)s can come back.")
                    % {"n": line.quantity - line.returned, "sku": line.sku}
                }
            )
        if quantity:
            chosen.append((line, quantity))
    if not chosen:
        raise ReturnError({"lines": _("Choose at least one item to return.")})
    return chosen


def return_ask(
    *,
    sub_order: SubOrder,
    buyer: User,
    reason: str,
    details: str,
    quantities: dict[int, int],
    photos: Sequence[bytes] = (),
    now: datetime | None = None,
) -> ReturnRequest:
    """The buyer asks to return ``quantities`` (by order line) of a delivered
    parcel of theirs, with a reason and photos; the seller is to decide."""
    now = now or timezone.now()
    if sub_order.order.buyer_id != buyer.pk:
        raise ReturnError({"sub_order": _("This parcel is not yours.")})
    if reason not in ReturnRequest.Reason.values:
        raise ReturnError({"reason": _("Choose a reason.")})
    if len(photos) > MAX_PHOTOS:
        raise ReturnError({"photos": _("At most %(n)d photos.") % {"n": MAX_PHOTOS}})
    rendered = []
    for n, data in enumerate(photos, start=1):
        try:
            rendered.append(process_image(data, f"photo-{n}").renditions["medium"])
        except ValidationError as error:
            raise ReturnError({"photos": error.messages}) from None
    with transaction.atomic():
        sub = SubOrder.objects.select_for_update().get(pk=sub_order.pk)
        _check_window(sub, now)
        chosen = _check_lines(sub, quantities)
        count = sub.returns.count() + 1
        request = ReturnRequest.objects.create(
            sub_order=sub,
            number=f"{sub.number}-R{count}",
            reason=reason,
            details=details[:1000],
        )
        ReturnLine.objects.bulk_create(
            ReturnLine(request=request, line=line, quantity=quantity)
            for line, quantity in chosen
        )
        for photo in rendered:
            ReturnPhoto.objects.create(request=request).image.save(
                photo.name, ContentFile(photo.content)
            )
        notify_merchant(
            merchant=sub.merchant,
            template="asked",
            context={"request": request},
            package="returns",
        )
    return request


def return_photo_add(
    *, request: ReturnRequest, buyer: User, photo: bytes
) -> ReturnPhoto:
    """One more photo for a return the seller has not decided yet (a phone's app
    sends one file a request), within the ``MAX_PHOTOS`` of a return."""
    if request.sub_order.order.buyer_id != buyer.pk:
        raise ReturnError({"sub_order": _("This parcel is not yours.")})
    try:
        rendered = process_image(photo, "photo").renditions["medium"]
    except ValidationError as error:
        raise ReturnError({"photos": error.messages}) from None
    with transaction.atomic():
        request = ReturnRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != ReturnRequest.State.REQUESTED:
            raise ReturnError(
                {"photos": _("Photos are added only before the seller decides.")}
            )
        if request.photos.count() >= MAX_PHOTOS:
            raise ReturnError(
                {"photos": _("At most %(n)d photos.") % {"n": MAX_PHOTOS}}
            )
        added = ReturnPhoto.objects.create(request=request)
        added.image.save(rendered.name, ContentFile(rendered.content))
    return added


def return_decide(
    *,
    request: ReturnRequest,
    approve: bool,
    by: User | None,
    note: str = "",
    now: datetime | None = None,
) -> ReturnRequest:
    """The seller (or the operator) approves (the buyer gets the return label) or
    refuses (with a note the buyer reads)."""
    with transaction.atomic():
        request = ReturnRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != ReturnRequest.State.REQUESTED:
            raise ReturnError({"state": _("This return was decided already.")})
        if not approve and not note.strip():
            raise ReturnError({"decision_note": _("Say why the return is refused.")})
        request.state = (
            ReturnRequest.State.APPROVED if approve else ReturnRequest.State.REFUSED
        )
        request.decided_by, request.decided_at = by, now or timezone.now()
        request.decision_note = note.strip()[:500]
        request.save()
        _tell_buyer(request)
    return request


def _tell_buyer(request: ReturnRequest) -> None:
    """Sent once the decision commits (``buyer_notify``)."""
    approved = request.state == ReturnRequest.State.APPROVED
    buyer_notify(
        order=request.sub_order.order,
        notice=Notice.RETURN_APPROVED if approved else Notice.RETURN_REFUSED,
        key=str(request.pk),
        email=("etalage/returns/email/decided", {"request": request}),
    )


@dataclass(frozen=True, slots=True)
class ReturnRefund:
    """What a return gives back, in the order's currency."""

    goods: Decimal  # cash: what was paid for the goods returned
    tax: Decimal  # their CBEC tax
    discount: Decimal  # the platform's non-cash discount on them, back to it

    @property
    def cash(self) -> Decimal:
        return self.goods + self.tax


def refund_figures(request: ReturnRequest) -> ReturnRefund:
    """What the buyer gets back: what was paid for the goods returned (their
    declared price less the platform's discount on them, spread evenly over each
    line's units, ``docs/promotions.md``), and their share (by declared value) of
    the parcel's CBEC tax; the last return of a parcel takes what is left of it.
    The platform's discount on them is their declared value less that cash: the
    lines' own shares recorded at placement, so the ledger books back the
    returned units' share, not the parcel's average."""
    sub = request.sub_order
    platform = line_platform_shares(sub.pk)
    goods = value = Decimal(0)
    for item in request.lines.all():
        line, units = item.line, item.quantity
        value += units_refund(
            line.goods, line.quantity, returned=line.returned, units=units
        )
        paid = line.goods - platform.get(line.variant_id, Decimal(0))
        goods += units_refund(paid, line.quantity, returned=line.returned, units=units)
    given = sub.returns.filter(state=ReturnRequest.State.RECEIVED).aggregate(
        tax=Sum("tax_amount")
    )["tax"] or Decimal(0)
    coming = {r.line_id: r.quantity for r in request.lines.all()}
    last = all(
        line.returned + coming.get(line.pk, 0) == line.quantity
        for line in sub.lines.all()
    )
    if last:
        tax = sub.tax - given
    elif not sub.goods:
        tax = Decimal(0)
    else:
        tax = Money(sub.tax * value / sub.goods, sub.order.currency).rounded().amount
    return ReturnRefund(goods=goods, tax=tax, discount=value - goods)


def _inspected(
    request: ReturnRequest, outcomes: dict[int, tuple[str, str]], by: User | None
) -> list[ReturnLine]:
    """Each returned item's outcome recorded, the restocked ones on the shelf."""
    lines = list(request.lines.select_related("line__stock"))
    for item in lines:
        outcome, why = outcomes.get(item.pk, ("", ""))
        if outcome not in ReturnLine.Outcome.values:
            raise ReturnError({"outcome": _("Say what becomes of each item.")})
        if outcome == ReturnLine.Outcome.WRITTEN_OFF and not why.strip():
            raise ReturnError(
                {
                    "write_off_reason": _("Say why %(sku)s is written off.")
                    % {"sku": item.line.sku}
                }
            )
        item.outcome, item.write_off_reason = outcome, why.strip()[:200]
        if outcome == ReturnLine.Outcome.RESTOCKED:
            stock_returned(
                stock=item.line.stock,
                quantity=item.quantity,
                by=by,
                note=request.number,
            )
    return lines


def return_receive(
    *,
    request: ReturnRequest,
    outcomes: dict[int, tuple[str, str]],
    by: User | None,
    now: datetime | None = None,
) -> ReturnRequest:
    """The goods are back (``outcomes``: per return line, restocked or written off
    with a reason): refund, stock, customs, allowance, in one transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        request = ReturnRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != ReturnRequest.State.APPROVED:
            raise ReturnError({"state": _("Only an approved return is received.")})
        sub = request.sub_order
        lines = _inspected(request, outcomes, by)
        ReturnLine.objects.bulk_update(lines, ["outcome", "write_off_reason"])
        figures = refund_figures(request)
        goods, tax = figures.goods, figures.tax
        request.goods_amount, request.tax_amount = goods, tax
        payment = (
            Payment.objects.filter(order=sub.order, state=Payment.State.SUCCEEDED)
            .order_by("-paid_at")
            .first()
        )
        if payment is None:
            raise ReturnError(
                {
                    "state": _(
                        "This order was not paid through a provider: the "
                        "operator refunds it by hand."
                    )
                }
            )
        refund = refund_record(
            payment=payment,
            amount=Money(goods + tax, sub.order.currency),
            reason=f"returned: {request.number}",
            parcels=(sub,),
            tax_part=Money(tax, sub.order.currency),
            discount_part=Money(figures.discount, sub.order.currency),
        )
        transaction.on_commit(lambda: refund_ask(refund))
        request.refund_id = refund.pk
        request.state, request.received_at, request.received_by = (
            ReturnRequest.State.RECEIVED,
            now,
            by,
        )
        request.save()
        sub_order_returned(
            sub_order=sub,
            quantities={item.line_id: item.quantity for item in lines},
            by=by,
            reason=request.number,
        )
        return_declare(
            sub_order=sub,
            lines=[(item.line, item.quantity) for item in lines],
            reason=f"{request.get_reason_display()}: {request.details}"[:250],
            tax=tax,
            now=now,
        )
    return request
