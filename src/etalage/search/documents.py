"""What the index holds of a product: its terms (made by ``search.text``), what
filters, counts and ranks it, and what its card shows (so that a page of results
or a listing reads no row of the database), read from the catalogue in a few
queries per batch (values, not model instances: a rebuild reads a million
products)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any
from uuid import UUID

from babel import Locale
from django.db.models import Q, Sum

from etalage.catalog.models import (
    Category,
    CategoryTranslation,
    ListingPrice,
    PavilionEntry,
    Product,
    ProductImage,
    ProductTranslation,
    Variant,
)
from etalage.inventory.models import Stock
from etalage.merchants.models import Merchant
from etalage.money import Money
from etalage.orders import states
from etalage.orders.models import OrderLine
from etalage.reviews.models import ProductRating
from etalage.reviews.selectors import card_stats
from etalage.search.text import index_terms, is_vocabulary_word

LOCALES = ("zh_Hans", "fr", "nl", "en")


@cache
def country_names(code: str) -> str:
    """A country's name in the marketplace's four languages (BE: 比利时 Belgique
    België Belgium), so an origin is found in any of them."""
    return " ".join(Locale.parse(loc).territories.get(code, "") for loc in LOCALES)


@dataclass
class Document:
    """A visible product as the index sees it."""

    id: UUID
    title: list[str]  # names, brand, merchant, categories, SKUs, HS code
    body: list[str]  # descriptions, ingredients, origin
    category: UUID
    categories: list[UUID]  # its own and every ancestor
    merchant: UUID
    origin: str
    listed: int  # seconds since 1970: newest first
    in_stock: bool = False
    featured: bool = False
    sales: int = 0
    # The shown reviews' average in tenths of a star (0: no review) and their count
    # (``reviews.ProductRating``): a small ranking signal and the stars filter.
    stars_tenths: int = 0
    reviews: int = 0
    # Units sold in the last ``reviews.selectors.SOLD_DAYS`` days, as its card says
    # it (as of the last time its figures were taken: a day at most, see
    # ``search.handlers.sold_month_window_moved``).
    sold_month: int = 0
    # Market code: the price its cards show (``ListingPrice``, exact; the index
    # sorts and filters on a float copy, never shown).
    prices: dict[str, Money] = field(default_factory=dict)
    # What its card shows besides the price (``search.cards``): JSON-able.
    card: dict[str, Any] = field(default_factory=dict)

    @property
    def words(self) -> list[str]:
        """The title's words a mistyped query may have meant (no codes)."""
        return [t for t in self.title if _title_word(t)]


@lru_cache(maxsize=100_000)
def _title_word(term: str) -> bool:
    """A vocabulary word with no digit (codes are not corrected towards)."""
    return is_vocabulary_word(term) and not any(c.isdigit() for c in term)


@dataclass
class Categories:
    """Each category's parent and the terms of its names and its parent's (read once
    per batch: categories are few)."""

    parent: dict[UUID, UUID | None]
    terms: dict[UUID, list[str]]

    def lineage(self, category: UUID) -> list[UUID]:
        chain: list[UUID] = []
        node: UUID | None = category
        while node is not None and node not in chain:
            chain.append(node)
            node = self.parent.get(node)
        return chain


def categories_read() -> Categories:
    parent: dict[UUID, UUID | None] = dict(
        Category.objects.values_list("pk", "parent_id")
    )
    names: dict[UUID, list[str]] = defaultdict(list)
    for category, name in CategoryTranslation.objects.values_list(
        "category_id", "name"
    ):
        names[category].append(name)
    own = {pk: index_terms(*names[pk]) for pk in parent}
    terms = {}
    for pk, up in parent.items():
        # A product is found by its category's names and its parent's (so that a
        # suggestion finds beers from 啤酒 or "pij").
        terms[pk] = own[pk] + (own[up] if up is not None else [])
    return Categories(parent=parent, terms=terms)


