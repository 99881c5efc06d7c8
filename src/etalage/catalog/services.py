"""Writes to the catalogue: products, variants, images and listing review.

One service per write, whichever door it comes through (the merchant portal, the
merchant API, the catalogue import, the back-office): each checks its input with
the catalogue's rules (``catalog.variant_rules`` for SKUs, prices, weights and net
contents), names the field at fault, writes in one transaction and records what
changed in the outbox (``ProductsChanged``; ``ProductImageDeleted``, whose files
leave storage once it commits). Changes to a live listing's reviewed fields go
through ``catalog.changes``; the figures each listing card shows are refreshed by
``catalog.listing_prices``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from etalage.catalog.changes import (
    REVIEWED_FIELDS,
    listing_change_propose,
    reviewed_texts,
)
from etalage.catalog.exceptions import ListingRuleBroken
from etalage.catalog.images import ProcessedImage, process_image
from etalage.catalog.listing_prices import (
    listing_prices_refresh,
    listings_changed,
    product_price_from_refresh,
)
from etalage.catalog.models import (
    Category,
    Product,
    ProductImage,
    ProductImportRun,
    ProductTranslation,
    Variant,
)
from etalage.catalog.rules import listing_problems
from etalage.catalog.validators import (
    normalize_country,
    normalize_gtin,
    refusals_check,
    variant_values_check,
)
from etalage.catalog.variant_rules import price_refusal
from etalage.core.ids import new_id
from etalage.core.languages import LANGUAGE_CODES
from etalage.core.text import texts_check
from etalage.customs.hs_codes import normalize_hs_code
from etalage.customs.selectors import net_unit_problem
from etalage.events.outbox import event_record
from etalage.events.types import ProductImageDeleted
from etalage.merchants.models import Merchant
from etalage.merchants.permissions import merchant_write_check


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


def _product_texts_check(
    *,
    brand: object = None,
    texts: dict[str, ProductText] | None = None,
    variants: Sequence[VariantData] = (),
    prefix: str = "variants.",
) -> None:
    """Refuse control characters in what labels and customs messages carry: the
    brand, the texts (``texts.fr.name``), each variant's SKU and attribute values."""
    values: dict[str, object] = {"brand": brand}
    multiline = set()
    for language, text in (texts or {}).items():
        for name, value in vars(text).items():
            values[f"texts.{language}.{name}"] = value
            if name != "name":
                multiline.add(f"texts.{language}.{name}")
    for index, data in enumerate(variants):
        at = f"{prefix}{index}." if prefix else ""
        values[f"{at}sku"] = data.sku
        for key, value in (data.attributes or {}).items():
            values[f"{at}attributes.{key}"] = f"{key} {value}"  # both checked
    texts_check(values, multiline=multiline)


def _variant_fill(
    variant: Variant, data: VariantData, *, new_sku: bool = True
) -> Variant:
    """Set a variant's fields from ``data`` and check them (errors name the field).
    A SKU already stored and kept as it is is not judged again by today's rule."""
    _product_texts_check(variants=[data], prefix="")
    variant_values_check(
        sku=data.sku if new_sku else None,
        price_eur=data.price_eur,
        weight_grams=data.weight_grams,
        net_content=data.net_content,
    )
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


