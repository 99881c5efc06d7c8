"""Moving orders through their lives (placing them is the checkout's).

Every change goes through ``sub_order_move`` or the order-wide services built on the
same steps: lock the order and its sub-orders, refuse what the state machine does
not allow, apply what the move does to the books (``states.move_effects``: stock
released or shipped, yearly CBEC usage confirmed or given back, caps given back),
record who, when and why, and write the events.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from etalage.customs.services import caps_release, usage_change, usage_lock
from etalage.events.outbox import event_record
from etalage.events.types import OrderCancelled, OrderPaid, SubOrderMoved
from etalage.inventory.models import StockMovement
from etalage.inventory.services import stock_lock_by_key, stock_move_locked
from etalage.orders import states
from etalage.orders.models import Order, OrderLine, OrderTransition, SubOrder
from etalage.orders.reasons import HOLD_RAN_OUT, explanation_for
from etalage.orders.selectors import sub_orders_buyer_may_cancel
from etalage.orders.states import StockEffect, UsageEffect

Actor = User | None
# What the buyer is told of a move: an ``orders.reasons.Explanation`` and its values.
Told = tuple[str, Mapping[str, str] | None]


def order_lock(*, order_id: UUID | str) -> tuple[Order, list[SubOrder]]:
    """Lock an order, then its sub-orders by key: the first locks of any
    transaction that changes an order, its sub-orders or their parcels (which it
    locks next), so that no two such transactions wait for each other."""
    order = Order.objects.select_for_update().get(pk=order_id)
    subs = list(SubOrder.objects.select_for_update().filter(order=order).order_by("pk"))
    return order, subs


def _locked(order: Order) -> tuple[Order, list[SubOrder]]:
    return order_lock(order_id=order.pk)


def _move_stock(subs: list[SubOrder], reason: str, note: str, by: Actor) -> None:
    """Release or ship the units the sub-orders' lines took, locking their rows."""
    lines = list(
        OrderLine.objects.filter(sub_order__in=subs).values_list("stock_id", "quantity")
    )
    if not lines:
        return
    by_stock = stock_lock_by_key(stock_id for stock_id, _q in lines)
    stock_move_locked(
        moves=[(by_stock[stock_id], quantity) for stock_id, quantity in lines],
        reason=reason,
        note=note,
        by=by,
    )


def _apply_books(
    order: Order, subs: list[SubOrder], wanted: str, note: str, by: Actor
) -> None:
    """Do to stock, yearly usage and caps what moving ``subs`` to ``wanted`` does
    (``states.move_effects``), a few statements whatever the number of sub-orders."""
    effects = {sub.pk: states.move_effects(sub.state, wanted) for sub in subs}
    for effect, reason in (
        (StockEffect.RELEASE, StockMovement.Reason.RELEASED),
        (StockEffect.SHIP, StockMovement.Reason.SHIPPED),
    ):
        moving = [s for s in subs if effects[s.pk].stock == effect]
        if moving:
            _move_stock(moving, reason, note, by)
    year = order.cbec_year
    if not order.id_number_hmac or year is None:
        return

    def amount(effect: UsageEffect) -> Decimal:
        moving = (s.usage_amount for s in subs if effects[s.pk].usage == effect)
        return sum(moving, Decimal(0))

    confirm = amount(UsageEffect.CONFIRM)
    reserved_back = amount(UsageEffect.GIVE_BACK_RESERVED)
    confirmed_back = amount(UsageEffect.GIVE_BACK_CONFIRMED)
    if confirm or reserved_back or confirmed_back:
        usage = usage_lock(id_number_hmac=order.id_number_hmac, year=year)
        usage_change(
            usage=usage,
            reserved=-confirm - reserved_back,
            confirmed=confirm - confirmed_back,
        )
    capped_subs = [s for s in subs if effects[s.pk].caps_given_back]
    if capped_subs:
        capped = dict(
            OrderLine.objects.filter(sub_order__in=capped_subs, cap_counted__gt=0)
            .values("hs_code")
            .annotate(amount=Sum("cap_counted"))
            .values_list("hs_code", "amount")
        )
        if capped:
            caps_release(id_number_hmac=order.id_number_hmac, year=year, amounts=capped)


