"""A merchant's public page over the API (no sign-in), as the storefront shows it:
the name, where it makes, since when, its tagline and story in the reader's
language, and its products on sale with their prices in the market."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from etalage.api.catalogue.catalog_out import product_summary_fields
from etalage.api.context import MarketQuery, market_context, pricing_out
from etalage.api.errors import ApiError, ErrorOut
from etalage.api.paging import CursorPage, PageQuery, cursor_page
from etalage.api.schemas import PricingOut, ProductSummaryOut
from etalage.catalog import selectors as catalog
from etalage.core.languages import pick_translation
from etalage.merchants.models import Merchant
from etalage.pricing.strategy import MarketStrategy

router = Router(tags=["catalogue"])
ERRORS = {404: ErrorOut, 422: ErrorOut}


class MerchantPageQuery(MarketQuery):
    lang: str | None = Field(
        None,
        description="zh-hans, fr, nl or en; default: the request's Accept-Language, "
        "else the market's language.",
    )
    limit: int = Field(
        20, ge=1, le=100, description="How many products the first page holds."
    )


class MerchantProductsQuery(MerchantPageQuery, PageQuery):
    pass


class MakerProductPage(CursorPage):
    pricing: PricingOut
    items: list[ProductSummaryOut]


class MerchantPageOut(Schema):
    slug: str
    name: str
    city: str = Field(..., description="Where it makes (in Belgium).")
    founded_year: int | None
    tagline: str
    story: str
    text_language: str = Field(
        ...,
        description="The language of tagline and story (another when the merchant "
        "wrote none in the reader's).",
    )
    products: MakerProductPage = Field(
        ..., description="The first page of its products on sale, newest first."
    )


def _merchant(slug: str) -> Merchant:
    try:
        return catalog.storefront_merchant(slug=slug)
    except Merchant.DoesNotExist:
        raise ApiError(404, "not_found", _("No merchant on Étalage has this name."),
                       "slug") from None  # fmt: skip


def _context(
    request: HttpRequest, query: MerchantPageQuery
) -> tuple[MarketStrategy, str]:
    """The market, and the language asked for, else the request's, else the
    market's."""
    asked = query.lang
    if asked is None and request.headers.get("Accept-Language"):
        asked = translation.get_language()
    return market_context(MarketQuery(market=query.market, lang=asked))


def _products(
    request: HttpRequest, merchant: Merchant, query: MerchantProductsQuery
) -> MakerProductPage:
    pricing, language = _context(request, query)
    tree = catalog.category_tree(language=language)
    products, next_page = cursor_page(
        request,
        catalog.storefront_products(merchant=merchant, market_code=pricing.market_code),
        query,
        scope=f"merchant-products:{merchant.pk}",
        path=reverse("api:merchant_products", kwargs={"slug": merchant.slug}),
    )
    return MakerProductPage(
        pricing=pricing_out(pricing, language),
        items=[
            ProductSummaryOut(
                **product_summary_fields(
                    p, pricing, language, tree.by_id[p.category_id].slug
                )
            )
            for p in products
        ],
        next=next_page,
    )


@router.get("/merchants/{slug}", response={200: MerchantPageOut, **ERRORS})
def merchant_page(
    request: HttpRequest, slug: str, query: Query[MerchantPageQuery]
) -> MerchantPageOut:
    """A merchant's public page: its story and its products on sale."""
    merchant = _merchant(slug)
    first = MerchantProductsQuery(**query.dict(), cursor=None)
    products = _products(request, merchant, first)
    language = products.pricing.language
    text = pick_translation(merchant.translations.all(), language)
    return MerchantPageOut(
        slug=merchant.slug,
        name=merchant.name,
        city=merchant.city,
        founded_year=merchant.founded_year,
        tagline=text.tagline if text else "",
        story=text.story if text else "",
        text_language=text.language if text else language,
        products=products,
    )


@router.get("/merchants/{slug}/products", response={200: MakerProductPage, **ERRORS})
def merchant_products(
    request: HttpRequest, slug: str, query: Query[MerchantProductsQuery]
) -> MakerProductPage:
    """A merchant's products on sale, newest first (cursor paging)."""
    return _products(request, _merchant(slug), query)
