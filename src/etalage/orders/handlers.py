"""What happens after an order's events commit (delivered by the outbox)."""

from django.conf import settings
from django.core.mail import send_mail

from etalage.core.emails import render_email
from etalage.core.outbox import handles
from etalage.merchants.notifications import notify_merchant
from etalage.orders.models import Order, SubOrder
from etalage.orders.services import ORDER_CANCELLED, ORDER_PAID, ORDER_PLACED


def _email_buyer(payload: dict, template: str) -> None:
    order = Order.objects.select_related("buyer").filter(pk=payload["order"]).first()
    if order is None or not order.buyer.email:
        return
    subject, body = render_email(
        f"etalage/orders/email/{template}", {"order": order}, order.language
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [order.buyer.email])


@handles(ORDER_PLACED)
def order_placed_email(payload: dict) -> None:
    """Tell the buyer the order is placed and by when to pay."""
    _email_buyer(payload, "order_placed")


@handles(ORDER_CANCELLED)
def order_cancelled_email(payload: dict) -> None:
    _email_buyer(payload, "order_cancelled")


@handles(ORDER_PAID)
def order_paid_tell_merchants(payload: dict) -> None:
    """Each merchant learns, in its own language, that a parcel is to be prepared."""
    parcels = (
        SubOrder.objects.filter(pk__in=payload.get("sub_orders", []))
        .select_related("merchant", "order")
        .prefetch_related("lines")
    )
    for parcel in parcels:
        notify_merchant(
            merchant=parcel.merchant, template="parcel_paid", context={"sub": parcel}
        )
