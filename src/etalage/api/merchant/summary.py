"""The work waiting for a merchant, over the API: the counts its portal's dashboard
shows, for its own systems (an API key with ``orders:read`` or ``catalog:read``;
each part needs its scope and is ``null`` without it)."""

from __future__ import annotations

from typing import Literal, cast

from django.http import HttpRequest
from ninja import Field, Router, Schema

from etalage.analytics.selectors import merchant_work
from etalage.api.access import api_key
from etalage.api.errors import ApiError, ErrorOut
from etalage.merchants.models import ApiKey

ERRORS = {401: ErrorOut, 403: ErrorOut, 429: ErrorOut}
router = Router(tags=["merchant summary"])


class ShippingWorkOut(Schema):
    to_pack: int = Field(
        ...,
        description="Paid direct-mail parcels not packed yet, or refused by the hub "
        "and to pack again (`GET /merchant/orders` lists them by state).",
    )
    to_hand_over: int = Field(..., description="Packed, not yet handed to the hub.")
    late: int = Field(
        ...,
        description="Paid and not with the hub after the handling days (a subset of "
        "the two above).",
    )
    returns_to_decide: int = Field(
        ..., description="Returns the buyer asked for, waiting for your decision."
    )


class CatalogueWorkOut(Schema):
    listings_rejected: int = Field(
        ...,
        description="Products the marketplace rejected "
        "(`GET /merchant/products?status=rejected`).",
    )


PayoutState = Literal["missing", "waiting", "in_use"]


class PayoutAccountOut(Schema):
    state: PayoutState = Field(
        ...,
        description="`missing`: no IBAN, nothing can be paid; `waiting`: a new "
        "account waits for the operator's approval (payouts go to the one in use "
        "until then); `in_use`: payouts go to it.",
    )
    iban_end: str = Field(..., description="Last four characters of the IBAN in use.")
    pending_iban_end: str = Field(
        ..., description="Last four characters of the IBAN waiting for approval."
    )


class SummaryOut(Schema):
    orders: ShippingWorkOut | None = Field(
        ..., description="With the `orders:read` scope, else null."
    )
    catalogue: CatalogueWorkOut | None = Field(
        ..., description="With the `catalog:read` scope, else null."
    )
    payout_account: PayoutAccountOut


@router.get("/summary", response={200: SummaryOut, **ERRORS})
def merchant_summary(request: HttpRequest) -> SummaryOut:
    """The work waiting for you: parcels to pack, hand over and late, returns to
    decide, rejected listings, and your payout account's state. Your own only."""
    key = api_key(request)
    reads_orders = ApiKey.Scope.ORDERS_READ in key.scopes
    reads_catalogue = ApiKey.Scope.CATALOG_READ in key.scopes
    if not (reads_orders or reads_catalogue):
        raise ApiError(
            403,
            "forbidden_scope",
            "this key lacks the scope orders:read or catalog:read",
        )
    work = merchant_work(merchant=key.merchant)
    account = work.payout_account
    return SummaryOut(
        orders=ShippingWorkOut(
            to_pack=work.to_pack,
            to_hand_over=work.to_hand_over,
            late=work.late,
            returns_to_decide=work.returns_to_decide,
        )
        if reads_orders
        else None,
        catalogue=CatalogueWorkOut(listings_rejected=work.listings_rejected)
        if reads_catalogue
        else None,
        payout_account=PayoutAccountOut(
            state=cast(PayoutState, account.state),  # pydantic checks it
            iban_end=account.iban_end,
            pending_iban_end=account.pending_iban_end,
        ),
    )
