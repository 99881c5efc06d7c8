"""Shape catalogue objects for the storefront's templates, in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from etalage.catalog.models import Product, Variant
from etalage.catalog.selectors import net_content_text, variant_label
from etalage.core.languages import pick_translation
from etalage.merchants.models import Merchant
from etalage.money import Money, format_money
from etalage.pricing.strategy import MarketStrategy
from etalage.reviews.selectors import NO_STATS, CardStats, card_stats


@dataclass(frozen=True)
class CardImage:
    thumbnail: str
    is_illustration: bool


@dataclass(frozen=True)
class ProductCard:
    slug: str
    url: str
    name: str
    merchant_name: str
    merchant_url: str
    image: CardImage | None
    price: str | None
    price_is_from: bool
    # The price holds the estimated CBEC tax of one unit shipped alone: said so
    # beside it, as the cart and the order give the tax of the unit in its parcel.
    price_shipped_alone: bool = False
    # Others' stars and the units sold in the last 30 days (``reviews.selectors``).
    stats: CardStats = NO_STATS


@dataclass(frozen=True)
class VariantView:
    id: str
    sku: str
    label: str
    price: str | None
    weight_grams: int
    net: str
    gtin: str
    available: int = 0


def price_text(money: Money | None, language: str) -> str | None:
    return format_money(money, language) if money is not None else None


def product_name(product: Product, language: str) -> str:
    translation = pick_translation(product.translations.all(), language)
    return translation.name if translation else product.slug


def merchant_text(merchant: Merchant, language: str):
    return pick_translation(merchant.translations.all(), language)


def product_cards(
    products: Iterable[Product], pricing: MarketStrategy, language: str
) -> list[ProductCard]:
    """Cards for a page of products, their ratings and sales read in one query."""
    products = list(products)
    stats = card_stats(p.pk for p in products)
    return [
        product_card(p, pricing, language, stats.get(p.pk, NO_STATS)) for p in products
    ]


def product_card(
    product: Product,
    pricing: MarketStrategy,
    language: str,
    stats: CardStats = NO_STATS,
) -> ProductCard:
    images = list(product.images.all())
    first = images[0] if images else None
    estimate = pricing.estimate(
        product.price_from_eur,
        tax_class=product.tax_class,
        weight_grams=product.price_from_weight_grams,
        net=product.price_from_net,
    )
    price = estimate.with_tax if estimate else pricing.price(product.price_from_eur)
    return ProductCard(
        slug=product.slug,
        url=reverse("web:product", args=[product.slug]),
        name=product_name(product, language),
        merchant_name=product.merchant.name,
        merchant_url=reverse("web:merchant", args=[product.merchant.slug]),
        image=CardImage(first.thumbnail.url, first.is_illustration) if first else None,
        price=price_text(price, language),
        price_is_from=product.active_variant_count > 1,
        price_shipped_alone=estimate is not None,
        stats=stats,
    )


def variant_view(
    variant: Variant,
    product: Product,
    pricing: MarketStrategy,
    language: str,
    available: int = 0,
) -> VariantView:
    price = pricing.shown_price(
        variant.price_eur,
        tax_class=product.tax_class,
        weight_grams=variant.weight_grams,
        net=variant.net,
    )
    return VariantView(
        id=str(variant.pk),
        sku=variant.sku,
        label=variant_label(variant, language),
        price=price_text(price, language),
        weight_grams=variant.weight_grams,
        net=net_content_text(variant),
        gtin=variant.gtin,
        available=available,
    )


@dataclass(frozen=True)
class EstimateView:
    goods: str
    freight: str | None
    tax: str
    with_tax: str  # the price cards and the variants show
    total: str | None


def estimate_view(
    variant: Variant, product: Product, pricing: MarketStrategy, language: str
) -> EstimateView | None:
    estimate = pricing.estimate(
        variant.price_eur,
        tax_class=product.tax_class,
        weight_grams=variant.weight_grams,
        net=variant.net,
    )
    if estimate is None:
        return None
    return EstimateView(
        goods=format_money(estimate.goods, language),
        freight=price_text(estimate.freight, language),
        tax=format_money(estimate.tax, language),
        with_tax=format_money(estimate.with_tax, language),
        total=price_text(estimate.total, language),
    )
