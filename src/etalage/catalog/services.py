"""Writes to the catalogue: products, variants, images and listing review."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from etalage.catalog.exceptions import ListingRuleBroken
from etalage.catalog.images import process_image
from etalage.catalog.models import (
    Category,
    Product,
    ProductImage,
    ProductImportRun,
    ProductTranslation,
    Variant,
)
from etalage.catalog.validators import normalize_country, normalize_gtin
from etalage.core.ids import new_id
from etalage.core.languages import LANGUAGE_CODES
from etalage.customs.cbec import NetUnit
from etalage.customs.hs_codes import normalize_hs_code
from etalage.customs.selectors import net_unit_problem, positive_list_entry
from etalage.merchants.models import Merchant
from etalage.money import Money
from etalage.pricing.selectors import market_strategies


@dataclass(frozen=True)
class ProductText:
    name: str
    description: str = ""
    ingredients: str = ""


@dataclass(frozen=True)
class VariantData:
    sku: str
    price_eur: Decimal
    weight_grams: int
    net_content: int
    net_unit: str
    gtin: str = ""
    attributes: dict[str, object] | None = None


def _variant_fill(variant: Variant, data: VariantData) -> Variant:
    """Set a variant's fields from ``data`` and check them (errors name the field)."""
    variant.sku = data.sku
    variant.gtin = _field("gtin", normalize_gtin, data.gtin) if data.gtin else ""
    variant.attributes = data.attributes or {}
    variant.price_eur = data.price_eur
    variant.weight_grams = data.weight_grams
    variant.net_content = data.net_content
    variant.net_unit = data.net_unit
    variant.full_clean(exclude=["product", "merchant"])
    problem = net_unit_problem(hs_code=variant.product.hs_code, net_unit=data.net_unit)
    if problem:
        raise ValidationError({"net_unit": problem})
    return variant


def _field(name: str, normalize: Callable[[str], str], value: str) -> str:
    """Run a normaliser and name the field in the error it raises."""
    try:
        return normalize(value)
    except ValidationError as error:
        raise ValidationError({name: error.messages}) from None


def _unique_slug(base: str) -> str:
    stem = slugify(base)[:120] or "product"
    return f"{stem}-{new_id().hex[-6:]}"


@transaction.atomic
def product_create(
    *,
    merchant: Merchant,
    category: Category,
    brand: str,
    hs_code: str,
    tax_class: str,
    texts: dict[str, ProductText],
    variants: list[VariantData],
    origin_country: str = "BE",
) -> Product:
    """Create a draft product with its translations and variants."""
    unknown = set(texts) - set(LANGUAGE_CODES)
    if unknown:
        raise ValidationError(
            {"texts": _("Unknown language: %s") % ", ".join(sorted(unknown))}
        )
    if not variants:
        raise ValidationError({"variants": _("A product needs at least one variant.")})
    slug_source = (
        texts.get("en") or texts.get("fr") or next(iter(texts.values()))
    ).name
    product = Product(
        merchant=merchant,
        category=category,
        slug=_unique_slug(slug_source),
        brand=brand,
        hs_code=_field("hs_code", normalize_hs_code, hs_code),
        tax_class=tax_class,
        origin_country=_field("origin_country", normalize_country, origin_country),
    )
    product.full_clean()
    product.save()
    ProductTranslation.objects.bulk_create(
        ProductTranslation(product=product, language=language, **vars(text))
        for language, text in texts.items()
    )
    skus = [data.sku for data in variants]
    repeated = sorted({sku for sku in skus if skus.count(sku) > 1})
    taken = sorted(
        Variant.objects.filter(merchant=merchant, sku__in=skus).values_list(
            "sku", flat=True
        )
    )
    if repeated or taken:
        raise ValidationError(
            {
                "sku": _("SKU already used by this merchant: %s")
                % ", ".join(repeated or taken)
            }
        )
    rows = [
        _variant_fill(Variant(product=product, merchant=merchant, position=i), data)
        for i, data in enumerate(variants)
    ]
    Variant.objects.bulk_create(rows)
    product_price_from_refresh(product=product)
    return product


