"""Orders over the API: buyers place and follow theirs (session sign-in, CSRF),
merchants read their sub-orders (API key with the ``orders:read`` scope).

``POST /api/v1/orders`` places the signed-in buyer's cart. The ``Idempotency-Key``
header is required: the same key with the same body answers with the same order
(200, ``Idempotent-Replayed: true``), never a second one; with another body it is
refused (409).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from etalage.api.access import BuyerSession, signed_in_buyer
from etalage.api.buyer.order_detail import (
    HistoryOut,
    ParcelReturnsOut,
    ParcelTrackingOut,
    history_out,
    order_page_query,
    parcel_out,
    parcel_returns_out,
)
from etalage.api.errors import ApiError, ErrorOut, idempotency_key_reused
from etalage.api.limits import count_request
from etalage.api.order_schemas import (
    DeliveryOut,
    SubOrderOut,
    delivery_out,
    sub_order_fields,
)
from etalage.api.paging import CursorPage, PageQuery, cursor_page
from etalage.checkout.placement import IdempotencyConflict, OrderRefused, order_place
from etalage.core.languages import LANGUAGE_CODES
from etalage.orders import states
from etalage.orders.models import Order
from etalage.orders.reasons import CANCELLED_BY_BUYER
from etalage.orders.services import order_cancel
from etalage.pricing.selectors import market_strategies

ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}

buyer_router = Router(auth=BuyerSession(), tags=["buyer orders"])


class OrderIn(Schema):
    market: str = "CN"
    identity: str = Field(..., description="The key of one of your identities.")
    address: str = Field(..., description="The key of one of your addresses.")
    lang: str = Field(
        "zh-hans", description="Language of messages: zh-hans, fr, nl, en."
    )
    expected_total: Decimal | None = Field(
        None,
        max_digits=12,
        decimal_places=2,
        description="The total the buyer was shown (from POST /quotes); when the "
        "order's total differs, it is refused with `total_changed`.",
    )
    coupon: str = Field(
        "",
        max_length=64,
        description="A coupon's code or a claimed coupon's key, as quoted; one "
        "that does not apply refuses the order (field `coupon`, with why).",
    )


class OrderOut(Schema):
    number: str
    state: str
    state_label: str = Field(..., description="The state in the reader's language.")
    market: str
    currency: str
    placed_at: datetime
    pay_before: datetime | None
    goods: Decimal
    freight: Decimal
    tax: Decimal
    total: Decimal
    fx_rate: Decimal | None
    fx_rate_date: str | None
    buyer_name: str
    id_number_masked: str
    delivery: DeliveryOut
    sub_orders: list[SubOrderOut]


class OrderPage(CursorPage):
    items: list[OrderOut]


class SubOrderDetailOut(SubOrderOut):
    state_label: str = Field(..., description="The state in the reader's language.")
    parcel: ParcelTrackingOut | None = Field(
        ..., description="The parcel and its tracking timeline, once packed."
    )
    returns: ParcelReturnsOut


class OrderLinksOut(Schema):
    payments: str
    refunds: str


class OrderDetailOut(OrderOut):
    history: list[HistoryOut] = Field(
        ..., description="The order's changes of state, oldest first."
    )
    sub_orders: list[SubOrderDetailOut]  # type: ignore[assignment]
    links: OrderLinksOut


def _order_fields(order: Order) -> dict[str, Any]:
    return dict(
        number=order.number,
        state=order.state,
        state_label=order.get_state_display(),
        market=order.market.code,
        currency=order.currency,
        placed_at=order.created_at,
        pay_before=order.hold_expires_at if order.state == states.PLACED else None,
        goods=order.goods,
        freight=order.freight,
        tax=order.tax,
        total=order.total,
        fx_rate=order.fx_rate,
        fx_rate_date=order.fx_rate_date.isoformat() if order.fx_rate_date else None,
        buyer_name=order.buyer_name,
        id_number_masked=order.id_number_masked,
        delivery=delivery_out(order),
    )


def order_out(order: Order) -> OrderOut:
    return OrderOut(
        **_order_fields(order),
        sub_orders=[SubOrderOut(**sub_order_fields(s)) for s in order.sub_orders.all()],
    )


def _count_write(request: HttpRequest) -> None:
    count_request(
        subject=f"buyer:{signed_in_buyer(request).pk}",
        limit=settings.ETALAGE_BUYER_ORDER_WRITES_PER_MINUTE,
        what="order placements or cancellations",
    )


def _buyer_orders(request: HttpRequest) -> QuerySet[Order]:
    buyer = signed_in_buyer(request)
    return Order.objects.filter(buyer=buyer).select_related("market")


def _with_parts(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.prefetch_related("sub_orders__merchant", "sub_orders__lines")


@buyer_router.post("/orders", response={200: OrderOut, 201: OrderOut, **ERRORS})
def orders_place(
    request: HttpRequest, response: HttpResponse, payload: OrderIn
) -> Status[OrderOut]:
    """Place the signed-in buyer's cart as an order (see the section's description)."""
    _count_write(request)
    if payload.lang not in LANGUAGE_CODES:
        raise ApiError(
            422,
            "invalid",
            _("Choose one of: %(languages)s.")
            % {"languages": ", ".join(LANGUAGE_CODES)},
            "lang",
        )
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        raise ApiError(
            422,
            "required",
            _(
                "Send an Idempotency-Key header (the same "
                "key again answers with the same order)."
            ),
            "Idempotency-Key",
        )
    found = next(
        ((m, p) for m, p in market_strategies() if m.code == payload.market), None
    )
    if found is None:
        raise ApiError(404, "not_found", _("No market has this code."), "market")
    market, strategy = found
    with translation.override(payload.lang):
        try:
            placed = order_place(
                buyer=signed_in_buyer(request),
                cart=None,
                market=market,
                strategy=strategy,
                identity_id=payload.identity,
                address_id=payload.address,
                idempotency_key=key,
                language=payload.lang,
                expected_total=payload.expected_total,
                coupon_code=payload.coupon,
            )
        except IdempotencyConflict:
            raise idempotency_key_reused() from None
        except OrderRefused as refused:
            field, errors = next(iter(refused.error_dict.items()))
            message = " ".join(e.messages[0] for e in errors)
            code = errors[0].code or "invalid"
            raise ApiError(422, code, message, field) from None
    # A new order comes back with its parts; a replayed one is read again.
    order = (
        placed.order if placed.created else _buyer_order(request, placed.order.number)
    )
    if not placed.created:
        response["Idempotent-Replayed"] = "true"
    return Status(201 if placed.created else 200, order_out(order))


@buyer_router.get("/orders", response={200: OrderPage, **ERRORS})
def orders_list(request: HttpRequest, page: Query[PageQuery]) -> OrderPage:
    """The signed-in buyer's orders, newest first (cursor paging)."""
    orders, next_page = cursor_page(
        request, _with_parts(_buyer_orders(request)), page, scope="orders"
    )
    return OrderPage(items=[order_out(o) for o in orders], next=next_page)


