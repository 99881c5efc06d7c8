"""What pages read of payments."""

from __future__ import annotations

from etalage.orders.models import Order
from etalage.payments.models import Payment, Refund


def payment_waiting(order: Order) -> Payment | None:
    """The payment of the order started and not come back yet (the newest)."""
    return (
        Payment.objects.filter(order=order, state=Payment.State.PENDING)
        .order_by("-created_at")
        .first()
    )


def order_refunds(order: Order) -> list[Refund]:
    """The order's refunds, newest first (the buyer's page lists them)."""
    return list(
        Refund.objects.filter(payment__order=order)
        .select_related("payment")
        .order_by("-created_at")
    )
