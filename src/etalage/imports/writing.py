"""Write a checked import in one transaction: create, update, or leave alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, BinaryIO
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django_tasks import task

from etalage.catalog.changes import (
    REVIEWED_FIELDS,
    listing_change_propose,
    reviewed_texts,
)
from etalage.catalog.images import ProcessedImage, process_image
from etalage.catalog.listing_prices import products_price_from_refresh
from etalage.catalog.models import (
    Product,
    ProductImportRun,
    ProductTranslation,
    Variant,
)
from etalage.catalog.services import product_image_attach
from etalage.core.ids import new_id
from etalage.imports.checking import check_rows
from etalage.imports.format import (
    TEXT_FIELDS,
    ImportProblem,
    ImportRefused,
    ImportSummary,
    ProductDraft,
    Progress,
    Table,
)
from etalage.imports.reading import read_table
from etalage.inventory.services import merchant_warehouse, stock_count
from etalage.merchants.models import Merchant
from etalage.merchants.permissions import MerchantMayNotWrite, merchant_write_check

# Products written at a time, in the import's one transaction: the rows and model
# objects of a batch are let go before the next (a file may hold 50,000 rows).
WRITE_BATCH = 500


def product_import(
    *,
    merchant: Merchant,
    file_name: str,
    data: bytes | BinaryIO,
    images: bool = True,
    submit_for_review: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Check the whole file, then import it in one transaction (ImportRefused).

    New products are drafts, or in review when ``submit_for_review``; products that
    exist keep their listing status.
    """
    table = read_table(file_name, data)
    drafts = check_rows(table, merchant, progress)
    processed = _process_images(drafts, table) if images else {}
    if progress is not None:
        progress("writing", 90)
    summary = ImportSummary()
    with transaction.atomic():  # all or nothing, written a batch of products at a time
        _may_write(merchant)
        for start in range(0, len(drafts), WRITE_BATCH):
            part = _write(merchant, drafts[start : start + WRITE_BATCH], processed,
                          submit_for_review)  # fmt: skip
            for name, value in vars(part).items():
                setattr(summary, name, getattr(summary, name) + value)
    return summary


def _may_write(merchant: Merchant) -> None:
    """Refuse the import unless the merchant may write now: an import queued
    before a suspension is refused when it runs."""
    try:
        merchant_write_check(merchant=merchant)
    except MerchantMayNotWrite as refused:
        problem = ImportProblem(row=0, column="", message=str(refused))
        raise ImportRefused([problem]) from None


def _process_images(
    drafts: list[ProductDraft], table: Table
) -> dict[str, ProcessedImage]:
    problems, processed = [], {}
    for draft in drafts:
        for variant in draft.variants:
            for name in variant.images:
                if name in processed:
                    continue
                try:
                    processed[name] = process_image(
                        table.images[name], new_id().hex[:12]
                    )
                except ValidationError as error:
                    problems.append(
                        ImportProblem(
                            variant.row, "image", f"{name}: {error.messages[0]}"
                        )
                    )
    if problems:
        raise ImportRefused(problems)
    return processed


@dataclass
class _HeldForReview:
    product: Product
    fields: dict[str, Any] = field(default_factory=dict)
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    nets: dict[UUID, tuple[int, str]] = field(default_factory=dict)


def _hold_for_review(product: Product, draft: ProductDraft) -> _HeldForReview:
    """Take out of ``draft`` what would change a live listing's reviewed fields,
    leaving the approved values in it; the rest of the draft is written at once."""
    held = _HeldForReview(product)
    wanted = {
        "category": draft.category.pk,
        "hs_code": draft.hs_code,
        "origin_country": draft.origin_country,
        "tax_class": draft.tax_class,
    }
    held.fields = {k: v for k, v in wanted.items() if k in REVIEWED_FIELDS}  # fmt: skip
    draft.category = product.category
    draft.hs_code, draft.origin_country = product.hs_code, product.origin_country
    draft.tax_class = product.tax_class
    direct, held.texts = reviewed_texts(product, draft.texts)
    names = {t.language: t.name for t in product.translations.all()}
    draft.texts = {lang: {**text, "name": names[lang]} for lang, text in direct.items()}
    variants = {v.sku: v for v in product.variants.all()}
    for variant_draft in draft.variants:
        variant = variants.get(variant_draft.sku)
        if variant is not None:
            held.nets[variant.pk] = (variant_draft.net_content, variant_draft.net_unit)
            variant_draft.net_content = variant.net_content
            variant_draft.net_unit = variant.net_unit
    return held


