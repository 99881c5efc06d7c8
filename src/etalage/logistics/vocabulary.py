"""What can happen to a parcel on its way, as the buyer reads it. Pure.

A fixed vocabulary: every carrier's statuses are mapped onto it at the carrier's
adapter, so the timeline, the emails and the sub-order's state speak one language.
The AfterShip statuses in common use are given for each (Pending, InfoReceived,
InTransit, OutForDelivery, AttemptFail, Delivered, Exception).
"""

from __future__ import annotations

import enum


class Step(enum.StrEnum):
    INFO_RECEIVED = "info_received"  # packed, label printed, waiting for the hub
    RECEIVED_AT_HUB = "received_at_hub"
    DEPARTED_LIEGE = "departed_liege"
    ARRIVED_IN_CHINA = "arrived_in_china"
    CUSTOMS_RELEASED = "customs_released"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERY_FAILED = "delivery_failed"
    DELIVERED = "delivered"
    EXCEPTION = "exception"


AFTERSHIP = {
    Step.INFO_RECEIVED: "InfoReceived",
    Step.RECEIVED_AT_HUB: "InTransit",
    Step.DEPARTED_LIEGE: "InTransit",
    Step.ARRIVED_IN_CHINA: "InTransit",
    Step.CUSTOMS_RELEASED: "InTransit",
    Step.OUT_FOR_DELIVERY: "OutForDelivery",
    Step.DELIVERY_FAILED: "AttemptFail",
    Step.DELIVERED: "Delivered",
    Step.EXCEPTION: "Exception",
}

# The steps the buyer is told of by email as well.
EMAILED = frozenset(
    {Step.DEPARTED_LIEGE, Step.CUSTOMS_RELEASED, Step.OUT_FOR_DELIVERY, Step.DELIVERED}
)

# In the order they happen (failures and exceptions may come at any point).
PROGRESS = (
    Step.INFO_RECEIVED,
    Step.RECEIVED_AT_HUB,
    Step.DEPARTED_LIEGE,
    Step.ARRIVED_IN_CHINA,
    Step.CUSTOMS_RELEASED,
    Step.OUT_FOR_DELIVERY,
    Step.DELIVERED,
)
