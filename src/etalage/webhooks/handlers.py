"""What merchants are told, and when (registered by the app's ready): each queues in
the transaction that delivers the domain event, sent after commit."""

from __future__ import annotations

from etalage.events.outbox import handles
from etalage.events.types import OrderPaid, ParcelStepped, SubOrderMoved
from etalage.orders import states
from etalage.orders.models import SubOrder
from etalage.webhooks.delivery import deliveries_queue

MOVES = {
    states.RELEASED: "parcel.released",
    states.DELIVERED: "parcel.delivered",
    states.CANCELLED: "parcel.cancelled",
    states.REFUNDED: "parcel.refunded",
}


def _data(sub: SubOrder) -> dict[str, object]:
    return {
        "order": sub.order.number,
        "parcel": sub.number,
        "state": sub.state,
        "customs_mode": sub.customs_mode,
        "goods_eur": str(sub.goods_eur),
    }


@handles(OrderPaid)
def paid_parcels_told(event: OrderPaid) -> None:
    for sub in SubOrder.objects.filter(pk__in=event.sub_order_ids).select_related(
        "order"
    ):
        deliveries_queue(
            merchant_id=sub.merchant_id, event="order.paid", data=_data(sub)
        )


@handles(SubOrderMoved)
def moved_parcels_told(event: SubOrderMoved) -> None:
    name = MOVES.get(event.to_state)
    if name is None:
        return
    sub = SubOrder.objects.select_related("order").filter(pk=event.sub_order_id).first()
    if sub is not None:
        deliveries_queue(merchant_id=sub.merchant_id, event=name, data=_data(sub))


@handles(ParcelStepped)
def received_parcels_told(event: ParcelStepped) -> None:
    if event.step != "received_at_hub":
        return
    sub = SubOrder.objects.select_related("order").filter(pk=event.sub_order_id).first()
    if sub is not None:
        deliveries_queue(
            merchant_id=sub.merchant_id,
            event="parcel.received",
            data={**_data(sub), "at": event.at},
        )
