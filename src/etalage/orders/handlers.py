"""What happens after an order's events commit (delivered by the outbox)."""

from uuid import UUID

from etalage.events.outbox import handles
from etalage.events.types import OrderCancelled, OrderPaid, OrderPlaced, SubOrderMoved
from etalage.merchants.notifications import notify_merchant
from etalage.orders import states
from etalage.orders.models import Order, SubOrder
from etalage.orders.notices import Notice, buyer_notify


def _order(order_id: UUID) -> Order | None:
    return Order.objects.select_related("buyer").filter(pk=order_id).first()


@handles(OrderPlaced)
def order_placed_tell_buyer(event: OrderPlaced) -> None:
    """Tell the buyer the order is placed and by when to pay."""
    if order := _order(event.order_id):
        buyer_notify(
            order=order,
            notice=Notice.PLACED,
            email=("etalage/orders/email/order_placed", {}),
        )


@handles(OrderPaid)
def order_paid_tell_buyer(event: OrderPaid) -> None:
    """Tell the buyer (by text: the payment page already said it) it is paid."""
    if order := _order(event.order_id):
        buyer_notify(order=order, notice=Notice.PAID)


@handles(OrderCancelled)
def order_cancelled_tell_buyer(event: OrderCancelled) -> None:
    if order := _order(event.order_id):
        # A sub-order is cancelled once: the first of them tells cancellations apart.
        key = str(min(event.sub_order_ids, default=""))
        buyer_notify(
            order=order,
            notice=Notice.CANCELLED,
            key=key,
            email=("etalage/orders/email/order_cancelled", {}),
        )


@handles(OrderPaid)
def order_paid_tell_merchants(event: OrderPaid) -> None:
    """Each merchant learns, in its own language, that a parcel is to be prepared."""
    parcels = (
        SubOrder.objects.filter(pk__in=event.sub_order_ids)
        .select_related("merchant", "order")
        .prefetch_related("lines")
    )
    for parcel in parcels:
        notify_merchant(
            merchant=parcel.merchant, template="parcel_paid", context={"sub": parcel}
        )


@handles(SubOrderMoved)
def parcel_cancelled_tell_merchant(event: SubOrderMoved) -> None:
    """A parcel the merchant was told to prepare (paid) is cancelled or refused by
    customs: say so."""
    stopped = (states.CANCELLED, states.CUSTOMS_REFUSED)
    if event.to_state not in stopped or event.from_state == states.PLACED:
        return
    parcel = (
        SubOrder.objects.filter(pk=event.sub_order_id)
        .select_related("merchant", "order")
        .first()
    )
    if parcel is not None:
        notify_merchant(
            merchant=parcel.merchant,
            template="parcel_cancelled",
            context={"sub": parcel},
        )