def _move(
    order: Order,
    subs: list[SubOrder],
    moved: list[SubOrder],
    wanted: str,
    by: Actor,
    reason: str,
    note: str,
    told: Told = ("", None),
) -> None:
    """Move ``moved`` (some of the order's ``subs``) to ``wanted``: check each move,
    apply it to the books, save, follow with the order, record every transition and
    a ``SubOrderMoved`` per sub-order."""
    transitions, events = _moved(order, subs, moved, wanted, by, reason, note, told)
    SubOrder.objects.filter(pk__in=[s.pk for s in moved]).update(
        state=wanted, updated_at=timezone.now()
    )
    OrderTransition.objects.bulk_create(transitions)
    event_record(*events)


def _moved(
    order: Order,
    subs: list[SubOrder],
    moved: list[SubOrder],
    wanted: str,
    by: Actor,
    reason: str,
    note: str,
    told: Told = ("", None),
) -> tuple[list[OrderTransition], list[SubOrderMoved]]:
    """``_move`` but for writing the sub-orders' states, transitions and events,
    which it returns (the order's own state is written). ``reason`` is the note
    kept for the operator; ``told``, what the buyer is told (``orders.reasons``),
    recorded on the parcels' moves and the order's."""
    told_kind = explanation_for(reason, told[0])
    told_data = dict(told[1] or {})
    for sub in moved:
        states.check_transition(sub.state, wanted)
    _apply_books(order, moved, wanted, note, by)
    transitions, events = [], []
    for sub in moved:
        transitions.append(
            OrderTransition(
                order=order,
                sub_order=sub,
                from_state=sub.state,
                to_state=wanted,
                by=by,
                reason=reason,
                explanation=told_kind,
                explanation_data=told_data,
            )
        )
        events.append(
            SubOrderMoved(
                order_id=order.pk,
                sub_order_id=sub.pk,
                number=sub.number,
                from_state=sub.state,
                to_state=wanted,
            )
        )
        sub.state = wanted
    new_state = states.order_state([s.state for s in subs])
    if new_state != order.state:
        transitions.append(
            OrderTransition(
                order=order,
                from_state=order.state,
                to_state=new_state,
                by=by,
                reason=reason,
                explanation=told_kind,
                explanation_data=told_data,
            )
        )
        Order.objects.filter(pk=order.pk).update(state=new_state)
        order.state = new_state
    return transitions, events


@transaction.atomic
def sub_orders_move(
    *, sub_orders: list[SubOrder], to: str, by: Actor = None, reason: str = ""
) -> int:
    """Move many sub-orders (of many orders) to ``to`` at once, as ``sub_order_move``
    would one by one: the orders locked in one statement (in key order), the
    states, transitions and events written in one statement each."""
    ids = {s.pk for s in sub_orders}
    order_ids = sorted({s.order_id for s in sub_orders})
    orders = {
        o.pk: o
        for o in Order.objects.select_for_update()
        .filter(pk__in=order_ids)
        .order_by("pk")
    }
    subs_of: dict[object, list[SubOrder]] = {}
    for sub in (
        SubOrder.objects.select_for_update()
        .filter(order_id__in=order_ids)
        .order_by("pk")
    ):
        subs_of.setdefault(sub.order_id, []).append(sub)
    transitions: list[OrderTransition] = []
    events: list[SubOrderMoved] = []
    for order_id in order_ids:
        subs = subs_of[order_id]
        moved = [s for s in subs if s.pk in ids]
        made = _moved(
            orders[order_id],
            subs,
            moved,
            to,
            by,
            reason,
            ", ".join(s.number for s in moved),
        )
        transitions += made[0]
        events += made[1]
    SubOrder.objects.filter(pk__in=ids).update(state=to)
    OrderTransition.objects.bulk_create(transitions)
    event_record(*events)
    return len(ids)


