from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

# A unit's net content: grams (net weight), millilitres (volume) or pieces.
NetUnitName = Literal["g", "ml", "piece"]


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
    attributes: dict
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


class ProductPageOut(Schema):
    pricing: PricingOut
    count: int
    page: int
    pages: int
    items: list[ProductSummaryOut]


class ProductDetailOut(Schema):
    pricing: PricingOut
    product: ProductOut
