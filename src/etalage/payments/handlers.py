"""What payments do when orders move (registered by the app's ready)."""

from __future__ import annotations

from django.db import transaction

from etalage.events.outbox import handles
from etalage.events.types import OrderCancelled, OrderPaid, SubOrderMoved
from etalage.orders import states
from etalage.orders.models import Order
from etalage.payments.declarations import (
    order_payment_declarations_record,
    order_payment_declare_task,
)
from etalage.payments.services import order_refund_cancelled


@handles(OrderCancelled)
def cancelled_paid_parcels_refunded(event: OrderCancelled) -> None:
    """Cancelled parcels that were paid are refunded."""
    order = Order.objects.filter(pk=event.order_id).first()
    if order is not None:
        order_refund_cancelled(order=order, sub_order_ids=event.sub_order_ids)


@handles(SubOrderMoved)
def refused_parcel_refunded(event: SubOrderMoved) -> None:
    """A parcel customs refused is refunded."""
    if event.to_state != states.CUSTOMS_REFUSED:
        return
    order = Order.objects.filter(pk=event.order_id).first()
    if order is not None:
        order_refund_cancelled(order=order, sub_order_ids=(event.sub_order_id,))


@handles(OrderPaid)
def paid_parcels_declared(event: OrderPaid) -> None:
    """A payment through a provider is declared to customs, parcel by parcel: the
    declarations recorded now, made in the background (the provider is asked once
    per parcel)."""
    order = Order.objects.filter(pk=event.order_id).first()
    if order is not None and order_payment_declarations_record(order):
        transaction.on_commit(
            lambda: order_payment_declare_task.enqueue(str(event.order_id))
        )
