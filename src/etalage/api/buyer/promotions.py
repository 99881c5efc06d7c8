"""Coupons over the buyer's API: those a product offers to claim, claiming one,
and the buyer's own (a claimed coupon's ``key`` or a typed code goes in a quote's
or an order's ``coupon``)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Field, Router, Schema

from etalage.api.access import BuyerSession, signed_in_buyer
from etalage.api.errors import ApiError, ErrorOut, not_found
from etalage.catalog.selectors import visible_products
from etalage.promotions.models import Promotion
from etalage.promotions.selectors import claimable_coupons, claimed_coupons, offer_of
from etalage.promotions.services import PromotionRefused, coupon_claim
from etalage.promotions.texts import offer_label

ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut}
public_router = Router(tags=["coupons"])
router = Router(auth=BuyerSession(), tags=["coupons"])


class CouponOut(Schema):
    key: str = Field(..., description="Send it as `coupon` to a quote or an order.")
    label: str = Field(..., description="What it takes off, in the reader's language.")
    merchant: str | None = Field(
        None, description="The shop's slug, or null across the whole pavilion."
    )
    code: str = Field(..., description="The code to type, if it has one.")
    ends_at: datetime


def coupon_out(promotion: Promotion) -> CouponOut:
    return CouponOut(
        key=str(promotion.pk),
        label=offer_label(offer_of(promotion), get_language()),
        merchant=promotion.merchant.slug if promotion.merchant else None,
        code=promotion.code,
        ends_at=promotion.ends_at,
    )


@public_router.get(
    "/products/{slug}/coupons", response={200: list[CouponOut], 404: ErrorOut}
)
def product_coupons(request: HttpRequest, slug: str) -> list[CouponOut]:
    """The coupons a product's page offers to claim, now."""
    product = visible_products().filter(slug=slug).first()
    if product is None:
        raise not_found("product", "slug")
    found = claimable_coupons(
        merchant_id=product.merchant_id, product_id=product.pk, now=timezone.now()
    )
    return [coupon_out(p) for p in found]


@router.post("/me/coupons/{key}", response={201: CouponOut, **ERRORS})
def coupon_claim_api(request: HttpRequest, key: UUID) -> tuple[int, CouponOut]:
    """Claim a coupon: it waits in the account until used or expired."""
    buyer = signed_in_buyer(request)
    try:
        claim = coupon_claim(promotion_id=key, buyer=buyer)
    except PromotionRefused as refused:
        raise ApiError(409, "not_claimable", refused.messages[0], "coupon") from None
    return 201, coupon_out(claim.promotion)


@router.get("/me/coupons", response={200: list[CouponOut], 401: ErrorOut})
def my_coupons(request: HttpRequest) -> list[CouponOut]:
    """The buyer's claimed coupons still usable, soonest to expire first."""
    buyer = signed_in_buyer(request)
    return [
        coupon_out(p) for p in claimed_coupons(buyer_id=buyer.pk, now=timezone.now())
    ]
