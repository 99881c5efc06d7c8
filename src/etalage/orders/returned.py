"""Goods a buyer returned after delivery, in the order's books: the lines'
returned quantities, the yearly allowance and caps given back for what came back,
and the sub-order read refunded (all of it back) or partly refunded.

A whole parcel coming back moves to refunded, whose books give back all its usage
and caps (``states.BOOKS``). Part of it coming back gives back its share: the
value of the lines returned, in proportion to the goods, of the amount the parcel
counted toward the year, and each returned line's share of what it counted toward
a cap; what the parcel still counts is lowered by as much, so a later return of
the rest gives back only the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from etalage.customs.services import caps_release, usage_change, usage_lock
from etalage.money import Money
from etalage.orders import states
from etalage.orders.models import OrderLine, SubOrder
from etalage.orders.reasons import Explanation
from etalage.orders.services import Actor, order_lock, sub_order_move


class ReturnRefused(ValueError):
    """More coming back than was sold, or a parcel that cannot take a return."""


@transaction.atomic
def sub_order_returned(
    *,
    sub_order: SubOrder,
    quantities: Mapping[int, int],
    by: Actor = None,
    reason: str = "",
) -> SubOrder:
    """Record ``quantities`` (by order line) back from the buyer; ``reason`` is the
    return's number, which the buyer's history names."""
    told = {"number": reason} if reason else None
    explanation = Explanation.RETURN_RECEIVED if reason else ""
    order_lock(order_id=sub_order.order_id)  # the order, then its sub-orders
    sub = SubOrder.objects.select_related("order").get(pk=sub_order.pk)
    if sub.state not in (states.DELIVERED, states.COMPLETED, states.REFUNDED_PART):
        raise ReturnRefused(f"{sub.number} is {sub.state}: nothing to return")
    lines = {
        line.pk: line
        for line in OrderLine.objects.select_for_update().filter(sub_order=sub)
    }
    for line_id, quantity in quantities.items():
        line = lines.get(line_id)
        if line is None or not 0 < quantity <= line.quantity - line.returned:
            raise ReturnRefused(f"line {line_id}: {quantity} cannot come back")
    for line_id, quantity in quantities.items():
        lines[line_id].returned += quantity
    OrderLine.objects.bulk_update(
        [lines[line_id] for line_id in quantities], ["returned"]
    )
    if all(line.returned == line.quantity for line in lines.values()):
        return sub_order_move(
            sub_order=sub,
            to=states.REFUNDED,
            by=by,
            reason=reason,
            explanation=explanation,
            explanation_data=told,
        )
    _give_back_share(
        sub, [(lines[i], q) for i, q in quantities.items()], list(lines.values())
    )
    return sub_order_move(
        sub_order=sub,
        to=states.REFUNDED_PART,
        by=by,
        reason=reason,
        explanation=explanation,
        explanation_data=told,
    )


def _give_back_share(
    sub: SubOrder, back: list[tuple[OrderLine, int]], lines: list[OrderLine]
) -> None:
    """Give back the yearly usage and caps the returned units counted. The usage
    a parcel still counts is shared by the goods it still holds, each line's at
    its declared value (``OrderLine.goods``: after the seller's reduction, as the
    usage was counted), so a return never gives back more than its units counted
    and the parcel's last return gives back exactly what is left. (``lines``:
    every line of the parcel, this return's units already counted as returned.)"""
    order = sub.order
    goods_back = sum(
        (line.goods * quantity / line.quantity for line, quantity in back), Decimal(0)
    )
    kept_before = (
        sum(
            (
                line.goods * (line.quantity - line.returned) / line.quantity
                for line in lines
            ),
            Decimal(0),
        )
        + goods_back
    )
    usage_back = (
        min(
            Money(sub.usage_amount * goods_back / kept_before, order.currency)
            .rounded()
            .amount,
            sub.usage_amount,
        )
        if kept_before
        else Decimal(0)
    )
    caps: dict[str, Decimal] = {}
    for line, quantity in back:
        if line.cap_counted:
            share = (
                line.cap_counted * quantity / (line.quantity - line.returned + quantity)
            )
            share = share.quantize(Decimal("0.001"), ROUND_HALF_UP)
            OrderLine.objects.filter(pk=line.pk).update(
                cap_counted=line.cap_counted - share
            )
            caps[line.hs_code] = caps.get(line.hs_code, Decimal(0)) + share
    SubOrder.objects.filter(pk=sub.pk).update(
        usage_amount=sub.usage_amount - usage_back
    )
    if not order.id_number_hmac or order.cbec_year is None:
        return
    if usage_back:
        usage = usage_lock(id_number_hmac=order.id_number_hmac, year=order.cbec_year)
        usage_change(usage=usage, confirmed=-usage_back)
    if caps:
        caps_release(
            id_number_hmac=order.id_number_hmac, year=order.cbec_year, amounts=caps
        )
