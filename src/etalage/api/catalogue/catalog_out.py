"""A product as the catalogue's answers show it (listings, search, a merchant's
page): its name in the reader's language, its merchant, its first image and the
price it starts from in the market."""

from __future__ import annotations

from typing import Any, overload

from etalage.api.context import money_out
from etalage.api.schemas import ImageOut, MerchantRef
from etalage.catalog.models import Product, ProductImage
from etalage.catalog.selectors import image_view
from etalage.core.languages import pick_translation
from etalage.pricing.strategy import MarketStrategy


@overload
def image_out(image: ProductImage) -> ImageOut: ...
@overload
def image_out(image: None) -> None: ...
@overload
def image_out(image: ProductImage | None) -> ImageOut | None: ...


def image_out(image: ProductImage | None) -> ImageOut | None:
    view = image_view(image)
    return ImageOut(**vars(view)) if view else None


def product_summary_fields(
    product: Product, pricing: MarketStrategy, language: str, category_slug: str
) -> dict[str, Any]:
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
        "image": image_out(images[0] if images else None),
    }
