"""What logistics does when orders move (registered by the app's ready)."""

from __future__ import annotations

from etalage.events.outbox import handles
from etalage.events.types import ParcelStepped, SubOrderMoved
from etalage.logistics.last_mile import parcel_released
from etalage.logistics.models import STEP_LABELS, TrackingEvent
from etalage.logistics.vocabulary import EMAILED, Step
from etalage.orders import states
from etalage.orders.notices import Notice, buyer_notify


@handles(SubOrderMoved)
def released_parcels_go_to_the_carrier(event: SubOrderMoved) -> None:
    if event.to_state == states.RELEASED:
        parcel_released(sub_order_id=event.sub_order_id)


# The steps the buyer hears of, as notices (the others are on the order's page).
NOTICES = {
    Step.DEPARTED_LIEGE: Notice.SHIPPED,
    Step.CUSTOMS_RELEASED: Notice.RELEASED,
    Step.OUT_FOR_DELIVERY: Notice.OUT_FOR_DELIVERY,
    Step.DELIVERED: Notice.DELIVERED,
}


@handles(ParcelStepped)
def buyers_told_of_the_big_steps(event: ParcelStepped) -> None:
    """Departed Liège, released, out for delivery, delivered: the buyer is told by
    email and text as they chose, in the order's language (after the delivery
    commits)."""
    step = Step(event.step)
    if step not in EMAILED:
        return
    tracked = (
        TrackingEvent.objects.select_related("parcel__sub_order__order__buyer")
        .filter(parcel_id=event.parcel_id, step=event.step)
        .order_by("-at")
        .first()
    )
    if tracked is None:
        return
    context = {
        "parcel": tracked.parcel,
        "event": tracked,
        "step_label": STEP_LABELS[step],
    }
    buyer_notify(
        order=tracked.parcel.sub_order.order,
        notice=NOTICES[step],
        key=str(event.parcel_id),
        email=("etalage/logistics/email/step", context),
    )