def _write(
    merchant: Merchant,
    drafts: list[ProductDraft],
    processed: dict[str, ProcessedImage],
    submit_for_review: bool = False,
) -> ImportSummary:
    summary = ImportSummary()
    existing = {
        product.merchant_ref: product
        for product in Product.objects.select_for_update(of=("self",))
        .select_related("category")
        .filter(merchant=merchant, merchant_ref__in=[d.ref for d in drafts])
        .prefetch_related("translations", "variants", "images")
    }
    new_products, changed_products = [], []
    new_texts, changed_texts = [], []
    new_variants, changed_variants = [], []
    touched = []
    held = [
        _hold_for_review(existing[draft.ref], draft)
        for draft in drafts
        if draft.ref in existing and existing[draft.ref].is_live
    ]
    for draft in drafts:
        product = existing.get(draft.ref)
        values = {
            "category_id": draft.category.pk,
            "brand": draft.brand,
            "hs_code": draft.hs_code,
            "origin_country": draft.origin_country,
            "tax_class": draft.tax_class,
        }
        if product is None:
            name = draft.texts.get("en", {}).get("name") or next(
                text["name"] for text in draft.texts.values() if text.get("name")
            )
            product = Product(
                merchant=merchant,
                merchant_ref=draft.ref,
                status=Product.Status.IN_REVIEW
                if submit_for_review
                else Product.Status.DRAFT,
                submitted_at=timezone.now() if submit_for_review else None,
                slug=f"{slugify(name)[:120] or 'product'}-{new_id().hex[-6:]}",
                **values,
            )
            new_products.append(product)
            summary.products_created += 1
            translations, variants_by_sku = {}, {}
        else:
            product_changed = any(getattr(product, k) != v for k, v in values.items())
            if product_changed:
                for key, value in values.items():
                    setattr(product, key, value)
                changed_products.append(product)
            translations = {t.language: t for t in product.translations.all()}
            variants_by_sku = {v.sku: v for v in product.variants.all()}
        product_touched = product.pk in {p.pk for p in changed_products}
        for language, text in draft.texts.items():
            current = translations.get(language)
            if current is None:
                new_texts.append(
                    ProductTranslation(product=product, language=language, **text)
                )
                product_touched = True
            elif any(getattr(current, k) != v for k, v in text.items()):
                for key, value in text.items():
                    setattr(current, key, value)
                changed_texts.append(current)
                product_touched = True
        for position, variant_draft in enumerate(draft.variants):
            variant_values = {
                "gtin": variant_draft.gtin,
                "price_eur": variant_draft.price_eur,
                "weight_grams": variant_draft.weight_grams,
                "net_content": variant_draft.net_content,
                "net_unit": variant_draft.net_unit,
                "attributes": variant_draft.attributes,
            }
            variant = variants_by_sku.get(variant_draft.sku)
            if variant is None:
                new_variants.append(
                    Variant(
                        product=product,
                        merchant=merchant,
                        sku=variant_draft.sku,
                        position=position,
                        **variant_values,
                    )
                )
                summary.variants_created += 1
                product_touched = True
            elif any(getattr(variant, k) != v for k, v in variant_values.items()):
                for key, value in variant_values.items():
                    setattr(variant, key, value)
                changed_variants.append(variant)
                summary.variants_updated += 1
                product_touched = True
            else:
                summary.variants_unchanged += 1
        if product in new_products:
            touched.append(product)
        elif product_touched:
            summary.products_updated += 1
            touched.append(product)
        else:
            summary.products_unchanged += 1

    Product.objects.bulk_create(new_products, batch_size=1000)
    Product.objects.bulk_update(
        changed_products,
        [
            "category_id",
            "brand",
            "hs_code",
            "origin_country",
            "tax_class",
        ],
        batch_size=1000,
    )
    ProductTranslation.objects.bulk_create(new_texts, batch_size=2000)
    ProductTranslation.objects.bulk_update(
        changed_texts, list(TEXT_FIELDS), batch_size=2000
    )
    Variant.objects.bulk_create(new_variants, batch_size=2000)
    Variant.objects.bulk_update(
        changed_variants,
        ["gtin", "price_eur", "weight_grams", "net_content", "net_unit", "attributes"],
        batch_size=2000,
    )
    for change in held:
        proposed = listing_change_propose(
            product=change.product,
            fields=change.fields,
            texts=change.texts,
            nets=change.nets,
        )
        summary.changes_in_review += proposed is not None
    products_price_from_refresh(products=touched)
    _count_stock(merchant, drafts)
    summary.images_added = _attach_images(drafts, existing, new_products, processed)
    return summary


