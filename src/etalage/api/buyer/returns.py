"""The buyer's returns over the API: ask to return items of a delivered parcel, with
photos (a multipart form, through the same bounded image pipeline as the return
page: ``returns.services.return_ask``), list them, read one with its state, its
refund and, once approved, its label. Another buyer's return reads as none."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from etalage.api.access import BuyerSession, signed_in_buyer
from etalage.api.errors import ApiError, ErrorOut
from etalage.api.limits import count_request
from etalage.api.paging import CursorPage, PageQuery, cursor_page
from etalage.catalog.images import MAX_UPLOAD_BYTES
from etalage.orders.models import SubOrder
from etalage.returns.labels import return_label_pdf
from etalage.returns.models import ReturnPhoto, ReturnRequest
from etalage.returns.services import (
    MAX_PHOTOS,
    ReturnError,
    return_ask,
    return_photo_add,
)

router = Router(auth=BuyerSession(), tags=["buyer returns"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
          429: ErrorOut}  # fmt: skip
REASONS = ", ".join(ReturnRequest.Reason.values)
# The service's fields, as this API names them.
FIELDS = {"lines": "items", "sub_order": "sub_number"}


class ReturnAskIn(Schema):
    reason: str = Field(..., max_length=20, description=f"One of: {REASONS}.")
    details: str = Field("", max_length=1000, description="What happened.")
    items: list[str] = Field(
        ...,
        description="What comes back: `<sku>:<quantity>` for each line of the "
        "parcel (repeat the field), e.g. `CHOC-250:2`.",
    )


class ReturnLineOut(Schema):
    sku: str
    name_zh: str
    quantity: int
    outcome: str = Field(
        ..., description='Once received: "restocked" or "written_off" (else "").'
    )


class ReturnOut(Schema):
    number: str
    order: str
    sub_order: str
    state: str = Field(..., description="requested, approved, refused or received.")
    state_label: str = Field(..., description="The state in the reader's language.")
    reason: str
    reason_label: str
    details: str
    lines: list[ReturnLineOut]
    photos: list[str] = Field(..., description="The photos' addresses (GET).")
    decision_note: str = Field(..., description="The seller's words, when refused.")
    decided_at: datetime | None
    received_at: datetime | None
    goods_refunded: Decimal | None = Field(
        ..., description="Once received: the goods refunded, in `currency`."
    )
    tax_refunded: Decimal | None = Field(
        ..., description="Once received: their share of the cross-border tax."
    )
    currency: str
    label_url: str | None = Field(
        ..., description="The return label (PDF), once the return is approved."
    )
    created_at: datetime


class ReturnPage(CursorPage):
    items: list[ReturnOut]


class ReturnsQuery(PageQuery):
    order: str | None = Field(
        None, max_length=20, description="Only the returns of this order (number)."
    )


def _returns(request: HttpRequest) -> QuerySet[ReturnRequest]:
    return (
        ReturnRequest.objects.filter(sub_order__order__buyer=signed_in_buyer(request))
        .select_related("sub_order__order")
        .prefetch_related("lines__line", "photos")
    )


def _own(request: HttpRequest, number: str) -> ReturnRequest:
    made = _returns(request).filter(number=number).first()
    if made is None:
        raise ApiError(404, "not_found", _("You have no return with this number."),
                       "number")  # fmt: skip
    return made


def _url(request: HttpRequest, name: str, **kwargs: object) -> str:
    return request.build_absolute_uri(reverse(f"api:{name}", kwargs=kwargs))


def return_out(request: HttpRequest, made: ReturnRequest) -> ReturnOut:
    received = made.state == ReturnRequest.State.RECEIVED
    approved = made.state == ReturnRequest.State.APPROVED
    return ReturnOut(
        number=made.number,
        order=made.sub_order.order.number,
        sub_order=made.sub_order.number,
        state=made.state,
        state_label=made.get_state_display(),
        reason=made.reason,
        reason_label=made.get_reason_display(),
        details=made.details,
        lines=[
            ReturnLineOut(
                sku=item.line.sku,
                name_zh=item.line.name_zh,
                quantity=item.quantity,
                outcome=item.outcome,
            )
            for item in made.lines.all()
        ],
        photos=[
            _url(request, "returns_photo", number=made.number, photo_id=photo.pk)
            for photo in made.photos.all()
        ],
        decision_note=made.decision_note,
        decided_at=made.decided_at,
        received_at=made.received_at,
        goods_refunded=made.goods_amount if received else None,
        tax_refunded=made.tax_amount if received else None,
        currency=made.sub_order.order.currency,
        label_url=_url(request, "returns_label", number=made.number)
        if approved
        else None,
        created_at=made.created_at,
    )


def _refusal(refused: ReturnError) -> ApiError:
    """The service's refusal, naming the field as this API calls it."""
    field, messages = next(iter(refused.message_dict.items()))
    return ApiError(422, "invalid", messages[0], FIELDS.get(field, field))


def _count_asks(buyer_id: object) -> None:
    """Returns and their photos go through the image pipeline: counted."""
    count_request(
        subject=f"buyer:{buyer_id}:returns",
        limit=settings.ETALAGE_BUYER_ORDER_WRITES_PER_MINUTE,
        what="returns or photos sent",
    )


