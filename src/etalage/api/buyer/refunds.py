"""The refunds of a buyer's order over the API (a cancellation, customs' refusal, a
return): how much, of which the tax, on which payment, for which parcels, and how
far the provider has gone; in the reader's language."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from etalage.api.access import BuyerSession, signed_in_buyer
from etalage.api.errors import ApiError, ErrorOut
from etalage.api.paging import CursorPage, PageQuery, cursor_page
from etalage.orders.models import Order, SubOrder
from etalage.payments.models import Provider, Refund
from etalage.returns.models import ReturnRequest

router = Router(auth=BuyerSession(), tags=["buyer payments"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class RefundOut(Schema):
    request_id: str
    amount: Decimal
    tax_part: Decimal = Field(
        ..., description="Of the amount, the cross-border tax given back."
    )
    currency: str
    state: str = Field(..., description="requested, succeeded, failed or held.")
    state_label: str = Field(..., description="The state in the reader's language.")
    provider: str
    provider_label: str
    payment: str = Field(..., description="The `request_id` of the payment refunded.")
    parcels: list[str] = Field(..., description="The sub-orders refunded (numbers).")
    return_number: str | None = Field(
        ..., description="The return this refund is for, if any."
    )
    created_at: datetime


class RefundPage(CursorPage):
    items: list[RefundOut]


def _numbers(numbers: dict[UUID, str], keys: list[str]) -> list[str]:
    wanted = {str(key) for key in keys}
    return [number for key, number in numbers.items() if str(key) in wanted]


@router.get("/orders/{number}/refunds", response={200: RefundPage, **ERRORS})
def refunds_list(
    request: HttpRequest, number: str, page: Query[PageQuery]
) -> RefundPage:
    """The order's refunds, newest first (cursor paging)."""
    order = Order.objects.filter(buyer=signed_in_buyer(request), number=number).first()
    if order is None:
        raise ApiError(
            404, "not_found", _("You have no order with this number."), "number"
        )
    refunds, next_page = cursor_page(
        request,
        Refund.objects.filter(payment__order=order).select_related("payment"),
        page,
        scope="refunds",
    )
    parcel_numbers = dict(
        SubOrder.objects.filter(order=order).values_list("pk", "number")
    )
    returns = dict(
        ReturnRequest.objects.filter(refund_id__in=[r.pk for r in refunds]).values_list(
            "refund_id", "number"
        )
    )
    return RefundPage(
        items=[
            RefundOut(
                request_id=refund.request_id,
                amount=refund.amount,
                tax_part=refund.tax_part,
                currency=refund.currency,
                state=refund.state,
                state_label=refund.get_state_display(),
                provider=refund.payment.provider,
                provider_label=str(Provider(refund.payment.provider).label),
                payment=refund.payment.request_id,
                parcels=_numbers(parcel_numbers, refund.parcels),
                return_number=returns.get(refund.pk),
                created_at=refund.created_at,
            )
            for refund in refunds
        ],
        next=next_page,
    )
