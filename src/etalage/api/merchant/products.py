"""The merchant API: a merchant's own catalogue, by API key.

``Authorization: Bearer etl_…`` with a key made in the merchant portal. Reads need
the ``catalog:read`` scope, writes ``catalog:write``. Writes accept an
``Idempotency-Key`` header: the same key with the same body answers as the first time,
without doing it again; with another body it is refused. Every request is counted
against the key's per-minute limit. A merchant never sees another's data: anything
that is not its own answers 404, exactly as if it did not exist.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, cast

from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.params.functions import Query
from ninja.responses import Status
from pydantic.config import JsonDict

from etalage.api.access import MerchantKey, merchant_key
from etalage.api.errors import ApiError, ErrorOut, idempotency_key_reused, not_found
from etalage.api.schemas import MAX_PAGE, NetUnitName
from etalage.catalog.models import Category, ListingChange, Product, Variant
from etalage.catalog.services import (
    ProductText,
    VariantData,
    product_create,
    product_submit_for_review,
    product_update,
    variant_add,
    variant_price_set,
)
from etalage.catalog.variant_rules import (
    NET_CONTENT_MAX,
    PRICE_CEILING_EUR,
    SKU_MAX_LENGTH,
    SKU_PATTERN,
    WEIGHT_MAX_GRAMS,
)
from etalage.core.ids import parse_id
from etalage.inventory.services import merchant_warehouse, stock_count
from etalage.merchants.models import ApiKey, IdempotentRequest

READ = ApiKey.Scope.CATALOG_READ
WRITE = ApiKey.Scope.CATALOG_WRITE
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


router = Router(auth=MerchantKey(), tags=["merchant catalogue"])


# Schemas ---------------------------------------------------------------------


class TextIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    ingredients: str = ""


# The catalogue's rules (``catalog.variant_rules``) check SKUs, prices, weights and
# net contents in the services, as for the portal and the import, so that a value
# is refused with the same words whichever door it came through; the schema only
# describes them (``json_schema_extra`` documents, it does not validate).
SKU_SCHEMA: JsonDict = {
    "minLength": 1,
    "maxLength": SKU_MAX_LENGTH,
    "pattern": f"^{SKU_PATTERN.pattern}$",
}
PRICE_SCHEMA: JsonDict = {
    "exclusiveMinimum": 0,
    "exclusiveMaximum": int(PRICE_CEILING_EUR),
}


def _at_most(maximum: int) -> JsonDict:
    return {"exclusiveMinimum": 0, "maximum": maximum}


class VariantIn(Schema):
    sku: str = Field(..., json_schema_extra=SKU_SCHEMA)
    price_eur: Decimal = Field(
        ...,
        description="In EUR, whole cents.",
        json_schema_extra=PRICE_SCHEMA,
    )
    weight_grams: int = Field(
        ...,
        description="Shipping weight.",
        json_schema_extra=_at_most(WEIGHT_MAX_GRAMS),
    )
    net_content: int = Field(
        ...,
        description="What one unit holds, in net_unit: 330 (ml of beer), 250 (g of "
        "pralines), 10 (sheet masks). Customs taxes beer and cosmetics by it.",
        json_schema_extra=_at_most(NET_CONTENT_MAX),
    )
    net_unit: NetUnitName
    gtin: str = ""
    attributes: dict[str, Any] = {}


class ProductIn(Schema):
    merchant_ref: str = Field("", max_length=64)
    category: str = Field(..., description="Category slug.")
    brand: str = Field(..., min_length=1, max_length=120)
    hs_code: str
    tax_class: str
    origin_country: str = Field("BE", min_length=2, max_length=2)
    texts: dict[str, TextIn]
    variants: list[VariantIn] = Field(..., min_length=1)


class ProductPatch(Schema):
    category: str | None = None
    brand: str | None = Field(None, min_length=1, max_length=120)
    hs_code: str | None = None
    tax_class: str | None = None
    origin_country: str | None = Field(None, min_length=2, max_length=2)
    texts: dict[str, TextIn] | None = None


class StockIn(Schema):
    on_hand: int = Field(
        ..., ge=0, le=10_000_000, description="Units counted in your warehouse."
    )


class PriceIn(Schema):
    price_eur: Decimal = Field(
        ..., description="In EUR, whole cents.", json_schema_extra=PRICE_SCHEMA
    )


class MerchantVariantOut(Schema):
    sku: str
    on_hand: int = 0
    allocated: int = 0
    gtin: str
    price_eur: Decimal
    weight_grams: int
    net_content: int
    net_unit: NetUnitName
    attributes: dict[str, Any]
    is_active: bool


class NetOut(Schema):
    net_content: int
    net_unit: NetUnitName


# ListingChange.Status's values: pydantic refuses any other.
ChangeStatus = Literal["pending", "approved", "rejected"]


class ListingChangeOut(Schema):
    """Changes to a live listing's reviewed fields: the approved version stays on
    sale until the marketplace approves them."""

    status: ChangeStatus
    fields: dict[str, str] = Field(
        ..., description="hs_code, tax_class, origin_country, category (a slug)."
    )
    names: dict[str, str] = Field(..., description="New names by language.")
    net_contents: dict[str, NetOut] = Field(..., description="By SKU.")
    submitted_at: datetime
    rejection_reason: str


class MerchantProductOut(Schema):
    id: str
    merchant_ref: str
    slug: str
    status: str
    rejection_reason: str
    category: str
    brand: str
    hs_code: str
    tax_class: str
    origin_country: str
    price_from_eur: Decimal | None
    texts: dict[str, TextIn]
    variants: list[MerchantVariantOut]
    latest_change: ListingChangeOut | None = Field(
        None, description="The latest change put up for review, whatever its fate."
    )


class MerchantProductPage(Schema):
    count: int
    page: int
    pages: int
    items: list[MerchantProductOut]


def _out(product: Product) -> MerchantProductOut:
    return MerchantProductOut(
        id=str(product.pk),
        merchant_ref=product.merchant_ref,
        slug=product.slug,
        status=product.status,
        rejection_reason=product.rejection_reason,
        category=product.category.slug,
        brand=product.brand,
        hs_code=product.hs_code,
        tax_class=product.tax_class,
        origin_country=product.origin_country,
        price_from_eur=product.price_from_eur,
        texts={
            t.language: TextIn(
                name=t.name, description=t.description, ingredients=t.ingredients
            )
            for t in product.translations.all()
        },
        variants=[
            MerchantVariantOut(
                sku=v.sku,
                gtin=v.gtin,
                price_eur=v.price_eur,
                weight_grams=v.weight_grams,
                net_content=v.net_content,
                net_unit=cast(NetUnitName, v.net_unit),  # pydantic checks it
                attributes=v.attributes,
                is_active=v.is_active,
                on_hand=sum(s.on_hand for s in v.stock.all()),
                allocated=sum(s.allocated for s in v.stock.all()),
            )
            for v in product.variants.all()
        ],
        latest_change=_change_out(product),
    )


def _change_out(product: Product) -> ListingChangeOut | None:
    changes = list(product.changes.all())  # newest first
    if not changes:
        return None
    change = changes[0]
    skus = {str(v.pk): v.sku for v in product.variants.all()}
    fields = dict(change.fields)
    if "category" in fields:
        category = Category.objects.filter(pk=fields["category"]).first()
        fields["category"] = category.slug if category else fields["category"]
    return ListingChangeOut(
        status=cast(ChangeStatus, change.status),  # pydantic checks it
        fields=fields,
        names={lang: text.get("name", "") for lang, text in change.texts.items()},
        net_contents={
            skus[pk]: NetOut(net_content=content, net_unit=unit)
            for pk, (content, unit) in change.nets.items()
            if pk in skus
        },
        submitted_at=change.created_at,
        rejection_reason=change.rejection_reason,
    )


def _own_products(key: ApiKey) -> QuerySet[Product]:
    return (
        Product.objects.filter(merchant_id=key.merchant_id)
        .select_related("category")
        .prefetch_related(
            "translations",
            "variants__stock",
            Prefetch("changes", ListingChange.objects.order_by("-created_at")),
        )
        .order_by("-created_at", "-id")
    )


def _own_product(key: ApiKey, product_id: str) -> Product:
    """Return the key's merchant's product, or 404 as if no such product existed."""
    pk = parse_id(product_id)
    product = _own_products(key).filter(pk=pk).first() if pk else None
    if product is None:
        raise not_found(f"product {product_id!r}", "id")
    return product


def _category(slug: str) -> Category:
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise ApiError(422, "invalid", f"unknown category {slug!r}", "category")
    return category


# An endpoint's answer: (status, body as JSON), kept to be replayed.
Answer = tuple[int, dict[str, Any]]


def _idempotent(
    request: HttpRequest, key: ApiKey, compute: Callable[[], Answer]
) -> Status[dict[str, Any]]:
    """Run ``compute`` once per Idempotency-Key; replay its answer afterwards."""
    return Status(*_idempotent_answer(request, key, compute))


def _idempotent_answer(
    request: HttpRequest, key: ApiKey, compute: Callable[[], Answer]
) -> Answer:
    idempotency_key = request.headers.get("Idempotency-Key", "").strip()
    if not idempotency_key:
        return compute()
    if len(idempotency_key) > 255:
        raise ApiError(422, "invalid", "at most 255 characters", "Idempotency-Key")
    digest = hashlib.sha256(
        f"{request.method} {request.path}\n".encode() + request.body
    ).hexdigest()

    def replay() -> Answer | None:
        earlier = IdempotentRequest.objects.filter(
            merchant_id=key.merchant_id, key=idempotency_key
        ).first()
        if earlier is None:
            return None
        if earlier.request_digest != digest:
            raise idempotency_key_reused()
        return earlier.status, earlier.body

    answered = replay()
    if answered is not None:
        return answered
    try:
        with transaction.atomic():
            status, body = compute()
            IdempotentRequest.objects.create(
                merchant_id=key.merchant_id,
                key=idempotency_key,
                request_digest=digest,
                status=status,
                body=json.loads(json.dumps(body, default=str)),
            )
    except IntegrityError:
        # The same key arrived twice at once: the other one won; answer as it did.
        answered = replay()
        if answered is None:
            raise
        return answered
    return status, body


# Endpoints -------------------------------------------------------------------


@router.get("/products", response={200: MerchantProductPage, **ERRORS})
def merchant_products_list(
    request: HttpRequest,
    status: str | None = None,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(50, ge=1, le=200),
) -> MerchantProductPage:
    """List your products, every status, newest first."""
    key = merchant_key(request, READ)
    queryset = _own_products(key)
    if status:
        if status not in Product.Status.values:
            raise ApiError(
                422,
                "invalid",
                f"status must be one of {Product.Status.values}",
                "status",
            )
        queryset = queryset.filter(status=status)
    paginator = Paginator(queryset, page_size)
    if page > max(paginator.num_pages, 1):
        raise ApiError(404, "not_found", f"page {page} is past the last page", "page")
    return MerchantProductPage(
        count=paginator.count,
        page=page,
        pages=paginator.num_pages if paginator.count else 0,
        items=[_out(p) for p in paginator.page(page).object_list],
    )


@router.get("/products/{product_id}", response={200: MerchantProductOut, **ERRORS})
def merchant_product_get(request: HttpRequest, product_id: str) -> MerchantProductOut:
    """Return one of your products."""
    key = merchant_key(request, READ)
    return _out(_own_product(key, product_id))


@router.post("/products", response={201: MerchantProductOut, **ERRORS})
def merchant_product_create(
    request: HttpRequest, payload: ProductIn
) -> Status[dict[str, Any]]:
    """Create a product (a draft) with its texts and variants."""
    key = merchant_key(request, WRITE)

    def compute() -> Answer:
        product = product_create(
            merchant=key.merchant,
            merchant_ref=payload.merchant_ref,
            category=_category(payload.category),
            brand=payload.brand,
            hs_code=payload.hs_code,
            tax_class=payload.tax_class,
            origin_country=payload.origin_country.upper(),
            texts={
                lang: ProductText(**text.dict()) for lang, text in payload.texts.items()
            },
            variants=[VariantData(**v.dict()) for v in payload.variants],
        )
        return 201, _out(_own_product(key, str(product.pk))).dict()

    return _idempotent(request, key, compute)


@router.patch("/products/{product_id}", response={200: MerchantProductOut, **ERRORS})
def merchant_product_update(
    request: HttpRequest, product_id: str, payload: ProductPatch
) -> Status[dict[str, Any]]:
    """Change a product's fields or texts (only those sent).

    On a live listing, changes to names, HS code, tax class, origin or category
    wait for the marketplace's review (see ``latest_change``) while the approved
    version stays on sale; brand, descriptions and ingredients change at once."""
    key = merchant_key(request, WRITE)

    def compute() -> Answer:
        product = _own_product(key, product_id)
        fields = payload.dict(exclude_unset=True)
        texts = fields.pop("texts", None)
        if "category" in fields:
            fields["category"] = _category(fields["category"])
        product_update(
            product=product,
            fields=fields,
            texts={lang: ProductText(**t) for lang, t in (texts or {}).items()},
        )
        return 200, _out(_own_product(key, product_id)).dict()

    return _idempotent(request, key, compute)


@router.post(
    "/products/{product_id}/variants", response={201: MerchantProductOut, **ERRORS}
)
def merchant_variant_add(
    request: HttpRequest, product_id: str, payload: VariantIn
) -> Status[dict[str, Any]]:
    """Add a variant to one of your products."""
    key = merchant_key(request, WRITE)

    def compute() -> Answer:
        product = _own_product(key, product_id)
        variant_add(product=product, data=VariantData(**payload.dict()))
        return 201, _out(_own_product(key, product_id)).dict()

    return _idempotent(request, key, compute)


@router.put(
    "/products/{product_id}/variants/{path:sku}/price",
    response={200: MerchantProductOut, **ERRORS},
)
def merchant_variant_price_set(
    request: HttpRequest, product_id: str, sku: str, payload: PriceIn
) -> Status[dict[str, Any]]:
    """Set the EUR price of one of your variants."""
    key = merchant_key(request, WRITE)

    def compute() -> Answer:
        product = _own_product(key, product_id)
        variant = Variant.objects.filter(product=product, sku=sku).first()
        if variant is None:
            raise not_found(f"variant {sku!r}", "sku")
        variant.product = product
        variant_price_set(variant=variant, price_eur=payload.price_eur)
        return 200, _out(_own_product(key, product_id)).dict()

    return _idempotent(request, key, compute)


@router.put(
    "/products/{product_id}/variants/{path:sku}/stock",
    response={200: MerchantProductOut, **ERRORS},
)
def merchant_variant_stock_set(
    request: HttpRequest, product_id: str, sku: str, payload: StockIn
) -> Status[dict[str, Any]]:
    """Set the counted stock of one of your variants in your own warehouse."""
    key = merchant_key(request, WRITE)

    def compute() -> Answer:
        product = _own_product(key, product_id)
        variant = Variant.objects.filter(product=product, sku=sku).first()
        if variant is None:
            raise not_found(f"variant {sku!r}", "sku")
        stock_count(
            warehouse=merchant_warehouse(merchant=key.merchant),
            variant=variant,
            on_hand=payload.on_hand,
            note="count by API",
        )
        return 200, _out(_own_product(key, product_id)).dict()

    return _idempotent(request, key, compute)


@router.post(
    "/products/{product_id}/submit", response={200: MerchantProductOut, **ERRORS}
)
def merchant_product_submit(
    request: HttpRequest, product_id: str
) -> Status[dict[str, Any]]:
    """Submit a draft or rejected product for the operator's review."""
    key = merchant_key(request, WRITE)

    def compute() -> Answer:
        product_submit_for_review(product=_own_product(key, product_id))
        return 200, _out(_own_product(key, product_id)).dict()

    return _idempotent(request, key, compute)
