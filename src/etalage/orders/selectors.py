"""Reads of the orders context."""

from __future__ import annotations

from etalage.orders import states
from etalage.orders.models import Order, SubOrder


def orders_awaiting_payment_count() -> int:
    return Order.objects.filter(state=states.PLACED).count()


# Paid and not yet shipped: someone has to move them.
WAITING_TO_SHIP = (states.PAID, states.CUSTOMS_DECLARED, states.RELEASED)


def parcels_waiting_count() -> int:
    """Parcels paid and not yet shipped: someone has to move them."""
    return SubOrder.objects.filter(state__in=WAITING_TO_SHIP).count()