def _quantities(sub: SubOrder, items: list[str]) -> dict[int, int]:
    """``<sku>:<quantity>`` for each line, as the service counts them (by line)."""
    lines = {line.sku: line.pk for line in sub.lines.all()}
    quantities: dict[int, int] = {}
    for item in items:
        sku, _colon, count = item.strip().rpartition(":")
        if not sku or not count.isdigit() or len(count) > 3:
            raise ApiError(422, "invalid", _("Write each item as <sku>:<quantity>, "
                                             "e.g. CHOC-250:2."), "items")  # fmt: skip
        if sku not in lines:
            raise ApiError(422, "invalid", _("A line that is not in this parcel."),
                           "items")  # fmt: skip
        quantities[lines[sku]] = quantities.get(lines[sku], 0) + int(count)
    return quantities


@router.post(
    "/orders/{number}/parcels/{sub_number}/returns",
    response={201: ReturnOut, **ERRORS},
    url_name="returns_ask",
)
def returns_ask(
    request: HttpRequest,
    number: str,
    sub_number: str,
    payload: Form[ReturnAskIn],
    photos: File[list[UploadedFile] | None] = None,
) -> Status[ReturnOut]:
    """Ask to return items of a delivered parcel, within its return period: a
    multipart form with the reason, what happened, the items and up to five
    photos (JPEG, PNG or WebP, 10 MB each at most). The seller decides; the answer
    is the return, `requested`."""
    buyer = signed_in_buyer(request)
    _count_asks(buyer.pk)
    sub = (
        SubOrder.objects.filter(order__buyer=buyer, order__number=number,
                                number=sub_number)
        .select_related("order").prefetch_related("lines").first()
    )  # fmt: skip
    if sub is None:
        raise ApiError(404, "not_found", _("You have no parcel with this number."),
                       "sub_number")  # fmt: skip
    quantities = _quantities(sub, payload.items)
    # Never more read than the pipeline takes: one photo too many (to be refused),
    # each cut one byte past the largest image it takes (to be refused).
    sent = [p.read(MAX_UPLOAD_BYTES + 1) for p in (photos or [])[: MAX_PHOTOS + 1]]
    try:
        made = return_ask(
            sub_order=sub,
            buyer=buyer,
            reason=payload.reason,
            details=payload.details,
            quantities=quantities,
            photos=sent,
        )
    except ReturnError as refused:
        raise _refusal(refused) from None
    return Status(201, return_out(request, _own(request, made.number)))


@router.post("/returns/{number}/photos", response={201: ReturnOut, **ERRORS})
def returns_photo_add(
    request: HttpRequest, number: str, photo: File[UploadedFile]
) -> Status[ReturnOut]:
    """Add one photo to a return the seller has not decided yet (as a
    mini-program's ``wx.uploadFile`` sends them: one file, named `photo`, a
    request), up to five in all."""
    buyer = signed_in_buyer(request)
    _count_asks(buyer.pk)
    made = _own(request, number)
    try:
        return_photo_add(request=made, buyer=buyer,
                         photo=photo.read(MAX_UPLOAD_BYTES + 1))  # fmt: skip
    except ReturnError as refused:
        raise _refusal(refused) from None
    return Status(201, return_out(request, _own(request, number)))


@router.get("/returns", response={200: ReturnPage, **ERRORS})
def returns_list(request: HttpRequest, query: Query[ReturnsQuery]) -> ReturnPage:
    """The buyer's returns, newest first (cursor paging)."""
    rows = _returns(request)
    if query.order:
        rows = rows.filter(sub_order__order__number=query.order)
    found, next_page = cursor_page(request, rows, query, scope="returns")
    return ReturnPage(items=[return_out(request, r) for r in found], next=next_page)


@router.get("/returns/{number}", response={200: ReturnOut, **ERRORS})
def returns_get(request: HttpRequest, number: str) -> ReturnOut:
    """One return: its state, the seller's decision, the refund once received."""
    return return_out(request, _own(request, number))


@router.get(
    "/returns/{number}/label",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "The return label, a PDF (100 × 150 mm)",
                "content": {"application/pdf": {}},
            }
        }
    },
)
def returns_label(request: HttpRequest, number: str) -> HttpResponse:
    """The label to send the items back with, once the return is approved."""
    made = _own(request, number)
    if made.state != ReturnRequest.State.APPROVED:
        raise ApiError(409, "no_label", _("This return has no label: it is %(state)s.")
                       % {"state": made.get_state_display()})  # fmt: skip
    response = HttpResponse(return_label_pdf(made), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{made.number}.pdf"'
    return response


@router.get(
    "/returns/{number}/photos/{photo_id}",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {
            200: {"description": "The photo (WebP)", "content": {"image/webp": {}}}
        }
    },
)
def returns_photo(request: HttpRequest, number: str, photo_id: int) -> HttpResponse:
    """A photo sent with the return (as the pipeline kept it: WebP, 800 px)."""
    photo = None
    if 0 < photo_id < 2**31:
        photo = ReturnPhoto.objects.filter(
            pk=photo_id, request__in=_returns(request).filter(number=number)
        ).first()
    if photo is None:
        raise ApiError(404, "not_found", _("This return has no such photo."),
                       "photo_id")  # fmt: skip
    with photo.image.open("rb") as file:
        response = HttpResponse(file.read(), content_type="image/webp")
    response["Cache-Control"] = "private, no-store"
    return response
