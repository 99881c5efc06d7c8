"""A merchant's own promotions over the API (merchant-funded): list, create,
change and end them, and put a variant on a timed sale. Reads need the
``catalog:read`` scope, writes ``catalog:write``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Router, Schema

from etalage.api.access import MerchantKey, merchant_key
from etalage.api.errors import ApiError, ErrorOut, not_found
from etalage.catalog.models import Product, Variant
from etalage.merchants.models import ApiKey
from etalage.promotions.models import Promotion
from etalage.promotions.selectors import merchant_promotions, offer_of
from etalage.promotions.services import (
    PromotionRefused,
    PromotionTerms,
    promotion_create,
    promotion_end,
    promotion_pause,
    promotion_resume,
    promotion_update,
    sale_price_set,
)
from etalage.promotions.texts import offer_label

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
router = Router(auth=MerchantKey(), tags=["merchant promotions"])


class PromotionIn(Schema):
    kind: str = Field(..., description="coupon, spend_and_save or free_shipping")
    name: str = Field(..., max_length=120)
    starts_at: datetime
    ends_at: datetime
    budget: Decimal = Field(..., description="CNY the promotion may take off in all.")
    amount_off: Decimal = Decimal("0.00")
    percent_off: Decimal = Decimal("0.00")
    cap: Decimal | None = None
    threshold: Decimal = Field(
        Decimal("0.00"),
        description="A coupon's minimum spend, a spend-and-save step (¥30 off every "
        "¥300: 300) or the free-shipping threshold, in CNY.",
    )
    code: str = ""
    claimable: bool = False
    total_limit: int | None = None
    per_buyer_limit: int = 1
    products: list[str] = Field(
        default_factory=list, description="Slugs of your products; none: all."
    )


class PromotionOut(Schema):
    key: str
    kind: str
    name: str
    label: str
    code: str
    starts_at: datetime
    ends_at: datetime
    ended_at: datetime | None
    paused_at: datetime | None
    budget: Decimal
    spent: Decimal
    used: int


class SaleIn(Schema):
    sku: str
    price_eur: Decimal
    starts_at: datetime
    ends_at: datetime


class SaleOut(Schema):
    key: str
    sku: str
    price_eur: Decimal
    starts_at: datetime
    ends_at: datetime


def _out(promotion: Promotion) -> PromotionOut:
    return PromotionOut(
        key=str(promotion.pk),
        kind=promotion.kind,
        name=promotion.name,
        label=offer_label(offer_of(promotion), get_language()),
        code=promotion.code,
        starts_at=promotion.starts_at,
        ends_at=promotion.ends_at,
        ended_at=promotion.ended_at,
        paused_at=promotion.paused_at,
        budget=promotion.budget,
        spent=promotion.spent,
        used=promotion.used,
    )


def _terms(key: ApiKey, payload: PromotionIn) -> PromotionTerms:
    found = dict(
        Product.objects.filter(
            merchant=key.merchant, slug__in=payload.products
        ).values_list("slug", "pk")
    )
    missing = [slug for slug in payload.products if slug not in found]
    if missing:
        raise ApiError(422, "unknown_product", f"no product {missing[0]!r}", "products")
    values = payload.dict(exclude={"products"})
    return PromotionTerms(**values, product_ids=list(found.values()))


def _refusal(refused: PromotionRefused) -> ApiError:
    field, messages = next(iter(refused.message_dict.items()))
    return ApiError(422, "invalid", messages[0], field)


def _own(key: ApiKey, promotion_key: UUID) -> Promotion:
    promotion = merchant_promotions(merchant_id=key.merchant_id).filter(
        pk=promotion_key
    )
    found = promotion.select_related("merchant").first()
    if found is None:
        raise not_found("promotion", "key")
    return found


@router.get("/promotions", response={200: list[PromotionOut], **ERRORS})
def promotions_list(request: HttpRequest) -> list[PromotionOut]:
    """Your promotions, newest first, with what each spent and how often used."""
    key = merchant_key(request, ApiKey.Scope.CATALOG_READ)
    return [
        _out(p)
        for p in merchant_promotions(merchant_id=key.merchant_id).prefetch_related(
            "products"
        )
    ]


@router.post("/promotions", response={201: PromotionOut, **ERRORS})
def promotions_create(
    request: HttpRequest, payload: PromotionIn
) -> tuple[int, PromotionOut]:
    """Create a promotion of your shop, paid for by you (your discounts come off
    what you are owed, and off the price declared to customs)."""
    key = merchant_key(request, ApiKey.Scope.CATALOG_WRITE)
    try:
        promotion = promotion_create(
            terms=_terms(key, payload), merchant=key.merchant, by=key.created_by
        )
    except PromotionRefused as refused:
        raise _refusal(refused) from None
    return 201, _out(promotion)


@router.put("/promotions/{key}", response={200: PromotionOut, **ERRORS})
def promotions_update(
    request: HttpRequest, key: UUID, payload: PromotionIn
) -> PromotionOut:
    """Change one of your promotions: before it starts (and before any buyer
    claimed or used it) all but its kind; after, its name, its end, a larger
    budget or more uses in all (422 naming each held field otherwise)."""
    api = merchant_key(request, ApiKey.Scope.CATALOG_WRITE)
    try:
        return _out(
            promotion_update(promotion=_own(api, key), terms=_terms(api, payload))
        )
    except PromotionRefused as refused:
        raise _refusal(refused) from None


@router.post("/promotions/{key}/end", response={200: PromotionOut, **ERRORS})
def promotions_end(request: HttpRequest, key: UUID) -> PromotionOut:
    """End one of your promotions now (orders placed keep what it took off)."""
    api = merchant_key(request, ApiKey.Scope.CATALOG_WRITE)
    return _out(promotion_end(promotion=_own(api, key)))


@router.post("/promotions/{key}/pause", response={200: PromotionOut, **ERRORS})
def promotions_pause(request: HttpRequest, key: UUID) -> PromotionOut:
    """Pause one of your promotions: neither shown nor applied until resumed."""
    api = merchant_key(request, ApiKey.Scope.CATALOG_WRITE)
    return _out(promotion_pause(promotion=_own(api, key)))


@router.post("/promotions/{key}/resume", response={200: PromotionOut, **ERRORS})
def promotions_resume(request: HttpRequest, key: UUID) -> PromotionOut:
    """Offer a paused promotion again, for what is left of its window."""
    api = merchant_key(request, ApiKey.Scope.CATALOG_WRITE)
    return _out(promotion_resume(promotion=_own(api, key)))


@router.post("/sales", response={201: SaleOut, **ERRORS})
def sales_create(request: HttpRequest, payload: SaleIn) -> tuple[int, SaleOut]:
    """Put one of your variants on sale for a while: its price, with the regular
    one struck through, from start to end."""
    key = merchant_key(request, ApiKey.Scope.CATALOG_WRITE)
    variant = Variant.objects.filter(merchant=key.merchant, sku=payload.sku).first()
    if variant is None:
        raise not_found("variant", "sku")
    try:
        sale = sale_price_set(
            variant=variant,
            price_eur=payload.price_eur,
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
        )
    except PromotionRefused as refused:
        raise _refusal(refused) from None
    return 201, SaleOut(
        key=str(sale.pk),
        sku=variant.sku,
        price_eur=sale.price_eur,
        starts_at=sale.starts_at,
        ends_at=sale.ends_at,
    )
