"""Searching the catalogue: a buyer's query in any language, ranked, filtered, with
facets and counts; suggestions as the buyer types."""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar, cast
from uuid import UUID

from django.conf import settings
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from etalage.catalog.models import Category, Product
from etalage.catalog.selectors import products_with_card_data
from etalage.merchants.models import Merchant
from etalage.search.cards import StoredCard, cards_read
from etalage.search.engines import Criteria, Groups, NoIndex, SearchEngine
from etalage.search.glossary import also_means, glossary_read
from etalage.search.models import GlossaryEntry
from etalage.search.store import engine
from etalage.search.text import index_terms, is_latin, query_words, word_forms

PER_PAGE = 24
SORTS = ("relevance", "price_low", "price_high", "newest")
# A listing (a category's or a merchant's page) sorts by these too.
LISTING_SORTS = ("newest", "price_low", "price_high", "bestselling")
# Price ranges of the facet, in the buyer's currency (as the cards show prices).
PRICE_RANGES = {
    "CNY": [(0, 100), (100, 200), (200, 500), (500, 1000), (1000, None)],
    "EUR": [(0, 10), (10, 25), (25, 50), (50, 100), (100, None)],
}
_CACHE: dict[str, tuple[float, Any]] = {}
T = TypeVar("T")
Facet = dict[str, Any]


def _cached(key: str, seconds: float, make: Callable[[], T]) -> T:
    """Reference data of search (glossary, vocabulary, names) kept in this process
    for ``seconds`` (none when reference caching is off, as in tests)."""
    if not settings.ETALAGE_REFERENCE_CACHE_SECONDS:
        return make()
    now = time.monotonic()
    hit = _CACHE.get(key)
    if hit is None or now - hit[0] > seconds:
        hit = (now, make())
        _CACHE[key] = hit
    return cast(T, hit[1])


def _glossary() -> dict[str, set[str]]:
    return _cached(
        "glossary",
        30,
        lambda: glossary_read(GlossaryEntry.objects.values_list("terms", flat=True)),
    )


def _vocabulary(found: SearchEngine) -> list[str]:
    """The titles' words in the index (what a mistyped Latin word is corrected
    against), kept a minute."""
    return _cached("vocabulary", 60, found.vocabulary)


@dataclass(frozen=True)
class Query:
    """A buyer's query read: its words, what each may match, and the corrections
    made to words the catalogue does not have."""

    text: str
    words: list[str]
    groups: Groups
    corrections: dict[str, str]


def _close_terms(word: str, found: SearchEngine) -> list[str]:
    """The catalogue's terms a mistyped word may have meant, closest first. Latin
    words of four letters or more: within a fuzzy ratio of 80 of a title's word.
    Chinese words of two characters or more: the same length with one character
    other (啤洒 for 啤酒: a look-alike or a wrong pick in the input method), sharing
    its first one: the index's words that start with it."""
    if is_latin(word):
        if len(word) <= 3:
            return []
        close = process.extract(
            word, _vocabulary(found), scorer=fuzz.ratio, score_cutoff=80, limit=3
        )
        return [term for term, _score, _i in close]
    if len(word) < 2:
        return []
    return [
        term
        for term in found.words_starting(word[0])
        if len(term) == len(word)
        and Levenshtein.distance(term, word, score_cutoff=1) == 1
    ][:3]


def _known(forms: set[str], found: SearchEngine) -> bool:
    known = _cached("vocabulary-set", 60, lambda: set(_vocabulary(found)))
    return bool(forms & known)


def query_read(
    text: str, *, typing: bool = True, found: SearchEngine | None = None
) -> Query:
    """Read a query; with ``typing``, the last word may be unfinished (a prefix)."""
    found = found or engine()
    words = query_words(text)
    meanings = _glossary()
    has_words = bool(words) and bool(_vocabulary(found))
    groups: Groups = []
    corrections: dict[str, str] = {}
    for word in words:
        forms = set(word_forms(word))
        for extra in also_means(word, meanings):
            forms |= word_forms(extra)
        if has_words and not _known(forms, found):
            close = _close_terms(word, found)
            forms |= set(close)
            if close:
                corrections[word] = close[0]
        groups.append(forms)
    if typing and words and is_latin(words[-1]) and len(words[-1]) > 2:
        groups[-1] = groups[-1] | {words[-1] + "*"}
    return Query(text=text, words=words, groups=groups, corrections=corrections)


@dataclass
class Filters:
    category: Category | None = None  # with its subcategories
    merchant: Merchant | None = None
    origin: str = ""
    in_stock: bool = False
    min_stars: int = 0  # 4: only products whose reviews average 4 stars or more
    price_min: Decimal | None = None
    price_max: Decimal | None = None


