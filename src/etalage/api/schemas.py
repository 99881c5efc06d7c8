from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

# A unit's net content: grams (net weight), millilitres (volume) or pieces.
NetUnitName = Literal["g", "ml", "piece"]

# The largest page number a listing takes (past it: a refusal naming ``page``, not
# a number too large for the database).
MAX_PAGE = 10_000


class MoneyOut(Schema):
    amount: Decimal
    currency: str
    formatted: str


class ImageOut(Schema):
    thumbnail: str
    medium: str
    large: str
    width: int
    height: int
    is_illustration: bool


class CategoryOut(Schema):
    slug: str
    name: str
    parent: str | None
    children: list[str]


class MerchantRef(Schema):
    slug: str
    name: str


class VariantOut(Schema):
    sku: str
    gtin: str
    label: str
    attributes: dict[str, Any]
    price: MoneyOut | None
    weight_grams: int
    net_content: int = Field(..., description="What one unit holds, in net_unit.")
    net_unit: NetUnitName


class ProductSummaryOut(Schema):
    slug: str
    name: str
    brand: str
    category: str
    merchant: MerchantRef
    price_from: MoneyOut | None
    image: ImageOut | None


class ProductOut(ProductSummaryOut):
    description: str
    ingredients: str
    text_language: str
    hs_code: str
    origin_country: str
    tax_class: str
    variants: list[VariantOut]
    images: list[ImageOut]


class PricingOut(Schema):
    market: str
    currency: str
    language: str
    rate: Decimal | None
    rate_date: date | None
    fx_margin_percent: Decimal | None
    tax_note: str


class FacetValueOut(Schema):
    value: str = Field(
        ..., description="What to send back in the filter of the same name."
    )
    label: str
    count: int


class SearchOut(Schema):
    """What a search (``q``) found besides the products."""

    query: str
    words: list[str] = Field(..., description="The words searched for, as read.")
    corrections: dict[str, str] = Field(
        ...,
        description="Words the catalogue does not have, and the word also searched.",
    )
    did_you_mean: str = Field(
        ..., description="A corrected query, when nothing matched."
    )
    related_categories: list[str] = Field(
        ...,
        description="Category slugs where some of the words are found, when "
        "nothing matched them all.",
    )
    facets: dict[str, list[FacetValueOut]] = Field(
        ...,
        description="category, merchant, origin, price (index of the range "
        "in price_ranges), in_stock, stars (4: reviews averaging 4 stars and up): "
        "each value with how many products have it.",
    )
    price_ranges: list[list[int | None]] = Field(
        ..., description="The price facet's ranges in the market currency, [low, high)."
    )


class ProductPageOut(Schema):
    pricing: PricingOut
    count: int
    page: int
    pages: int
    items: list[ProductSummaryOut]
    search: SearchOut | None = Field(
        default=None, description="With q: what the search found."
    )


class SuggestionOut(Schema):
    kind: str = Field(..., description="product, category or merchant")
    slug: str
    name: str


class SuggestOut(Schema):
    query: str
    suggestions: list[SuggestionOut]


class ProductDetailOut(Schema):
    pricing: PricingOut
    product: ProductOut
