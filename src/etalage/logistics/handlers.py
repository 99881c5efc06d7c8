"""What logistics does when orders move (registered by the app's ready)."""

from __future__ import annotations

from django.db import transaction

from etalage.events.outbox import handles
from etalage.events.types import ParcelStepped, SubOrderMoved
from etalage.logistics.last_mile import parcel_released
from etalage.logistics.models import STEP_LABELS, TrackingEvent
from etalage.logistics.vocabulary import EMAILED, Step
from etalage.orders import states
from etalage.orders.emails import email_buyer


@handles(SubOrderMoved)
def released_parcels_go_to_the_carrier(event: SubOrderMoved) -> None:
    if event.to_state == states.RELEASED:
        parcel_released(sub_order_id=event.sub_order_id)


@handles(ParcelStepped)
def buyers_told_of_the_big_steps(event: ParcelStepped) -> None:
    """Departed Liège, released, out for delivery, delivered: the buyer is told by
    email too, in the order's language (after the delivery commits)."""
    if Step(event.step) not in EMAILED:
        return
    transaction.on_commit(lambda: _email(event))


def _email(event: ParcelStepped) -> None:
    tracked = (
        TrackingEvent.objects.select_related("parcel__sub_order__order__buyer")
        .filter(parcel_id=event.parcel_id, step=event.step)
        .order_by("-at")
        .first()
    )
    if tracked is None:
        return
    email_buyer(
        tracked.parcel.sub_order.order,
        "etalage/logistics/email/step",
        {
            "parcel": tracked.parcel,
            "event": tracked,
            "step_label": STEP_LABELS[Step(event.step)],
        },
    )
