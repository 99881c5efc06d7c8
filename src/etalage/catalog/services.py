"""Writes to the catalogue: products, variants, images and listing review."""

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
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from etalage.catalog.changes import (
    REVIEWED_FIELDS,
    listing_change_propose,
    reviewed_texts,
)
from etalage.catalog.exceptions import ListingRuleBroken
from etalage.catalog.images import process_image
from etalage.catalog.listing_prices import listing_prices_refresh
from etalage.catalog.models import (
    Category,
    ListingChange,
    Product,
    ProductImage,
    ProductImportRun,
    ProductTranslation,
    Variant,
)
from etalage.catalog.rules import listing_problems
from etalage.catalog.validators import normalize_country, normalize_gtin
from etalage.core.ids import new_id
from etalage.core.languages import LANGUAGE_CODES
from etalage.core.text import texts_check
from etalage.customs.cbec import NetUnit
from etalage.customs.hs_codes import normalize_hs_code
from etalage.customs.selectors import net_unit_problem
from etalage.events.outbox import event_record
from etalage.events.types import ProductsChanged
from etalage.merchants.models import Merchant
from etalage.money import Money


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


def _variant_fill(variant: Variant, data: VariantData) -> Variant:
    """Set a variant's fields from ``data`` and check them (errors name the field)."""
    _product_texts_check(variants=[data], prefix="")
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
    _product_texts_check(brand=brand, texts=texts, variants=variants)
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
    products_price_from_refresh(products=[product])


def products_price_from_refresh(*, products: list[Product]) -> None:
    """Store on each product what its listing card shows: the lowest active price,
    the number of active variants, and the cheapest variant's shipping weight and
    net content (for the estimated tax); then its prices in every market."""
    if not products:
        return
    ids = [p.pk for p in products]
    active = Variant.objects.filter(product_id__in=ids, is_active=True)
    figures = {
        row["product_id"]: row
        for row in active.values("product_id").annotate(
            low=Min("price_eur"), count=Count("pk")
        )
    }
    cheapest: dict[Any, dict[str, Any]] = {}
    for variant in active.order_by("product_id", "price_eur", "position").values(
        "product_id", "weight_grams", "net_content", "net_unit"
    ):
        cheapest.setdefault(variant["product_id"], dict(variant))
    for product in products:
        row = figures.get(product.pk, {"low": None, "count": 0})
        first = cheapest.get(product.pk, {})
        product.price_from_eur = row["low"]
        product.active_variant_count = row["count"]
        product.price_from_weight_grams = first.get("weight_grams", 0)
        product.price_from_net_content = first.get("net_content", 0)
        product.price_from_net_unit = first.get("net_unit", NetUnit.GRAM)
    Product.objects.bulk_update(
        products,
        ["price_from_eur", "active_variant_count", "price_from_weight_grams",
         "price_from_net_content", "price_from_net_unit"],
        batch_size=1000,
    )  # fmt: skip
    listing_prices_refresh(products=products)
    _changed(products)


def _changed(products: list[Product]) -> None:
    """Tell whoever follows the catalogue (search) that these listings changed."""
    event_record(ProductsChanged(product_ids=tuple(p.pk for p in products)))


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
    _changed([product])


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


def _change_for_decision(change: ListingChange) -> ListingChange:
    change = ListingChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ListingChange.Status.PENDING:
        raise ListingRuleBroken(_("This change was already decided."))
    return change


@transaction.atomic
def listing_change_approve(
    *, change: ListingChange, reviewer: User | None
) -> ListingChange:
    """Apply a change to a live listing, if the listing still meets the
    marketplace's rules with it (else nothing changes and it stays pending)."""
    change = _change_for_decision(change)
    product = Product.objects.select_for_update().get(pk=change.product_id)
    for name, value in change.fields.items():
        if name == "category":
            product.category = Category.objects.get(pk=value)
        else:
            setattr(product, name, value)
    product.full_clean(exclude=["slug", "merchant"])
    product.save()
    for language, values in change.texts.items():
        ProductTranslation.objects.update_or_create(
            product=product, language=language, defaults=values
        )
    for variant_id, (content, unit) in change.nets.items():
        product.variants.filter(pk=variant_id).update(
            net_content=content, net_unit=unit
        )
    problems = [
        problem
        for unit in set(product.variants.values_list("net_unit", flat=True))
        if (problem := net_unit_problem(hs_code=product.hs_code, net_unit=unit))
    ]
    problems += listing_problems(product=product) if product.is_live else []
    if problems:
        raise ListingRuleBroken(problems)  # the transaction rolls back
    product_price_from_refresh(product=product)
    change.status = ListingChange.Status.APPROVED
    change.reviewed_at, change.reviewed_by = timezone.now(), reviewer
    change.save(update_fields=["status", "reviewed_at", "reviewed_by", "updated_at"])
    return change


@transaction.atomic
def listing_change_reject(
    *, change: ListingChange, reviewer: User | None, reason: str
) -> ListingChange:
    """Refuse a change; the live listing stays as approved, the merchant sees why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the merchant a reason for rejection.")}
        )
    change = _change_for_decision(change)
    change.status = ListingChange.Status.REJECTED
    change.rejection_reason = reason
    change.reviewed_at, change.reviewed_by = timezone.now(), reviewer
    change.save()
    return change


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
    _changed([product])
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
    approved_net = (variant.net_content, variant.net_unit)
    _variant_fill(variant, data)
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
