"""Shipping over the merchant API (an API key with the ``orders:write`` scope), for
merchants whose own systems pack: the parcel packed with its weight, its label
(PDF, 100 × 150 mm), handed to the Liège hub, and its tracking steps."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from etalage.api.access import merchant_key
from etalage.api.errors import ApiError, ErrorOut, not_found
from etalage.logistics.labels import labels_pdf
from etalage.logistics.models import Parcel
from etalage.logistics.services import (
    LighterThanGoods,
    ParcelRefused,
    parcel_hand_over,
    parcel_pack,
)
from etalage.merchants.models import ApiKey
from etalage.orders.models import SubOrder

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
router = Router(tags=["merchant shipping"])


class PackIn(Schema):
    grams: int = Field(..., ge=1, le=31_500, description="The packed weight in grams.")
    lighter_than_goods_confirmed: bool = Field(
        False,
        description=(
            "A packed weight under the goods' own (the catalogue's weights of the "
            "items) is refused with the code `lighter_than_goods`; send it again "
            "with this true when the catalogue's weights are what is wrong."
        ),
    )


class StepOut(Schema):
    step: str
    at: datetime
    place: str
    detail: str


class ParcelOut(Schema):
    code: str = Field(..., description="The parcel's code: its Code 128 barcode.")
    state: str = Field(
        ...,
        description="Where the parcel is: packed, handed_over, received (at the "
        "hub), refused (by the hub), departed (in flight from Liège), arrived (at "
        "customs in China), released, with_carrier, out_for_delivery, "
        "delivery_failed (tried again), delivered.",
    )
    packed_grams: int
    hub_grams: int | None
    refused_because: str
    carrier: str
    waybill: str
    steps: list[StepOut]


def _sub_order(request: HttpRequest, number: str) -> SubOrder:
    key = merchant_key(request, ApiKey.Scope.ORDERS_WRITE)
    sub = (
        SubOrder.objects.filter(merchant_id=key.merchant_id, number=number)
        .select_related("order", "merchant", "warehouse")
        .first()
    )
    if sub is None:
        raise not_found("sub-order", "number")
    return sub


def _parcel(sub: SubOrder) -> Parcel:
    parcel = Parcel.objects.filter(sub_order=sub).first()
    if parcel is None:
        raise ApiError(404, "not_found", "this parcel is not packed yet", "number")
    return parcel


def parcel_out(parcel: Parcel) -> ParcelOut:
    return ParcelOut(
        code=parcel.code,
        state=parcel.state,
        packed_grams=parcel.declared_grams,
        hub_grams=parcel.measured_grams,
        refused_because=parcel.refusal,
        carrier=parcel.carrier,
        waybill=parcel.waybill,
        steps=[
            StepOut(step=e.step, at=e.at, place=e.place, detail=e.detail)
            for e in parcel.events.all()
        ],
    )


@router.post("/orders/{number}/parcel", response={201: ParcelOut, **ERRORS})
def parcel_pack_api(
    request: HttpRequest, number: str, body: PackIn
) -> tuple[int, ParcelOut]:
    """Pack the paid parcel (or correct its weight until it is handed over)."""
    sub = _sub_order(request, number)
    try:
        parcel = parcel_pack(
            sub_order=sub,
            grams=body.grams,
            lighter_confirmed=body.lighter_than_goods_confirmed,
        )
    except LighterThanGoods as lighter:
        raise ApiError(422, "lighter_than_goods", str(lighter), "grams") from None
    except ParcelRefused as refused:
        raise ApiError(422, "invalid", str(refused), refused.field) from None
    return 201, parcel_out(parcel)


@router.get("/orders/{number}/parcel", response={200: ParcelOut, **ERRORS})
def parcel_get_api(request: HttpRequest, number: str) -> ParcelOut:
    """The parcel, its state and its tracking steps."""
    return parcel_out(_parcel(_sub_order(request, number)))


@router.get(
    "/orders/{number}/parcel/label",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {
            200: {  # ninja's own key (an int): a "200" beside it is written twice
                "description": "The label, a PDF (100 × 150 mm)",
                "content": {"application/pdf": {}},
            }
        }
    },
)
def parcel_label_api(request: HttpRequest, number: str) -> HttpResponse:
    """The shipping label as PDF, 100 × 150 mm (Code 128 and QR code)."""
    parcel = _parcel(_sub_order(request, number))
    response = HttpResponse(labels_pdf([parcel]), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="label-{number}.pdf"'
    return response


@router.post("/orders/{number}/parcel/hand-over", response={200: ParcelOut, **ERRORS})
def parcel_hand_over_api(request: HttpRequest, number: str) -> ParcelOut:
    """The packed parcel was handed to the Liège hub."""
    parcel = _parcel(_sub_order(request, number))
    try:
        parcel = parcel_hand_over(parcel=parcel)
    except ParcelRefused as refused:
        raise ApiError(422, "invalid", str(refused), refused.field) from None
    return parcel_out(parcel)