@transaction.atomic
def sub_order_move(
    *,
    sub_order: SubOrder,
    to: str,
    by: Actor = None,
    reason: str = "",
    explanation: str = "",
    explanation_data: Mapping[str, str] | None = None,
) -> SubOrder:
    """Move one sub-order to ``to``; refuse a move the state machine does not allow.

    What the move does to stock, yearly usage and caps is the state table's
    (``states.BOOKS``): released by customs confirms its usage, shipping takes its
    units off the shelf, cancelling (refused by customs, or by the buyer before
    shipping) gives its stock, usage and caps back. ``reason`` is a note for the
    operator; ``explanation`` (``orders.reasons.Explanation``) and its values,
    what the buyer is told.
    """
    order, subs = _locked(sub_order.order)
    sub = next(s for s in subs if s.pk == sub_order.pk)
    note = {
        states.CANCELLED: f"{sub.number} cancelled",
        states.CUSTOMS_REFUSED: f"{sub.number} refused by customs",
    }.get(to, sub.number)
    _move(order, subs, [sub], to, by, reason, note, (explanation, explanation_data))
    return sub


@transaction.atomic
def order_pay(
    *,
    order: Order,
    by: Actor = None,
    reason: str = "",
    explanation: str = "",
    explanation_data: Mapping[str, str] | None = None,
) -> Order:
    """The buyer's payment was received: every sub-order awaiting it is paid."""
    order, subs = _locked(order)
    waiting = [s for s in subs if s.state == states.PLACED]
    if not waiting:
        states.check_transition(order.state, states.PAID)
    _move(
        order,
        subs,
        waiting,
        states.PAID,
        by,
        reason,
        order.number,
        (explanation, explanation_data),
    )
    event_record(
        OrderPaid(
            order_id=order.pk,
            number=order.number,
            sub_order_ids=tuple(s.pk for s in waiting),
        )
    )
    return order


@transaction.atomic
def order_cancel(
    *,
    order: Order,
    by: Actor = None,
    reason: str = "",
    by_buyer: bool = False,
    explanation: str = "",
    explanation_data: Mapping[str, str] | None = None,
) -> Order:
    """Cancel whatever has not shipped yet, giving back its stock and CBEC usage;
    ``by_buyer``: the buyer's own cancellation, which leaves the parcels already on
    their way (the buyer returns those once delivered)."""
    order, subs = _locked(order)
    if by_buyer:
        open_subs = sub_orders_buyer_may_cancel(subs)
    else:
        open_subs = [s for s in subs if s.state in states.CANCELLABLE]
    if not open_subs:
        raise states.IllegalTransition(order.state, states.CANCELLED)
    _move(
        order,
        subs,
        open_subs,
        states.CANCELLED,
        by,
        reason,
        f"{order.number} cancelled",
        (explanation, explanation_data),
    )
    event_record(
        OrderCancelled(
            order_id=order.pk,
            number=order.number,
            sub_order_ids=tuple(s.pk for s in open_subs),
        )
    )
    return order


def orders_expire(*, now: datetime | None = None, batch: int = 100) -> int:
    """Cancel the orders not paid before their hold ran out; return how many.

    Safe to run in several processes at once: each takes orders no one else holds.
    """
    now = now or timezone.now()
    cancelled = 0
    while True:
        with transaction.atomic():
            due = list(
                Order.objects.select_for_update(skip_locked=True)
                .filter(state=states.PLACED, hold_expires_at__lte=now)
                .order_by("hold_expires_at")[:batch]
            )
            for order in due:
                order_cancel(order=order, reason=HOLD_RAN_OUT)
            cancelled += len(due)
        if len(due) < batch:
            return cancelled
