"""Reads of the orders context."""

from __future__ import annotations

from etalage.orders import states
from etalage.orders.models import Order, SubOrder


def orders_awaiting_payment_count() -> int:
    return Order.objects.filter(state=states.PLACED).count()


def parcels_waiting_count() -> int:
    """Parcels paid and not yet shipped: someone has to move them."""
    waiting = (states.PAID, states.CUSTOMS_DECLARED, states.RELEASED)
    return SubOrder.objects.filter(state__in=waiting).count()
