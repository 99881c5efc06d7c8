"""The REST API, version 1: thin handlers over the catalogue and pricing selectors."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest, JsonResponse
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from etalage.api.auth_buyer import router as buyer_auth_router
from etalage.api.buyer import router as buyer_account_router
from etalage.api.context import MarketQuery, market_context, money_out, pricing_out
from etalage.api.errors import ApiError, ErrorOut, error_body, not_found
from etalage.api.merchant import router as merchant_router
from etalage.api.orders import buyer_router
from etalage.api.orders import merchant_router as merchant_orders_router
from etalage.api.parser import StrictParser
from etalage.api.payments import payments_router
from etalage.api.quotes import router as quotes_router
from etalage.api.schemas import (
    CategoryOut,
    ImageOut,
    MerchantRef,
    ProductDetailOut,
    ProductOut,
    ProductPageOut,
    ProductSummaryOut,
    VariantOut,
)
from etalage.catalog import selectors as catalog
from etalage.catalog.models import Product
from etalage.catalog.selectors import image_view, variant_label
from etalage.core.languages import LANGUAGE_CODES, pick_translation
from etalage.pricing.strategy import MarketStrategy

api = NinjaAPI(
    title="Étalage API",
    version="1",
    description=(
        "Read the Étalage catalogue for a market and a language. Errors share one "
        'shape: `{"error": {"code", "message", "field"}}`.'
    ),
    urls_namespace="api",
    parser=StrictParser(),
)

ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _mount_routers() -> None:
    merchant_router.add_router("", merchant_orders_router)
    api.add_router("/merchant", merchant_router)
    api.add_router("", quotes_router)
    api.add_router("", buyer_router)
    api.add_router("", payments_router)
    api.add_router("", buyer_account_router)
    api.add_router("", buyer_auth_router)


MAX_PAGE_SIZE = 100


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return api.create_response(
        request, error_body(exc.code, exc.message, exc.field), status=exc.status
    )


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    first = exc.errors[0] if exc.errors else {}
    location = [
        str(part)
        for part in first.get("loc", ())
        if part not in ("query", "path", "body", "payload")
    ]
    field = ".".join(location) or None
    message = first.get("msg", "invalid input")
    return api.create_response(
        request,
        error_body("invalid", f"{field}: {message}" if field else message, field),
        status=422,
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(
        request,
        error_body(
            "unauthorized",
            "send a valid, unrevoked API key: Authorization: Bearer etl_…",
            "Authorization",
        ),
        status=401,
    )


@api.exception_handler(DjangoValidationError)
def _service_refused(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.message_dict.items()))
        message = errors[0]
    else:
        field, message = None, exc.messages[0]
    return api.create_response(
        request, error_body("invalid", message, field), status=422
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, NinjaValidationError):  # a body the parser refused
        return _validation_error(request, exc.__cause__)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
    return api.create_response(
        request, error_body(code, str(exc.message)), status=exc.status_code
    )


class ProductFilters(MarketQuery):
    category: str | None = Field(
        None, description="Category slug (with subcategories)."
    )
    merchant: str | None = Field(None, description="Merchant slug.")
    price_min: Decimal | None = Field(
        None, ge=0, le=10**9, description="In the market currency."
    )
    price_max: Decimal | None = Field(
        None, ge=0, le=10**9, description="In the market currency."
    )
    sort: str = Field(catalog.Sort.NEWEST, description="newest, price or -price.")
    page: int = Field(1, ge=1)
    page_size: int = Field(24, ge=1, le=MAX_PAGE_SIZE)


def _image(image) -> ImageOut | None:
    view = image_view(image)
    return ImageOut(**vars(view)) if view else None


def _summary_fields(
    product: Product, pricing: MarketStrategy, language: str, category_slug: str
) -> dict:
    translation_row = pick_translation(product.translations.all(), language)
    images = list(product.images.all())
    return {
        "slug": product.slug,
        "name": translation_row.name if translation_row else product.slug,
        "brand": product.brand,
        "category": category_slug,
        "merchant": MerchantRef(slug=product.merchant.slug, name=product.merchant.name),
        "price_from": money_out(
            pricing.shown_price(
                product.price_from_eur,
                tax_class=product.tax_class,
                weight_grams=product.price_from_weight_grams,
                net=product.price_from_net,
            ),
            language,
        ),
        "image": _image(images[0] if images else None),
    }


@api.get("/products", response={200: ProductPageOut, **ERRORS}, tags=["catalogue"])
def products_list(request: HttpRequest, filters: Query[ProductFilters]):
    """List the products on sale in a market, filtered and paginated."""
    pricing, language = market_context(filters)
    if filters.sort not in catalog.Sort.CHOICES:
        raise ApiError(422, "invalid", "sort must be newest, price or -price", "sort")
    if (
        filters.price_min is not None
        and filters.price_max is not None
        and filters.price_min > filters.price_max
    ):
        raise ApiError(422, "invalid", "price_max is below price_min", "price_max")
    tree = catalog.category_tree(language=language)
    category_ids = None
    if filters.category:
        node = tree.by_slug.get(filters.category)
        if node is None:
            raise not_found(f"category {filters.category!r}", "category")
        category_ids = node.descendant_ids()
    queryset = catalog.storefront_products(
        category_ids=category_ids,
        merchant_slug=filters.merchant,
        market_code=pricing.market_code,
        price_min=filters.price_min,
        price_max=filters.price_max,
        sort=filters.sort,
    )
    paginator = Paginator(queryset, filters.page_size)
    try:
        page = paginator.page(filters.page)
    except EmptyPage:
        if filters.page == 1:
            page = None
        else:
            raise ApiError(
                404, "not_found", f"page {filters.page} is past the last page", "page"
            ) from None
    items = [
        ProductSummaryOut(
            **_summary_fields(p, pricing, language, tree.by_id[p.category_id].slug)
        )
        for p in (page.object_list if page else [])
    ]
    return ProductPageOut(
        pricing=pricing_out(pricing, language),
        count=paginator.count,
        page=filters.page,
        pages=paginator.num_pages if paginator.count else 0,
        items=items,
    )


@api.get(
    "/products/{slug}", response={200: ProductDetailOut, **ERRORS}, tags=["catalogue"]
)
def product_get(request: HttpRequest, slug: str, query: Query[MarketQuery]):
    """Return one product on sale, with its variants and prices in the market."""
    pricing, language = market_context(query)
    try:
        product = catalog.storefront_product(slug=slug)
    except Product.DoesNotExist:
        raise not_found(f"product {slug!r}", "slug") from None
    translation_row = pick_translation(product.translations.all(), language)
    variants = [v for v in product.variants.all() if v.is_active]
    out = ProductOut(
        **_summary_fields(product, pricing, language, product.category.slug),
        description=translation_row.description if translation_row else "",
        ingredients=translation_row.ingredients if translation_row else "",
        text_language=translation_row.language if translation_row else language,
        hs_code=product.hs_code,
        origin_country=product.origin_country,
        tax_class=product.tax_class,
        variants=[
            VariantOut(
                sku=v.sku,
                gtin=v.gtin,
                label=variant_label(v, language),
                attributes=v.attributes,
                price=money_out(
                    pricing.shown_price(
                        v.price_eur,
                        tax_class=product.tax_class,
                        weight_grams=v.weight_grams,
                        net=v.net,
                    ),
                    language,
                ),
                weight_grams=v.weight_grams,
                net_content=v.net_content,
                net_unit=v.net_unit,
            )
            for v in variants
        ],
        images=[_image(i) for i in product.images.all()],
    )
    return ProductDetailOut(pricing=pricing_out(pricing, language), product=out)


class LanguageQuery(Schema):
    lang: str = Field("zh-hans", description="zh-hans, fr, nl or en.")


def _language(query: LanguageQuery) -> str:
    language = query.lang.lower()
    if language not in LANGUAGE_CODES:
        raise ApiError(
            422, "invalid", f"lang must be one of {', '.join(LANGUAGE_CODES)}", "lang"
        )
    return language


def _category_out(node) -> CategoryOut:
    return CategoryOut(
        slug=node.slug,
        name=node.name,
        parent=node.parent.slug if node.parent else None,
        children=[child.slug for child in node.children],
    )


@api.get("/categories", response={200: list[CategoryOut], **ERRORS}, tags=["catalogue"])
def categories_list(request: HttpRequest, query: Query[LanguageQuery]):
    """List every category, named in the language asked for, parents first."""
    tree = catalog.category_tree(language=_language(query))
    ordered, stack = [], list(reversed(tree.roots))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(node.children))
    return [_category_out(node) for node in ordered]


@api.get(
    "/categories/{slug}", response={200: CategoryOut, **ERRORS}, tags=["catalogue"]
)
def category_get(request: HttpRequest, slug: str, query: Query[LanguageQuery]):
    """Return one category with its parent and children."""
    tree = catalog.category_tree(language=_language(query))
    node = tree.by_slug.get(slug)
    if node is None:
        raise not_found(f"category {slug!r}", "slug")
    return _category_out(node)


_mount_routers()


def api_not_found(request: HttpRequest) -> JsonResponse:
    """An address under /api/ that no endpoint answers, in the API's error shape."""
    body = error_body("not_found", f"no endpoint at {request.path}")
    return JsonResponse(body, status=404)