def product_price_from_refresh(*, product: Product) -> None:
    """Store the lowest active variant price on the product for listing pages."""
    active = product.variants.filter(is_active=True)
    summary = active.aggregate(low=Min("price_eur"), count=Count("pk"))
    cheapest = active.order_by("price_eur", "position").first()
    product.price_from_eur = summary["low"]
    product.active_variant_count = summary["count"]
    product.price_from_weight_grams = cheapest.weight_grams if cheapest else 0
    product.price_from_net_content = cheapest.net_content if cheapest else 0
    product.price_from_net_unit = cheapest.net_unit if cheapest else NetUnit.GRAM
    Product.objects.filter(pk=product.pk).update(
        price_from_eur=summary["low"],
        active_variant_count=summary["count"],
        price_from_weight_grams=product.price_from_weight_grams,
        price_from_net_content=product.price_from_net_content,
        price_from_net_unit=product.price_from_net_unit,
    )


def product_image_add(
    *, product: Product, data: bytes, is_illustration: bool = False
) -> ProductImage:
    """Check an image, make its thumbnails and attach it to the product."""
    processed = process_image(data, stem=new_id().hex[:12])
    image = ProductImage(
        product=product,
        width=processed.width,
        height=processed.height,
        is_illustration=is_illustration,
        position=product.images.count(),
    )
    for field, rendition in processed.renditions.items():
        getattr(image, field).save(
            rendition.name, ContentFile(rendition.content), save=False
        )
    image.save()
    return image


def listing_problems(*, product: Product) -> list[str]:
    """Return, in the reader's language, why the product cannot go live."""
    problems = []
    names = {
        t.language for t in product.translations.all() if t.name and t.name.strip()
    }
    entry = positive_list_entry(hs_code=product.hs_code)
    for market, strategy in market_strategies():
        problems += strategy.listing_problems(
            hs_code=product.hs_code, on_positive_list=entry is not None
        )
        if market.default_language not in names:
            problems.append(
                _(
                    "The name in %(language)s is missing; "
                    "the %(market)s market needs it."
                )
                % {
                    "language": market.get_default_language_display(),
                    "market": market.name,
                }
            )
    if not product.variants.filter(is_active=True).exists():
        problems.append(_("The product has no active variant with a price."))
    if not product.images.exists():
        problems.append(_("The product has no picture: buyers see one on every card."))
    return problems


@transaction.atomic
def product_submit_for_review(*, product: Product) -> Product:
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.status not in (Product.Status.DRAFT, Product.Status.REJECTED):
        raise ListingRuleBroken(
            _("Only a draft or a rejected listing can be submitted for review.")
        )
    product.status = Product.Status.IN_REVIEW
    product.submitted_at = timezone.now()
    product.save(update_fields=["status", "submitted_at", "updated_at"])
    return product


def _record_review(
    *, product: Product, reviewer: User | None, status: str, reason: str = ""
) -> None:
    product.status = status
    product.rejection_reason = reason
    product.reviewed_at = timezone.now()
    product.reviewed_by = reviewer
    product.save(
        update_fields=[
            "status",
            "rejection_reason",
            "reviewed_at",
            "reviewed_by",
            "updated_at",
        ]
    )


@transaction.atomic
def product_approve(*, product: Product, reviewer: User | None) -> Product:
    """Put a listing live, if it meets the marketplace's rules."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    problems = listing_problems(product=product)
    if problems:
        raise ListingRuleBroken(problems)
    _record_review(product=product, reviewer=reviewer, status=Product.Status.LIVE)
    return product


@transaction.atomic
def product_reject(*, product: Product, reviewer: User | None, reason: str) -> Product:
    """Refuse a listing; the merchant sees the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the merchant a reason for rejection.")}
        )
    product = Product.objects.select_for_update().get(pk=product.pk)
    _record_review(
        product=product,
        reviewer=reviewer,
        status=Product.Status.REJECTED,
        reason=reason,
    )
    return product


