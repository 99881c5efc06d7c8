"""What pages read of payments."""

from __future__ import annotations

from etalage.orders.models import Order
from etalage.payments.models import Payment


def payment_waiting(order: Order) -> bool:
    """Whether a payment of the order was started and has not come back yet."""
    return Payment.objects.filter(order=order, state=Payment.State.PENDING).exists()
