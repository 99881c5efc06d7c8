"""What logistics does when orders move (registered by the app's ready)."""

from __future__ import annotations

from etalage.events.outbox import handles
from etalage.events.types import SubOrderMoved
from etalage.logistics.last_mile import parcel_released
from etalage.orders import states


@handles(SubOrderMoved)
def released_parcels_go_to_the_carrier(event: SubOrderMoved) -> None:
    if event.to_state == states.RELEASED:
        parcel_released(sub_order_id=event.sub_order_id)