def _skus_taken(merchant: Merchant, skus: Sequence[str]) -> list[str]:
    """The SKUs that repeat in ``skus`` or that the merchant already uses."""
    repeated = sorted({sku for sku in skus if skus.count(sku) > 1})
    taken = Variant.objects.filter(merchant=merchant, sku__in=skus)
    return repeated or sorted(taken.values_list("sku", flat=True))


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
    merchant_ref: str = "",
) -> Product:
    """Create a draft product with its translations and variants; ``merchant_ref``
    is the merchant's own key for it (one product per key)."""
    merchant_write_check(merchant=merchant)
    _product_texts_check(brand=brand, texts=texts, variants=variants)
    unknown = set(texts) - set(LANGUAGE_CODES)
    if unknown:
        raise ValidationError(
            {"texts": _("Unknown language: %s") % ", ".join(sorted(unknown))}
        )
    if not variants:
        raise ValidationError({"variants": _("A product needs at least one variant.")})
    for index, data in enumerate(variants):
        variant_values_check(
            sku=data.sku,
            price_eur=data.price_eur,
            weight_grams=data.weight_grams,
            net_content=data.net_content,
            prefix=f"variants.{index}.",
        )
    if merchant_ref and merchant.products.filter(merchant_ref=merchant_ref).exists():
        raise ValidationError(
            {
                "merchant_ref": _("Another of your products has the reference %(ref)s.")
                % {"ref": merchant_ref}
            }
        )
    slug_source = (
        texts.get("en") or texts.get("fr") or next(iter(texts.values()))
    ).name
    product = Product(
        merchant=merchant,
        merchant_ref=merchant_ref,
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
    taken = _skus_taken(merchant, [data.sku for data in variants])
    if taken:
        raise ValidationError(
            {"sku": _("SKU already used by this merchant: %s") % ", ".join(taken)}
        )
    rows = [
        _variant_fill(Variant(product=product, merchant=merchant, position=i), data)
        for i, data in enumerate(variants)
    ]
    Variant.objects.bulk_create(rows)
    product_price_from_refresh(product=product)
    return product


@transaction.atomic
def product_update(
    *,
    product: Product,
    fields: dict[str, Any],
    texts: dict[str, ProductText] | None = None,
) -> Product:
    """Change a product's own fields and texts; validation errors name the field.

    On a live listing, changes to reviewed fields (names, HS code, tax class,
    origin, category) are checked, then wait for the operator (``catalog.changes``)
    while the approved version stays on sale; the rest changes at once.
    """
    allowed = {"brand", "hs_code", "tax_class", "origin_country", "category"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be changed.")})
    unknown = set(texts or {}) - set(LANGUAGE_CODES)
    if unknown:
        raise ValidationError({"texts": _("Unknown language: %s") % min(unknown)})
    _product_texts_check(brand=fields.get("brand"), texts=texts)
    product = Product.objects.select_for_update().get(pk=product.pk)
    live = product.is_live
    approved = {name: getattr(product, name) for name in REVIEWED_FIELDS}
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
    proposed = {name: getattr(product, name) for name in REVIEWED_FIELDS}
    if live:  # the approved values stay on sale until the operator decides
        for name, value in approved.items():
            setattr(product, name, value)
    product.save()
    listing_prices_refresh(products=[product])
    listings_changed([product])
    text_values = {lang: vars(text) for lang, text in (texts or {}).items()}
    direct, reviewed = (
        reviewed_texts(product, text_values) if live else (text_values, {})
    )
    for language, values in direct.items():
        ProductTranslation.objects.update_or_create(
            product=product, language=language, defaults=values
        )
    if live:
        listing_change_propose(
            product=product,
            fields={k: v for k, v in proposed.items() if k in fields},
            texts=reviewed,
        )
    return product


@transaction.atomic
def variant_add(
    *, product: Product, data: VariantData, refresh: bool = True
) -> Variant:
    """Add a variant to a product (its SKU unused by the merchant)."""
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
    """Set a variant's EUR price (the price rule of ``catalog.variant_rules``)."""
    refusals_check([price_refusal(price_eur)])
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
    approved_net = (variant.net_content, variant.net_unit)
    _variant_fill(variant, data, new_sku=data.sku != variant.sku)
    if variant.product.is_live:  # a new net content waits for the operator
        variant.net_content, variant.net_unit = approved_net
        listing_change_propose(
            product=variant.product,
            nets={variant.pk: (data.net_content, data.net_unit)},
        )
    variant.save()
    if refresh:
        product_price_from_refresh(product=variant.product)
    return variant


def product_image_attach(
    *,
    product: Product,
    processed: ProcessedImage,
    is_illustration: bool = False,
    source_name: str = "",
    position: int | None = None,
) -> ProductImage:
    """Store a checked picture's files and attach it to the product, last unless
    ``position`` says otherwise: the write beneath ``product_image_add``,
    ``product_save`` and the import, which each record the change themselves."""
    image = ProductImage(
        product=product,
        width=processed.width,
        height=processed.height,
        is_illustration=is_illustration,
        source_name=source_name,
        position=product.images.count() if position is None else position,
    )
    for field, rendition in processed.renditions.items():
        getattr(image, field).save(
            rendition.name, ContentFile(rendition.content), save=False
        )
    image.save()
    return image


def product_image_add(
    *, product: Product, data: bytes, is_illustration: bool = False
) -> ProductImage:
    """Check an image, make its thumbnails and attach it to the product."""
    processed = process_image(data, stem=new_id().hex[:12])
    with transaction.atomic():
        image = product_image_attach(
            product=product, processed=processed, is_illustration=is_illustration
        )
        listings_changed([product])
    return image


@transaction.atomic
def product_image_delete(*, image: ProductImage) -> None:
    """Take a picture off its product. Its files leave storage once this commits
    (``catalog.handlers``); a picture already gone is left alone."""
    files = tuple(
        name
        for name in (image.image.name, image.thumbnail.name, image.medium.name)
        if name
    )
    deleted, _count = ProductImage.objects.filter(pk=image.pk).delete()
    if not deleted:
        return
    event_record(
        ProductImageDeleted(product_id=image.product_id, image_id=image.pk, files=files)
    )
    listings_changed([image.product])


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
    listings_changed([product])


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
