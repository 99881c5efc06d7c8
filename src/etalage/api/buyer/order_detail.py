"""One of the buyer's orders as its page shows it, over the API: the history of its
states and, per parcel, the tracking timeline, the returns and until when the
parcel may be returned; in the reader's language. The rules are the order page's
own (``orders.selectors.order_history``, ``logistics.selectors.parcel_timeline``,
``returns.services.returnable``): this module only shapes them."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Schema

from etalage.logistics.selectors import parcel_timeline
from etalage.orders.models import Order, SubOrder
from etalage.orders.selectors import order_history
from etalage.returns.models import ReturnRequest
from etalage.returns.services import return_window_end, returnable

# What the order's page reads, once for all its parcels.
ORDER_PAGE_PARTS = (
    "sub_orders__merchant",
    "sub_orders__lines",
    "sub_orders__returns",
    "sub_orders__transitions",
    "sub_orders__parcel__events",
    "transitions__by",
)


class HistoryOut(Schema):
    at: datetime
    state: str
    state_label: str = Field(..., description="The state in the reader's language.")
    reason: str = Field(
        ...,
        description="Why, in the reader's language when Étalage gave the reason; "
        "a person's words are as they wrote them.",
    )
    by_operator: bool = Field(
        ..., description="The reason is a note typed by Étalage's operator."
    )


class TrackingStepOut(Schema):
    at: datetime
    step: str = Field(
        ...,
        description="info_received, received_at_hub, departed_liege, "
        "arrived_in_china, customs_released, out_for_delivery, delivery_failed, "
        "delivered or exception.",
    )
    label: str = Field(..., description="The step in the reader's language.")
    place: str
    said: str = Field(
        ...,
        description="The carrier's own words, only where they add to the step and "
        "its place.",
    )
    said_lang: str = Field(
        ..., description='The language of `said` when it is Chinese ("zh-Hans").'
    )


class ParcelTrackingOut(Schema):
    code: str
    carrier: str = Field(..., description="The carrier in China, once handed to it.")
    waybill: str = Field(..., description="The carrier's waybill, once handed to it.")
    tracking: list[TrackingStepOut] = Field(..., description="Newest first.")


class ReturnBriefOut(Schema):
    number: str
    state: str
    state_label: str
    url: str = Field(..., description="The return (GET).")


class ParcelReturnsOut(Schema):
    returnable: bool = Field(
        ..., description="Items of this parcel may be asked back now."
    )
    return_until: datetime | None = Field(
        ..., description="The end of the return period (none before delivery)."
    )
    ask_url: str | None = Field(
        ..., description="Where to ask for a return (POST), while returnable."
    )
    returns: list[ReturnBriefOut]


def order_page_query(buyer_orders: QuerySet[Order]) -> QuerySet[Order]:
    return buyer_orders.prefetch_related(*ORDER_PAGE_PARTS)


def history_out(order: Order) -> list[HistoryOut]:
    return [HistoryOut(**vars(entry)) for entry in order_history(order)]


def parcel_out(sub: SubOrder) -> ParcelTrackingOut | None:
    try:
        parcel = sub.parcel
    except ObjectDoesNotExist:
        return None
    return ParcelTrackingOut(
        code=parcel.code,
        carrier=parcel.carrier,
        waybill=parcel.waybill,
        tracking=[TrackingStepOut(**vars(step)) for step in parcel_timeline(sub)],
    )


def return_brief_out(request: HttpRequest, made: ReturnRequest) -> ReturnBriefOut:
    return ReturnBriefOut(
        number=made.number,
        state=made.state,
        state_label=made.get_state_display(),
        url=request.build_absolute_uri(
            reverse("api:returns_get", kwargs={"number": made.number})
        ),
    )


def parcel_returns_out(request: HttpRequest, sub: SubOrder) -> ParcelReturnsOut:
    may = returnable(sub)
    ask = reverse(
        "api:returns_ask",
        kwargs={"number": sub.order.number, "sub_number": sub.number},
    )
    return ParcelReturnsOut(
        returnable=may,
        return_until=return_window_end(sub),
        ask_url=request.build_absolute_uri(ask) if may else None,
        returns=[return_brief_out(request, made) for made in sub.returns.all()],
    )