def _count_stock(merchant: Merchant, drafts: list[ProductDraft]) -> None:
    """Record the file's stock column as counts in the merchant's own warehouse."""
    counts = {v.sku: v.stock for d in drafts for v in d.variants if v.stock is not None}
    if not counts:
        return
    warehouse = merchant_warehouse(merchant=merchant)
    for variant in Variant.objects.filter(merchant=merchant, sku__in=list(counts)):
        stock_count(
            warehouse=warehouse,
            variant=variant,
            on_hand=counts[variant.sku],
            note="count by import",
        )


def _attach_images(
    drafts: list[ProductDraft],
    existing: dict[str, Product],
    new_products: list[Product],
    processed: dict[str, ProcessedImage],
) -> int:
    by_ref = {p.merchant_ref: p for p in [*existing.values(), *new_products]}
    added = 0
    for draft in drafts:
        product = by_ref[draft.ref]
        have = (
            {image.source_name for image in product.images.all()}
            if draft.ref in existing
            else set()
        )
        names = [n for v in draft.variants for n in v.images]
        for position, name in enumerate(dict.fromkeys(names), start=len(have)):
            if name in have or name not in processed:
                continue
            product_image_attach(
                product=product,
                processed=processed[name],
                source_name=name,
                position=position,
            )
            added += 1
    return added


def product_import_run(
    *,
    merchant: Merchant,
    user: User | None,
    file_name: str,
    data: bytes,
    submit_for_review: bool = False,
) -> ProductImportRun:
    """Import a file now and record the attempt, imported or refused."""
    run = ProductImportRun.objects.create(
        merchant=merchant,
        file_name=file_name,
        status=ProductImportRun.Status.CHECKING,
        submit_for_review=submit_for_review,
        created_by=user,
    )
    return _run_import(run, data)


def product_import_enqueue(
    *,
    merchant: Merchant,
    user: User | None,
    file_name: str,
    data: bytes,
    submit_for_review: bool = False,
) -> ProductImportRun:
    """Keep the file and import it in the background; the run shows its progress."""
    with transaction.atomic():
        run = ProductImportRun(
            merchant=merchant,
            file_name=file_name,
            status=ProductImportRun.Status.QUEUED,
            submit_for_review=submit_for_review,
            created_by=user,
        )
        run.upload.save(file_name, ContentFile(data), save=False)
        run.save()
        transaction.on_commit(lambda: catalogue_file_import.enqueue(str(run.pk)))
    return run


def product_import_run_queued(*, run_id: str) -> ProductImportRun:
    """Carry out a queued import (the background task's body)."""
    run = ProductImportRun.objects.get(pk=run_id)
    if run.status != ProductImportRun.Status.QUEUED:
        return run  # already done: a task may run twice
    # The file is read where it lies, not loaded whole: a ZIP's pictures one by one.
    # Its problems are written in the merchant's language, as on the portal's page
    # (the worker has no request to take a language from).
    with run.upload.open("rb") as upload, translation.override(run.merchant.language):
        return _run_import(run, upload)


def _run_import(run: ProductImportRun, data: bytes | BinaryIO) -> ProductImportRun:
    def progress(status: str, percent: int) -> None:
        ProductImportRun.objects.filter(pk=run.pk).update(
            status=status, progress=percent
        )

    try:
        summary = product_import(
            merchant=run.merchant,
            file_name=run.file_name,
            data=data,
            submit_for_review=run.submit_for_review,
            progress=progress,
        )
    except ImportRefused as refused:
        run.status = ProductImportRun.Status.REFUSED
        run.errors = [vars(p) for p in refused.problems]
    except Exception:
        run.status = ProductImportRun.Status.FAILED
        run.save(update_fields=["status", "updated_at"])
        raise
    else:
        run.status = ProductImportRun.Status.IMPORTED
        run.summary = vars(summary)
        run.rows = sum(
            (
                summary.variants_created,
                summary.variants_updated,
                summary.variants_unchanged,
            )
        )
    run.progress = 100
    if run.upload:
        run.upload.delete(save=False)  # the merchant's file is not kept once imported
    run.save()
    return run


@task()
def catalogue_file_import(run_id: str) -> str:
    """Import a catalogue file that a merchant uploaded (a queued import run)."""
    return product_import_run_queued(run_id=run_id).status
