"""Reads of the orders context."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from etalage.orders import states
from etalage.orders.models import Order, SubOrder

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
