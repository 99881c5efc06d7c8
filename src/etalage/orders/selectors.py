"""Reads of the orders context."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from etalage.orders import states
from etalage.orders.models import Order, SubOrder
from etalage.orders.reasons import Explanation, explanation_text

# The contexts that move parcels say which sub-orders have left the merchant's hands
# (logistics: handed to the hub, received, bagged, flown), whatever their state says
# yet: the buyer can no longer cancel those, only return them once delivered.
_ON_THEIR_WAY: list[Callable[[list[Any]], set[Any]]] = []


def sub_orders_on_their_way_register(check: Callable[[list[Any]], set[Any]]) -> None:
    """Add a context's word on which of these sub-orders (ids) are on their way."""
    _ON_THEIR_WAY.append(check)


def sub_orders_buyer_may_cancel(subs: Iterable[SubOrder]) -> list[SubOrder]:
    """The sub-orders the buyer's own cancellation takes: not shipped by their
    state, and not on their way by any context's word (the operator, and customs'
    refusals, may still withdraw those)."""
    open_subs = [s for s in subs if s.state in states.CANCELLABLE]
    if not open_subs:
        return []
    ids = [s.pk for s in open_subs]
    gone: set[Any] = set().union(*(check(ids) for check in _ON_THEIR_WAY))
    return [s for s in open_subs if s.pk not in gone]


def orders_awaiting_payment_count() -> int:
    return Order.objects.filter(state=states.PLACED).count()


# Paid and not yet shipped: someone has to move them.
WAITING_TO_SHIP = (states.PAID, states.CUSTOMS_DECLARED, states.RELEASED)


def parcels_waiting_count() -> int:
    """Parcels paid and not yet shipped: someone has to move them."""
    return SubOrder.objects.filter(state__in=WAITING_TO_SHIP).count()


@dataclass(frozen=True)
class HistoryEntry:
    """One change of an order's state as its buyer reads it (the order's page and
    the buyer's API): the state and its name in the active language, and what the
    buyer is told of it (never the operator's and the machines' notes)."""

    at: datetime
    state: str
    state_label: str
    reason: str
    # Words an operator wrote to the buyer, shown as theirs (not translated).
    by_operator: bool


def order_history(order: Order) -> list[HistoryEntry]:
    """The order's own changes of state, oldest first, in the active language
    (``transitions`` prefetched reads them once)."""
    return [
        HistoryEntry(
            at=t.at,
            state=t.to_state,
            state_label=t.get_to_state_display(),
            reason=explanation_text(t.explanation, t.explanation_data),
            by_operator=t.explanation == Explanation.OPERATOR_NOTE,
        )
        for t in order.transitions.all()
        if t.sub_order_id is None
    ]


def buyer_order_language(*, buyer: Any, number: str) -> str | None:
    """The language ``buyer`` placed their order ``number`` in; None when they have
    no such order (another's reads as none)."""
    found: str | None = (
        Order.objects.filter(buyer=buyer, number=number)
        .values_list("language", flat=True)
        .first()
    )
    return found
