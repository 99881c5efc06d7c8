"""What happens after an order's events commit (delivered by the outbox)."""

from etalage.events.outbox import handles
from etalage.events.types import OrderCancelled, OrderPaid, OrderPlaced, SubOrderMoved
from etalage.merchants.notifications import notify_merchant
from etalage.orders import states
from etalage.orders.emails import email_buyer
from etalage.orders.models import Order, SubOrder


def _email_buyer(event: OrderPlaced | OrderCancelled, template: str) -> None:
    order = Order.objects.select_related("buyer").filter(pk=event.order_id).first()
    if order is not None:
        email_buyer(order, f"etalage/orders/email/{template}", {})


@handles(OrderPlaced)
def order_placed_email(event: OrderPlaced) -> None:
    """Tell the buyer the order is placed and by when to pay."""
    _email_buyer(event, "order_placed")


@handles(OrderCancelled)
def order_cancelled_email(event: OrderCancelled) -> None:
    _email_buyer(event, "order_cancelled")


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
        notify_merchant(merchant=parcel.merchant, template="parcel_cancelled",
                        context={"sub": parcel})  # fmt: skip