@transaction.atomic
def product_update(
    *,
    product: Product,
    fields: dict[str, Any],
    texts: dict[str, ProductText] | None = None,
) -> Product:
    """Change a product's own fields and texts; validation errors name the field."""
    allowed = {"brand", "hs_code", "tax_class", "origin_country", "category"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be changed.")})
    product = Product.objects.select_for_update().get(pk=product.pk)
    for name, value in fields.items():
        if name == "hs_code":
            value = _field("hs_code", normalize_hs_code, value)
        if name == "origin_country":
            value = _field("origin_country", normalize_country, value)
        setattr(product, name, value)
    product.full_clean(exclude=["slug", "merchant"])
    for unit in set(product.variants.values_list("net_unit", flat=True)):
        problem = net_unit_problem(hs_code=product.hs_code, net_unit=unit)
        if problem:
            raise ValidationError({"hs_code": problem})
    product.save()
    for language, text in (texts or {}).items():
        if language not in LANGUAGE_CODES:
            raise ValidationError({"texts": _("Unknown language: %s") % language})
        ProductTranslation.objects.update_or_create(
            product=product, language=language, defaults=vars(text)
        )
    return product


@transaction.atomic
def variant_add(
    *, product: Product, data: VariantData, refresh: bool = True
) -> Variant:
    if Variant.objects.filter(merchant_id=product.merchant_id, sku=data.sku).exists():
        raise ValidationError(
            {"sku": _("SKU already used by this merchant: %s") % data.sku}
        )
    variant = Variant(
        product=product,
        merchant_id=product.merchant_id,
        position=product.variants.count(),
    )
    _variant_fill(variant, data).save()
    if refresh:  # callers changing several variants refresh once at the end
        product_price_from_refresh(product=product)
    return variant


@transaction.atomic
def variant_price_set(*, variant: Variant, price_eur: Decimal) -> Variant:
    """Set a variant's EUR price (more than 0, whole cents)."""
    if price_eur <= 0 or not Money(price_eur, "EUR").is_rounded():
        raise ValidationError(
            {"price_eur": _("A price is more than 0 with at most 2 decimals.")}
        )
    Variant.objects.filter(pk=variant.pk).update(price_eur=price_eur)
    variant.price_eur = price_eur
    product_price_from_refresh(product=variant.product)
    return variant


@transaction.atomic
def variant_update(
    *, variant: Variant, data: VariantData, is_active: bool, refresh: bool = True
) -> Variant:
    """Change a variant's SKU, GTIN, price, weight, attributes or whether it is sold."""
    if (
        data.sku != variant.sku
        and Variant.objects.filter(merchant_id=variant.merchant_id, sku=data.sku)
        .exclude(pk=variant.pk)
        .exists()
    ):
        raise ValidationError(
            {"sku": _("SKU already used by this merchant: %s") % data.sku}
        )
    variant.is_active = is_active
    _variant_fill(variant, data).save()
    if refresh:
        product_price_from_refresh(product=variant.product)
    return variant


# An import still checking or writing this long after it started lost its worker.
IMPORT_GIVE_UP = timedelta(hours=1)


def product_import_runs_abandon() -> int:
    """Mark as failed the imports a dead worker left half-way (checking or writing,
    started over ``IMPORT_GIVE_UP`` ago): their transaction rolled back, so nothing
    was imported, and the merchant's page says so instead of waiting forever."""
    return ProductImportRun.objects.filter(
        status__in=[ProductImportRun.Status.CHECKING, ProductImportRun.Status.WRITING],
        created_at__lt=timezone.now() - IMPORT_GIVE_UP,
    ).update(status=ProductImportRun.Status.FAILED)