@dataclass
class Results:
    query: Query
    products: list[Product]
    total: int
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    related_categories: list[Category] = field(default_factory=list)
    did_you_mean: str = ""
    # Asked for with ``cards``: the page's cards as the index stored them (then
    # ``products`` is empty: no row read).
    cards: list[StoredCard] = field(default_factory=list)


def _criteria(
    groups: Groups, filters: Filters, market_code: str, currency: str, **more: Any
) -> Criteria:
    ranges = PRICE_RANGES.get(currency, PRICE_RANGES["EUR"])
    return Criteria(
        groups=groups,
        market=market_code,
        categories=(filters.category.pk,) if filters.category is not None else (),
        merchant=filters.merchant.pk if filters.merchant is not None else None,
        origin=filters.origin,
        in_stock=filters.in_stock,
        min_stars=filters.min_stars,
        price_min=filters.price_min,
        price_max=filters.price_max,
        price_ranges=tuple(ranges),
        **more,
    )


def search_products(
    *,
    text: str,
    market_code: str,
    currency: str,
    filters: Filters | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = PER_PAGE,
    cards: bool = False,
) -> Results:
    """The products matching a buyer's query, ranked (a category the query names,
    then text relevance, then in stock, then featured in the pavilion, then sales)
    or sorted, one page of them, with facets; when nothing matches, related
    categories and a correction. With ``cards``, the page's cards as the index
    stored them instead of its products (the products when it has none)."""
    found = engine()
    query = query_read(text, found=found)
    filters = filters or Filters()
    if not query.groups:
        return Results(query=query, products=[], total=0)
    hits = found.search(
        _criteria(
            query.groups, filters, market_code, currency,
            named_categories=_named_categories(query),
            sort=sort if sort in SORTS else "relevance",
            offset=(max(page, 1) - 1) * per_page, limit=per_page,
        )
    )  # fmt: skip
    results = Results(query=query, products=[], total=hits.total)
    if cards and (hits.cards or not hits.ids):
        results.cards = cards_read(hits.ids, hits.cards)
    else:
        results.products = _products(hits.ids)
    if hits.total:
        results.facets = _facets(hits.facets, hits.price_bands, currency)
    else:
        related = found.categories_of(query.groups, 5)
        named = Category.objects.in_bulk(related)
        results.related_categories = [named[i] for i in related if i in named]
        results.did_you_mean = (
            " ".join(query.corrections.get(w, w) for w in query.words)
            if query.corrections
            else ""
        )
    return results


@dataclass(frozen=True)
class Listing:
    """One page of a listing, in order, and how many products the listing has:
    its products, or with ``cards`` their cards as the index stored them."""

    products: list[Product]
    total: int
    cards: list[StoredCard] = field(default_factory=list)


def products_listed(
    *,
    market_code: str,
    category_ids: list[Any] | None = None,
    merchant_id: Any = None,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    sort: str = "newest",
    offset: int = 0,
    limit: int = PER_PAGE,
    cards: bool = False,
) -> Listing | None:
    """A category's or a merchant's listing: a search with filters and no words,
    served by the index, so that its cost does not grow with the catalogue (prices
    bounded both ends included, as the listing's filter says). None when this node
    has no index yet (the caller lists from the database meanwhile)."""
    found = engine()
    if isinstance(found, NoIndex):
        return None
    hits = found.search(
        Criteria(
            groups=[],
            market=market_code,
            categories=tuple(category_ids or ()),
            merchant=merchant_id,
            price_min=price_min,
            price_max=price_max,
            price_max_inclusive=True,
            sort=sort if sort in LISTING_SORTS else "newest",
            offset=offset,
            limit=limit,
            facets=False,
        )
    )
    if cards and (hits.cards or not hits.ids):
        return Listing(
            products=[], total=hits.total, cards=cards_read(hits.ids, hits.cards)
        )
    return Listing(products=_products(hits.ids), total=hits.total)


def _facets(
    counted: dict[str, list[tuple[str, int]]], bands: list[int], currency: str
) -> dict[str, list[Facet]]:
    facets: dict[str, list[Facet]] = {
        name: [{"value": value, "count": count} for value, count in counted[name]]
        for name in ("category", "merchant", "origin")
    }
    ranges = PRICE_RANGES.get(currency, PRICE_RANGES["EUR"])
    facets["price"] = [
        {"value": r, "count": bands[i] if i < len(bands) else 0}
        for i, r in enumerate(ranges)
    ]
    facets["in_stock"] = [{"value": True, "count": counted["in_stock"][0][1]}]
    rated = counted.get("stars", [("4", 0)])
    facets["stars"] = [{"value": 4, "count": rated[0][1]}]
    _name_facets(facets)
    return facets


def _categories_named() -> list[tuple[set[str], Any, Any]]:
    """Each category with the terms of its names and its parent's id."""

    def make() -> list[tuple[set[str], Any, Any]]:
        return [
            (
                set(index_terms(*(t.name for t in c.translations.all()))),
                c.pk,
                c.parent_id,
            )
            for c in Category.objects.prefetch_related("translations")
        ]

    return _cached("categories", 60, make)


