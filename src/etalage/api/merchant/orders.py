"""The merchant's orders over the API: its sub-orders, read with an API key with
the ``orders:read`` scope."""

from __future__ import annotations

from datetime import datetime

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from etalage.api.access import merchant_key
from etalage.api.errors import ApiError, ErrorOut, not_found
from etalage.api.order_schemas import (
    DeliveryOut,
    SubOrderOut,
    delivery_out,
    sub_order_fields,
)
from etalage.api.schemas import MAX_PAGE
from etalage.merchants.models import ApiKey
from etalage.orders import states
from etalage.orders.models import SubOrder

ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
merchant_router = Router(tags=["merchant orders"])


class MerchantSubOrderOut(SubOrderOut):
    order: str
    currency: str
    placed_at: datetime
    delivery: DeliveryOut


class MerchantSubOrderPage(Schema):
    count: int
    page: int
    pages: int
    items: list[MerchantSubOrderOut]


def _merchant_key(request: HttpRequest) -> ApiKey:
    return merchant_key(request, ApiKey.Scope.ORDERS_READ)


def _own_sub_orders(key: ApiKey) -> QuerySet[SubOrder]:
    return (
        SubOrder.objects.filter(merchant_id=key.merchant_id)
        .select_related("order", "merchant")
        .prefetch_related("lines")
    )


def merchant_sub_order_out(sub: SubOrder) -> MerchantSubOrderOut:
    order = sub.order
    return MerchantSubOrderOut(
        order=order.number,
        currency=order.currency,
        placed_at=sub.created_at,
        delivery=delivery_out(order),
        **sub_order_fields(sub),
    )


class SubOrderFilter(Schema):
    state: str | None = Field(None, description="Only sub-orders in this state.")
    page: int = Field(1, ge=1, le=MAX_PAGE)


@merchant_router.get("/orders", response={200: MerchantSubOrderPage, **ERRORS})
def merchant_orders_list(
    request: HttpRequest, filters: Query[SubOrderFilter]
) -> MerchantSubOrderPage:
    """Your sub-orders (one per parcel), newest first, 50 a page."""
    key = _merchant_key(request)
    subs = _own_sub_orders(key).order_by("-created_at")
    if filters.state:
        if filters.state not in states.TRANSITIONS:
            raise ApiError(422, "invalid", "not a state of an order", "state")
        subs = subs.filter(state=filters.state)
    paginator = Paginator(subs, 50)
    current = paginator.get_page(filters.page)
    return MerchantSubOrderPage(
        count=paginator.count,
        page=current.number,
        pages=paginator.num_pages,
        items=[merchant_sub_order_out(s) for s in current],
    )


@merchant_router.get("/orders/{number}", response={200: MerchantSubOrderOut, **ERRORS})
def merchant_orders_get(request: HttpRequest, number: str) -> MerchantSubOrderOut:
    key = _merchant_key(request)
    sub = _own_sub_orders(key).filter(number=number).first()
    if sub is None:
        raise not_found("sub-order", "number")
    return merchant_sub_order_out(sub)
