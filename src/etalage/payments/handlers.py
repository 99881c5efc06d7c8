"""What payments do when orders move (registered by the app's ready)."""

from __future__ import annotations

from etalage.events.outbox import handles
from etalage.events.types import OrderCancelled
from etalage.orders.models import Order
from etalage.payments.services import order_refund_cancelled


@handles(OrderCancelled)
def cancelled_paid_parcels_refunded(event: OrderCancelled) -> None:
    """Cancelled parcels that were paid are refunded."""
    order = Order.objects.filter(pk=event.order_id).first()
    if order is not None:
        order_refund_cancelled(order=order, sub_order_ids=event.sub_order_ids)