def _named_categories(query: Query) -> dict[Any, int]:
    """The categories the query names (2: their own products; 1: its children's),
    ranked before text relevance: "beer" puts the beers before the jenevers of
    "Beers and jenever"."""
    exact = [{t for t in g if not t.endswith("*")} for g in query.groups]
    named = {
        pk: parent
        for terms, pk, parent in _categories_named()
        if any(group & terms for group in exact)
    }
    level = {pk: 2 for pk in named}
    for _terms, pk, parent in _categories_named():
        if parent in named and pk not in level:
            level[pk] = 1
    return level


# What a product's card (the storefront's and the API's) reads of it and of its
# merchant: the page's rows read no more (a product's and a merchant's other
# columns, their dates above all, cost more to load than the card itself).
CARD_FIELDS = (
    "slug", "brand", "category_id", "merchant_id", "status", "tax_class",
    "price_from_eur", "active_variant_count", "price_from_weight_grams",
    "price_from_net_content", "price_from_net_unit", "merchant__slug",
    "merchant__name", "merchant__status",
)  # fmt: skip


def _products(ids: list[Any]) -> list[Product]:
    """The page's products with what their cards show (names, the first images,
    the merchant), in the engine's order."""
    wanted = [UUID(str(i)) if not isinstance(i, UUID) else i for i in ids]
    if not wanted:
        return []
    found = products_with_card_data(
        Product.objects.filter(pk__in=wanted).order_by().only(*CARD_FIELDS)
    )
    by_id = {p.pk: p for p in found}
    return [by_id[i] for i in wanted if i in by_id]


def _name_facets(facets: dict[str, list[Facet]]) -> None:
    """Each facet's category or merchant (kept a minute: reference data)."""
    categories = _cached("category-objects", 60, Category.objects.in_bulk)
    for f in facets.get("category", []):
        f["object"] = categories.get(UUID(str(f["value"])))
    merchants = _cached(
        "merchant-objects",
        60,
        lambda: Merchant.objects.filter(status=Merchant.Status.APPROVED).in_bulk(),
    )
    for f in facets.get("merchant", []):
        f["object"] = merchants.get(UUID(str(f["value"])))


@dataclass(frozen=True)
class Suggestions:
    products: list[Product]
    categories: list[Category]
    merchants: list[Merchant]
    cards: list[StoredCard] = field(default_factory=list)  # asked with ``cards``


@dataclass(frozen=True)
class _Names:
    """Categories and approved merchants, in order, and the terms of their names
    sorted with whose each is (a prefix finds its terms by bisection)."""

    owners: list[Any]
    terms: list[str]
    owner_of: list[int]

    def starting(self, prefixes: set[str]) -> list[Any]:
        """The owners with a name's term starting with one of ``prefixes``."""
        found: set[int] = set()
        for prefix in prefixes:
            at = bisect.bisect_left(self.terms, prefix)
            while at < len(self.terms) and self.terms[at].startswith(prefix):
                found.add(self.owner_of[at])
                at += 1
        return [self.owners[i] for i in sorted(found)]


def _named() -> _Names:
    def make() -> _Names:
        owners: list[Any] = []
        pairs: list[tuple[str, int]] = []
        for category in Category.objects.prefetch_related("translations"):
            names = [t.name for t in category.translations.all()]
            pairs += [(t, len(owners)) for t in set(index_terms(*names))]
            owners.append(category)
        for merchant in Merchant.objects.filter(status=Merchant.Status.APPROVED):
            pairs += [(t, len(owners)) for t in set(index_terms(merchant.name))]
            owners.append(merchant)
        pairs.sort()
        return _Names(owners, [t for t, _o in pairs], [o for _t, o in pairs])

    return _cached("named", 60, make)


def search_suggest(text: str, *, limit: int = 6, cards: bool = False) -> Suggestions:
    """What the buyer may be typing: products whose title words start so (the
    most popular first), and the categories and merchants named so. With
    ``cards``, the products' cards as the index stored them instead."""
    found = engine()
    query = query_read(text, found=found)
    if not query.groups:
        return Suggestions([], [], [])
    hits = found.suggest(query.groups, limit)
    stored = (
        cards_read(hits.ids, hits.cards)
        if cards and (hits.cards or not hits.ids)
        else []
    )
    products = [] if stored or (cards and not hits.ids) else _products(hits.ids)
    last = query.groups[-1]
    categories: list[Category] = []
    merchants: list[Merchant] = []
    for named in _named().starting({form.rstrip("*") for form in last}):
        (categories if isinstance(named, Category) else merchants).append(named)
    return Suggestions(products, categories[:4], merchants[:4], stored)
