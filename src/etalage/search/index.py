"""Keeping the index: a document per visible product, written from the catalogue
(and its figures: stock, sales, the pavilion), removed when the product is no
longer visible. The engine's own full-text index follows the documents."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from uuid import UUID

from babel import Locale
from django.core.cache import caches
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from etalage.catalog.models import PavilionEntry, Product
from etalage.catalog.selectors import visible_products
from etalage.inventory.models import Stock
from etalage.orders import states
from etalage.orders.models import OrderLine
from etalage.search.engines import engine
from etalage.search.models import PendingIndex, SearchDocument, SearchTerm
from etalage.search.text import index_terms, is_vocabulary_word, joined

BATCH = 500
FIGURES_SLICE = 2000
LOCALES = ("zh_Hans", "fr", "nl", "en")


@cache
def country_names(code: str) -> str:
    """A country's name in the marketplace's four languages (BE: 比利时 Belgique
    België Belgium), so an origin is found in any of them."""
    return " ".join(Locale.parse(loc).territories.get(code, "") for loc in LOCALES)


def _documents(products: list[Product]) -> list[SearchDocument]:
    ids = [p.pk for p in products]
    merchant_ids = {p.merchant_id for p in products}
    featured = set(
        PavilionEntry.objects.filter(is_active=True)
        .filter(Q(product_id__in=ids) | Q(merchant_id__in=merchant_ids))
        .values_list("product_id", "merchant_id")
    )
    featured_products = {p for p, _m in featured if p}
    featured_merchants = {m for p, m in featured if not p}
    documents = []
    for product in products:
        names = [t.name for t in product.translations.all()]
        category = product.category
        categories = [t.name for t in category.translations.all()]
        if category.parent is not None:
            categories += [t.name for t in category.parent.translations.all()]
        codes = [v.sku for v in product.variants.all()] + [
            v.gtin for v in product.variants.all() if v.gtin
        ]
        # The title: what names the product (and its category, so that a
        # suggestion finds beers from 啤酒 or "pij"); the body: what describes it.
        title = index_terms(
            *names, product.brand, product.merchant.name, *categories, *codes,
            product.hs_code,
        )  # fmt: skip
        body = index_terms(
            *(t.description for t in product.translations.all()),
            *(t.ingredients for t in product.translations.all()),
            country_names(product.origin_country),
        )
        documents.append(
            SearchDocument(
                product=product,
                title=joined(title),
                body=joined(body),
                category_id=product.category_id,
                merchant_id=product.merchant_id,
                origin_country=product.origin_country,
                featured=product.pk in featured_products
                or product.merchant_id in featured_merchants,
                listed_at=product.reviewed_at or product.created_at,
            )
        )
    return documents


def _loaded(queryset: QuerySet[Product]) -> list[Product]:
    return list(
        queryset.select_related("merchant", "category__parent").prefetch_related(
            "translations",
            "category__translations",
            "category__parent__translations",
            "variants",
        )
    )


@transaction.atomic
def products_index(product_ids: Iterable[UUID]) -> int:
    """Write (or remove) the documents of these products, as they are now: visible
    ones indexed, the others gone. Returns how many are indexed."""
    ids = list(product_ids)
    products = _loaded(visible_products().filter(pk__in=ids))
    SearchDocument.objects.filter(product_id__in=ids).exclude(
        product_id__in=[p.pk for p in products]
    ).delete()
    documents = _documents(products)
    _write(documents)
    figures_refresh(
        SearchDocument.objects.filter(product_id__in=[p.pk for p in products])
    )
    return len(documents)


def pending_mark(product_ids: Iterable[UUID]) -> None:
    """Mark products to index again (in the caller's transaction); a product
    marked already is marked anew, so a change made while it was being indexed
    is not lost."""
    now = timezone.now()
    PendingIndex.objects.bulk_create(
        [PendingIndex(product_id=i, since=now) for i in sorted(set(product_ids))],
        update_conflicts=True,
        unique_fields=["product_id"],
        update_fields=["since"],
    )


def pending_indexed(product_ids: list[UUID]) -> int:
    """Index these products, in batches, and take away their marks; returns how
    many are indexed. A mark is only ever made after its change committed, and
    the marks are locked while their products are read: a product marked again
    meanwhile waits, then keeps its new mark for its own task."""
    done = 0
    for s in range(0, len(product_ids), BATCH):
        ids = product_ids[s : s + BATCH]
        with transaction.atomic():
            marks = (  # locked in the order pending_mark locks them
                PendingIndex.objects.select_for_update()
                .filter(product_id__in=ids)
                .order_by("product_id")
            )
            marked = list(marks.values_list("product_id", flat=True))
            done += products_index(ids)
            PendingIndex.objects.filter(product_id__in=marked).delete()
    return done


PENDING_LATE = timedelta(minutes=1)


def pending_late_indexed(*, now: datetime | None = None) -> int:
    """Index the products marked more than a minute ago (their task lost, or it
    failed), 2,000 a round, oldest first. The clock's chore."""
    now = now or timezone.now()
    late = PendingIndex.objects.filter(since__lt=now - PENDING_LATE).order_by("since")
    return pending_indexed(list(late.values_list("product_id", flat=True)[:2000]))


def _write(documents: list[SearchDocument]) -> None:
    if not documents:
        return
    SearchDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["product"],
        update_fields=[
            "title",
            "body",
            "category",
            "merchant",
            "origin_country",
            "featured",
            "listed_at",
        ],
    )
    terms = {t for d in documents for t in d.title.split() if is_vocabulary_word(t)}
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=t[:64]) for t in terms], ignore_conflicts=True
    )


