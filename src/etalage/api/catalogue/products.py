"""The catalogue over the API (no sign-in): the products on sale in a market, the
search with its facets and suggestions, one product with its variants' prices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field

from etalage.analytics.product_views import product_view_count
from etalage.api.catalogue.catalog_out import image_out, product_summary_fields
from etalage.api.context import MarketQuery, market_context, money_out, pricing_out
from etalage.api.errors import ApiError, ErrorOut, not_found
from etalage.api.schemas import (
    MAX_PAGE,
    FacetValueOut,
    NetUnitName,
    ProductDetailOut,
    ProductOut,
    ProductPageOut,
    ProductSummaryOut,
    SearchOut,
    SuggestionOut,
    SuggestOut,
    VariantOut,
)
from etalage.catalog import selectors as catalog
from etalage.catalog.models import Category, Product
from etalage.catalog.selectors import variant_label
from etalage.core.languages import pick_translation
from etalage.merchants.models import Merchant
from etalage.pricing.strategy import MarketStrategy
from etalage.search import selectors as search

router = Router()
ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}


MAX_PAGE_SIZE = 100


class ProductFilters(MarketQuery):
    q: str | None = Field(
        None,
        max_length=1000,
        description="Search words in any of the four languages, pinyin or "
        "Traditional characters, a SKU or an HS code; the products then come by "
        "relevance (unless sorted) with facets in `search`.",
    )
    origin: str | None = Field(
        None, max_length=2, description="With q: origin country."
    )
    in_stock: bool = Field(False, description="With q: only products in stock.")
    min_stars: int = Field(
        0, ge=0, le=5, description="With q: only products whose reviews average at "
        "least this many stars (4: the storefront's 4 stars and up)."
    )  # fmt: skip
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
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(24, ge=1, le=MAX_PAGE_SIZE)


class SuggestQuery(MarketQuery):
    q: str = Field(..., min_length=1, max_length=1000, description="What was typed.")


@router.get("/products", response={200: ProductPageOut, **ERRORS}, tags=["catalogue"])
def products_list(
    request: HttpRequest, filters: Query[ProductFilters]
) -> ProductPageOut:
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
    if filters.q is not None and filters.q.strip():
        return _searched(filters, pricing, language, tree)
    products, count = _listed(filters, pricing, category_ids)
    pages = -(-count // filters.page_size)
    if filters.page > 1 and filters.page > pages:
        raise ApiError(
            404, "not_found", f"page {filters.page} is past the last page", "page"
        )
    items = [
        ProductSummaryOut(
            **product_summary_fields(
                p, pricing, language, tree.by_id[p.category_id].slug
            )
        )
        for p in products
    ]
    return ProductPageOut(
        pricing=pricing_out(pricing, language),
        count=count,
        page=filters.page,
        pages=pages,
        items=items,
    )


def _listed(
    filters: ProductFilters, pricing: MarketStrategy, category_ids: list[Any] | None
) -> tuple[list[Product], int]:
    """One page of the listing and how many products it has: served by the search
    index as the storefront's listings are (its cost does not grow with the
    catalogue), or by the database while this node has no index."""
    merchant_id = None
    if filters.merchant:
        merchant_id = (
            Merchant.objects.filter(
                slug=filters.merchant, status=Merchant.Status.APPROVED
            )
            .values_list("pk", flat=True)
            .first()
        )
        if merchant_id is None:
            return [], 0
    listing = search.products_listed(
        market_code=pricing.market_code,
        category_ids=category_ids,
        merchant_id=merchant_id,
        price_min=filters.price_min,
        price_max=filters.price_max,
        sort=SEARCH_SORTS[filters.sort],
        offset=(filters.page - 1) * filters.page_size,
        limit=filters.page_size,
    )
    if listing is not None:
        return listing.products, listing.total
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
        return list(paginator.page(filters.page).object_list), paginator.count
    except EmptyPage:
        return [], paginator.count


SEARCH_SORTS = {
    catalog.Sort.NEWEST: "newest",
    "price": "price_low",
    "-price": "price_high",
}


def _searched(
    filters: ProductFilters,
    pricing: MarketStrategy,
    language: str,
    tree: catalog.CategoryTree,
) -> ProductPageOut:
    """``GET /products?q=``: the search's ranking, filters and facets."""
    chosen = search.Filters(
        category=Category.objects.filter(slug=filters.category).first()
        if filters.category
        else None,
        merchant=Merchant.objects.filter(
            slug=filters.merchant, status=Merchant.Status.APPROVED
        ).first()
        if filters.merchant
        else None,
        origin=(filters.origin or "").upper(),
        in_stock=filters.in_stock,
        min_stars=filters.min_stars,
        price_min=filters.price_min,
        price_max=filters.price_max,
    )
    if filters.merchant and chosen.merchant is None:
        raise not_found(f"merchant {filters.merchant!r}", "merchant")
    sort = (
        "relevance"
        if filters.sort == catalog.Sort.NEWEST
        and "sort" not in (filters.model_fields_set)
        else SEARCH_SORTS[filters.sort]
    )
    found = search.search_products(
        text=filters.q or "",
        market_code=pricing.market_code,
        currency=pricing.currency,
        filters=chosen,
        sort=sort,
        page=filters.page,
        per_page=filters.page_size,
    )
    pages = -(-found.total // filters.page_size)
    if filters.page > 1 and filters.page > pages:
        raise ApiError(
            404, "not_found", f"page {filters.page} is past the last page", "page"
        )
    ranges = search.PRICE_RANGES.get(pricing.currency, search.PRICE_RANGES["EUR"])
    return ProductPageOut(
        pricing=pricing_out(pricing, language),
        count=found.total,
        page=filters.page,
        pages=pages,
        items=[
            ProductSummaryOut(
                **product_summary_fields(
                    p, pricing, language, tree.by_id[p.category_id].slug
                )
            )
            for p in found.products
        ],
        search=SearchOut(
            query=found.query.text,
            words=found.query.words,
            corrections=found.query.corrections,
            did_you_mean=found.did_you_mean,
            related_categories=[c.slug for c in found.related_categories],
            facets=_facets_out(found.facets, tree),
            price_ranges=[[low, high] for low, high in ranges],
        ),
    )


def _facets_out(
    facets: dict[str, list[dict[str, Any]]], tree: catalog.CategoryTree
) -> dict[str, list[FacetValueOut]]:
    out: dict[str, list[FacetValueOut]] = {}
    for f in facets.get("category", []):
        node = tree.by_id.get(f["object"].pk) if f.get("object") else None
        if node:
            out.setdefault("category", []).append(
                FacetValueOut(value=node.slug, label=node.name, count=f["count"])
            )
    for f in facets.get("merchant", []):
        if f.get("object"):
            out.setdefault("merchant", []).append(
                FacetValueOut(
                    value=f["object"].slug, label=f["object"].name, count=f["count"]
                )
            )
    for f in facets.get("origin", []):
        out.setdefault("origin", []).append(
            FacetValueOut(value=f["value"], label=f["value"], count=f["count"])
        )
    for i, f in enumerate(facets.get("price", [])):
        out.setdefault("price", []).append(
            FacetValueOut(value=str(i), label=str(i), count=f["count"])
        )
    for f in facets.get("in_stock", []):
        out["in_stock"] = [
            FacetValueOut(value="true", label="in stock", count=f["count"])
        ]
    for f in facets.get("stars", []):
        out["stars"] = [
            FacetValueOut(value="4", label="4 stars and up", count=f["count"])
        ]
    return out


@router.get("/search/suggest", response={200: SuggestOut, **ERRORS}, tags=["catalogue"])
def search_suggest(request: HttpRequest, query: Query[SuggestQuery]) -> SuggestOut:
    """What the buyer may be typing: categories, merchants and products."""
    pricing, language = market_context(query)
    tree = catalog.category_tree(language=language)
    found = search.search_suggest(query.q)
    items = [
        SuggestionOut(
            kind="category", slug=tree.by_id[c.pk].slug, name=tree.by_id[c.pk].name
        )
        for c in found.categories
        if c.pk in tree.by_id
    ]
    items += [
        SuggestionOut(kind="merchant", slug=m.slug, name=m.name)
        for m in found.merchants
    ]
    for p in found.products:
        row = pick_translation(p.translations.all(), language)
        items.append(
            SuggestionOut(kind="product", slug=p.slug, name=row.name if row else p.slug)
        )
    return SuggestOut(query=query.q, suggestions=items)


@router.get(
    "/products/{slug}", response={200: ProductDetailOut, **ERRORS}, tags=["catalogue"]
)
def product_get(
    request: HttpRequest, slug: str, query: Query[MarketQuery]
) -> ProductDetailOut:
    """Return one product on sale, with its variants and prices in the market."""
    pricing, language = market_context(query)
    try:
        product = catalog.storefront_product(slug=slug)
    except Product.DoesNotExist:
        raise not_found(f"product {slug!r}", "slug") from None
    product_view_count(product.pk)  # counted as the product page's views are
    translation_row = pick_translation(product.translations.all(), language)
    variants = [v for v in product.variants.all() if v.is_active]
    out = ProductOut(
        **product_summary_fields(product, pricing, language, product.category.slug),
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
                net_unit=cast(NetUnitName, v.net_unit),  # pydantic checks it
            )
            for v in variants
        ],
        images=[image_out(i) for i in product.images.all()],
    )
    return ProductDetailOut(pricing=pricing_out(pricing, language), product=out)