def documents_read(
    product_ids: Iterable[UUID], categories: Categories | None = None
) -> list[Document]:
    """The documents of those of ``product_ids`` a buyer may see, as they are now;
    the others have none (the index takes them out)."""
    ids = list(product_ids)
    if not ids:
        return []
    categories = categories or categories_read()
    # Read by key, and which of them a buyer may see decided here: the rule of
    # ``visible_products`` (a live listing of an approved merchant) as a filter
    # in SQL makes SQLite walk every live product for each batch (0.5 s a batch
    # of 1,000 at 100,000 products) instead of looking up the batch's keys.
    rows = [
        row[:-2]
        for row in Product.objects.filter(pk__in=ids)
        .order_by()
        .values_list(
            "pk", "merchant_id", "merchant__name", "category_id", "brand",
            "hs_code", "origin_country", "reviewed_at", "created_at", "slug",
            "tax_class", "active_variant_count", "merchant__slug",
            "status", "merchant__status",
        )
        if row[-2] == Product.Status.LIVE and row[-1] == Merchant.Status.APPROVED
    ]  # fmt: skip
    found = [r[0] for r in rows]
    texts: dict[UUID, list[tuple[str, str, str]]] = defaultdict(list)
    names: dict[UUID, dict[str, str]] = defaultdict(dict)
    for pk, language, name, description, ingredients in (
        ProductTranslation.objects.filter(product_id__in=found)
        .order_by("product_id", "language")
        .values_list("product_id", "language", "name", "description", "ingredients")
    ):
        texts[pk].append((name, description, ingredients))
        names[pk][language] = name
    codes: dict[UUID, list[str]] = defaultdict(list)
    for pk, sku, gtin in Variant.objects.filter(product_id__in=found).values_list(
        "product_id", "sku", "gtin"
    ):
        codes[pk] += [sku, gtin] if gtin else [sku]
    figures = _figures(found)
    sold_month = sold_month_of(found)
    prices = _prices(found)
    featured = _featured(found, {r[1] for r in rows})
    images = _first_images(found)
    ratings = _ratings(found)
    documents = []
    for (
        pk,
        merchant,
        merchant_name,
        category,
        brand,
        hs,
        origin,
        reviewed,
        made,
        slug,
        tax_class,
        variants,
        merchant_slug,
    ) in rows:
        own = texts[pk]
        title = index_terms(*(t[0] for t in own), brand, merchant_name)
        title += categories.terms.get(category, [])
        title += index_terms(*codes[pk], hs)
        body = index_terms(
            *(t[1] for t in own), *(t[2] for t in own), country_names(origin)
        )
        in_stock, sales = figures.get(pk, (False, 0))
        documents.append(
            Document(
                id=pk,
                title=list(dict.fromkeys(title)),
                body=body,
                category=category,
                categories=categories.lineage(category),
                merchant=merchant,
                origin=origin,
                listed=int((reviewed or made).timestamp()),
                in_stock=in_stock,
                featured=pk in featured[0] or merchant in featured[1],
                sales=sales,
                stars_tenths=ratings.get(pk, (0, 0))[0],
                reviews=ratings.get(pk, (0, 0))[1],
                sold_month=sold_month.get(pk, 0),
                prices=prices.get(pk, {}),
                card={
                    "slug": slug,
                    "names": names[pk],
                    "merchant_slug": merchant_slug,
                    "merchant_name": merchant_name,
                    "image": images.get(pk),
                    "variants": variants,
                    "tax_class": tax_class,
                },
            )
        )
    return documents


def _first_images(ids: list[UUID]) -> dict[UUID, tuple[str, bool]]:
    """Each product's first image as its card shows it: the thumbnail's file
    name and whether it is a drawing."""
    first: dict[UUID, tuple[str, bool]] = {}
    for pk, thumbnail, drawn in (
        ProductImage.objects.filter(product_id__in=ids)
        .order_by("product_id", "position", "id")
        .values_list("product_id", "thumbnail", "is_illustration")
    ):
        first.setdefault(pk, (thumbnail, drawn))
    return first


def _ratings(ids: list[UUID]) -> dict[UUID, tuple[int, int]]:
    """Each reviewed product's average stars in tenths and its count of reviews."""
    return {
        pk: (int(average * 10), count)
        for pk, average, count in ProductRating.objects.filter(
            pk__in=ids, count__gt=0
        ).values_list("product_id", "average", "count")
        if average is not None  # (a counted tally always has one)
    }


def _figures(ids: list[UUID]) -> dict[UUID, tuple[bool, int]]:
    """What ranks a product after its text: in stock anywhere, units sold."""
    stocked = set(
        Stock.objects.filter(
            variant__product_id__in=ids, variant__is_active=True, on_hand__gt=0
        ).values_list("variant__product_id", flat=True)
    )
    sold = dict(
        OrderLine.objects.filter(variant__product_id__in=ids)
        .exclude(sub_order__state__in=[states.CANCELLED, states.REFUNDED])
        .values("variant__product_id")
        .annotate(units=Sum("quantity"))
        .values_list("variant__product_id", "units")
    )
    return {pk: (pk in stocked, int(sold.get(pk) or 0)) for pk in ids}


@dataclass(frozen=True)
class Figures:
    """What moves a product in the index and on its card without its text
    changing: stock, units sold, its reviews' stars, its sales this month."""

    in_stock: bool = False
    sales: int = 0
    stars_tenths: int = 0
    reviews: int = 0
    sold_month: int = 0


def figures_read(ids: list[UUID]) -> dict[UUID, Figures]:
    figures = _figures(ids)
    ratings = _ratings(ids)
    sold_month = sold_month_of(ids)
    return {
        pk: Figures(
            in_stock=figures[pk][0],
            sales=figures[pk][1],
            stars_tenths=ratings.get(pk, (0, 0))[0],
            reviews=ratings.get(pk, (0, 0))[1],
            sold_month=sold_month.get(pk, 0),
        )
        for pk in ids
    }


NO_FIGURES = Figures()


def sold_month_of(ids: list[UUID]) -> dict[UUID, int]:
    """Units each product sold in the last 30 days, by the reviews' rule (what
    ``reviews.selectors.card_stats`` tells a card)."""
    return {pk: stats.sold_month for pk, stats in card_stats(ids).items()}


def _prices(ids: list[UUID]) -> dict[UUID, dict[str, Money]]:
    """What each product's card shows in each market (the catalogue's
    ``ListingPrice``), exactly."""
    shown: dict[UUID, dict[str, Money]] = defaultdict(dict)
    for pk, market, amount, currency in ListingPrice.objects.filter(
        product_id__in=ids
    ).values_list("product_id", "market_code", "amount", "currency"):
        shown[pk][market] = Money(amount, currency)
    return shown


def prices_read(ids: list[UUID]) -> dict[UUID, dict[str, Money]]:
    return _prices(ids)


def _featured(ids: list[UUID], merchants: set[Any]) -> tuple[set[Any], set[Any]]:
    """The products and the merchants the pavilion features."""
    entries = set(
        PavilionEntry.objects.filter(is_active=True)
        .filter(Q(product_id__in=ids) | Q(merchant_id__in=merchants))
        .values_list("product_id", "merchant_id")
    )
    return {p for p, _m in entries if p}, {m for p, m in entries if not p}
