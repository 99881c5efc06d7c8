"""Promotions' side of other contexts' events (delivered after commit, maybe twice)."""

from __future__ import annotations

from etalage.events.outbox import handles
from etalage.events.types import OrderCancelled
from etalage.orders.models import Order
from etalage.orders.states import CANCELLED
from etalage.promotions.services import redemptions_release


@handles(OrderCancelled)
def cancelled_order_gives_promotions_back(event: OrderCancelled) -> None:
    """An order cancelled whole gives back the budgets and uses it took (a coupon
    may be used again); a partly cancelled one keeps them."""
    if Order.objects.filter(pk=event.order_id, state=CANCELLED).exists():
        redemptions_release(order_id=event.order_id)
