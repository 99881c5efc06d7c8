"""Paying an order through the API, for a headless storefront (session and CSRF as
the rest of the buyer's API): start a payment and send the buyer to its cashier,
then read how it went."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from etalage.api.errors import ApiError, ErrorOut
from etalage.api.paging import CursorPage, PageQuery, cursor_page
from etalage.api.session import BuyerSession
from etalage.orders.models import Order
from etalage.payments.models import Payment
from etalage.payments.services import PaymentRefused, payment_start

payments_router = Router(auth=BuyerSession(), tags=["buyer payments"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PaymentIn(Schema):
    provider: Literal["alipay", "wechat"] = Field(
        ...,
        description="alipay (Antom: a cashier to send the buyer to) or wechat "
        "(WeChat Pay Global, native: a QR code to show).",
    )
    return_url: str = Field(
        "", max_length=500,
        description="Where the cashier sends the buyer back (the order's page by "
        "default); an address of this site.",
    )  # fmt: skip


class PaymentOut(Schema):
    request_id: str
    provider: str
    state: Literal["pending", "succeeded", "failed", "held"]
    state_label: str = Field(..., description="The state in the reader's language.")
    amount: Decimal
    currency: str
    redirect_url: str = Field(
        ..., description="The cashier to send the buyer to (Alipay), or empty."
    )
    qr_code: str = Field(
        ...,
        description="The text of the QR code the buyer scans (WeChat Pay), or empty.",
    )
    paid_at: datetime | None
    created_at: datetime


def _out(payment: Payment) -> PaymentOut:
    return PaymentOut(
        request_id=payment.request_id, provider=payment.provider, state=payment.state,
        state_label=payment.get_state_display(),
        amount=payment.amount, currency=payment.currency,
        redirect_url=payment.redirect_url, qr_code=payment.qr_code,
        paid_at=payment.paid_at,
        created_at=payment.created_at,
    )  # fmt: skip


def _order(request: HttpRequest, number: str) -> Order:
    order = Order.objects.filter(buyer=request.auth, number=number).first()
    if order is None:
        raise ApiError(404, "not_found", _("You have no order with this number."),
                       "number")  # fmt: skip
    return order


class PaymentPage(CursorPage):
    items: list[PaymentOut]


@payments_router.post("/orders/{number}/payments", response={201: PaymentOut, **ERRORS})
def payments_start(request: HttpRequest, number: str, payload: PaymentIn):
    """Start paying the order (``Idempotency-Key`` required: sending it again, or
    asking while a payment is out, answers with that payment)."""
    if not request.headers.get("Idempotency-Key", "").strip():
        raise ApiError(422, "required", "send an Idempotency-Key header",
                       "Idempotency-Key")  # fmt: skip
    order = _order(request, number)
    own_page = request.build_absolute_uri(reverse("web:order", args=[order.number]))
    return_url = payload.return_url or own_page
    if not return_url.startswith(request.build_absolute_uri("/")):
        raise ApiError(422, "invalid", "an address of this site", "return_url")
    try:
        payment = payment_start(order=order, provider=payload.provider,
                                return_url=return_url)  # fmt: skip
    except PaymentRefused as refused:
        raise ApiError(409, "not_payable", str(refused)) from None
    return Status(201, _out(payment))


@payments_router.get("/orders/{number}/payments", response={200: PaymentPage, **ERRORS})
def payments_list(request: HttpRequest, number: str, page: Query[PageQuery]):
    """The order's payments and their states, newest first (cursor paging)."""
    payments, next_page = cursor_page(
        request, Payment.objects.filter(order=_order(request, number)), page,
        scope="payments",
    )  # fmt: skip
    return PaymentPage(items=[_out(p) for p in payments], next=next_page)