def order_missing() -> ApiError:
    """Another buyer's order reads as none at all."""
    return ApiError(
        404, "not_found", _("You have no order with this number."), "number"
    )


def _buyer_order(request: HttpRequest, number: str) -> Order:
    order = _with_parts(_buyer_orders(request)).filter(number=number).first()
    if order is None:
        raise order_missing()
    return order


def order_detail_out(request: HttpRequest, order: Order) -> OrderDetailOut:
    def link(name: str) -> str:
        path = reverse(f"api:{name}", kwargs={"number": order.number})
        return request.build_absolute_uri(path)

    return OrderDetailOut(
        **_order_fields(order),
        history=history_out(order),
        sub_orders=[
            SubOrderDetailOut(
                **sub_order_fields(sub),
                state_label=sub.get_state_display(),
                parcel=parcel_out(sub),
                returns=parcel_returns_out(request, sub),
            )
            for sub in order.sub_orders.all()
        ],
        links=OrderLinksOut(
            payments=link("payments_list"), refunds=link("refunds_list")
        ),
    )


@buyer_router.get("/orders/{number}", response={200: OrderDetailOut, **ERRORS})
def orders_get(request: HttpRequest, number: str) -> OrderDetailOut:
    """One order as its page shows it: its history, and per parcel the tracking
    timeline and the returns, in the reader's language."""
    order = order_page_query(_buyer_orders(request)).filter(number=number).first()
    if order is None:
        raise order_missing()
    return order_detail_out(request, order)


@buyer_router.post("/orders/{number}/cancel", response={200: OrderOut, **ERRORS})
def orders_cancel(request: HttpRequest, number: str) -> OrderOut:
    """Cancel what has not shipped; its stock and CBEC usage are given back."""
    _count_write(request)
    order = _buyer_order(request, number)
    try:
        order_cancel(
            order=order,
            by=signed_in_buyer(request),
            reason=CANCELLED_BY_BUYER,
            by_buyer=True,
        )
    except states.IllegalTransition:
        message = _("This order is “%(state)s”: it can no longer be cancelled.") % {
            "state": order.get_state_display()
        }
        raise ApiError(409, "not_cancellable", message) from None
    return order_out(_buyer_order(request, number))


# Merchants ---------------------------------------------------------------------