def search_reindex(*, progress: Callable[[int, int], Any] | None = None) -> int:
    """Rebuild the whole index from the catalogue; ``progress(done, total)`` is told
    after each batch. Returns how many products are indexed."""
    ids = list(visible_products().order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        SearchDocument.objects.exclude(product_id__in=ids).delete()
    done = 0
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            products = _loaded(
                Product.objects.filter(pk__in=ids[start : start + BATCH])
            )
            _write(_documents(products))
        done += len(products)
        if progress:
            progress(done, len(ids))
    figures_refresh(SearchDocument.objects.all())
    engine().optimize()
    return done


def figures_refresh(documents: QuerySet[SearchDocument]) -> int:
    """Set what ranks a document after its text: in stock anywhere, units sold.
    Written a slice at a time by the database itself (one statement that finds the
    documents whose figures changed, one that rewrites only those), so that no
    write holds the database for long and nothing comes back to Python but ids."""
    in_stock = Exists(
        Stock.objects.filter(
            variant__product_id=OuterRef("product_id"),
            variant__is_active=True,
            on_hand__gt=0,
        )
    )
    sold = Coalesce(
        Subquery(
            OrderLine.objects.filter(variant__product_id=OuterRef("product_id"))
            .exclude(sub_order__state__in=[states.CANCELLED, states.REFUNDED])
            .values("variant__product_id")
            .annotate(units=Sum("quantity"))
            .values("units")
        ),
        0,
    )
    ids = list(documents.order_by("id").values_list("id", flat=True))
    changed_count = 0
    for start in range(0, len(ids), FIGURES_SLICE):
        part = SearchDocument.objects.filter(id__in=ids[start : start + FIGURES_SLICE])
        changed = list(
            part.annotate(stocked=in_stock, units=sold)
            .exclude(Q(in_stock=F("stocked")) & Q(sales=F("units")))
            .values_list("id", flat=True)
        )
        if changed:
            with transaction.atomic():
                SearchDocument.objects.filter(id__in=changed).update(
                    in_stock=in_stock, sales=sold
                )
        changed_count += len(changed)
    return changed_count


def search_figures_refresh() -> int:
    """Stock and sales move all day; the clock refreshes them every five minutes
    (a chore)."""
    if not caches["default"].add("etalage:search-figures", 1, 300):
        return 0
    return figures_refresh(SearchDocument.objects.all())
