"""Searching the catalogue: a buyer's query in any language, ranked, filtered, with
facets and counts; suggestions as the buyer types."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar, cast
from uuid import UUID

from django.conf import settings
from django.db import connection
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from etalage.catalog.models import Category, Product
from etalage.merchants.models import Merchant
from etalage.search.engines import Groups, Match, engine, materialized, run
from etalage.search.glossary import also_means, glossary_read
from etalage.search.models import GlossaryEntry, SearchTerm
from etalage.search.text import index_terms, is_latin, query_words, word_forms

PER_PAGE = 24
SORTS = ("relevance", "price_low", "price_high", "newest")
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


def _vocabulary() -> list[str]:
    return _cached(
        "vocabulary",
        60,
        lambda: list(SearchTerm.objects.values_list("term", flat=True)),
    )


@dataclass(frozen=True)
class Query:
    """A buyer's query read: its words, what each may match, and the corrections
    made to words the catalogue does not have."""

    text: str
    words: list[str]
    groups: Groups
    corrections: dict[str, str]


def _close_terms(word: str, vocabulary: list[str]) -> list[str]:
    """The catalogue's terms a mistyped word may have meant, closest first. Latin
    words of four letters or more: within a fuzzy ratio of 80. Chinese words of two
    characters or more: the same length with one character other (啤洒 for 啤酒: a
    look-alike or a wrong pick in the input method), sharing its first one."""
    if is_latin(word):
        if len(word) <= 3:
            return []
        close = process.extract(
            word, vocabulary, scorer=fuzz.ratio, score_cutoff=80, limit=3
        )
        return [term for term, _score, _i in close]
    if len(word) < 2:
        return []
    return [
        term
        for term in vocabulary
        if len(term) == len(word)
        and term[0] == word[0]
        and Levenshtein.distance(term, word, score_cutoff=1) == 1
    ][:3]


def query_read(text: str, *, typing: bool = True) -> Query:
    """Read a query; with ``typing``, the last word may be unfinished (a prefix)."""
    words = query_words(text)
    meanings = _glossary()
    vocabulary = _vocabulary()
    known = set(vocabulary)
    groups: Groups = []
    corrections: dict[str, str] = {}
    for word in words:
        forms = set(word_forms(word))
        for extra in also_means(word, meanings):
            forms |= word_forms(extra)
        if not forms & known and vocabulary:
            close = _close_terms(word, vocabulary)
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


def _filters_sql(filters: Filters, market_code: str) -> tuple[str, list[Any]]:
    sql, params = [], []
    if filters.category is not None:
        sql.append(
            "(d.category_id = %s OR d.category_id IN "
            "(SELECT id FROM catalog_category WHERE parent_id = %s))"
        )
        params += [_ids(filters.category.pk), _ids(filters.category.pk)]
    if filters.merchant is not None:
        sql.append("d.merchant_id = %s")
        params.append(_ids(filters.merchant.pk))
    if filters.origin:
        sql.append("d.origin_country = %s")
        params.append(filters.origin)
    if filters.in_stock:
        sql.append("d.in_stock")
    if filters.price_min is not None:
        sql.append("lp.amount >= %s")
        params.append(filters.price_min)
    if filters.price_max is not None:
        sql.append("lp.amount < %s")
        params.append(filters.price_max)
    return " AND ".join(sql), params


def _base(match: Match, filters: Filters, market_code: str) -> tuple[str, list[Any]]:
    """FROM … WHERE … of the matching, filtered documents, and its parameters."""
    where, params = _filters_sql(filters, market_code)
    sql = (
        f"FROM search_searchdocument d {match.joins} "
        "LEFT JOIN catalog_listingprice lp ON lp.product_id = d.product_id "
        "AND lp.market_code = %s "
        f"WHERE {match.condition}" + (f" AND {where}" if where else "")
    )
    return sql, [market_code, *match.condition_params, *params]


def _ids(value: Any) -> Any:
    # UUIDs as the database stores them (SQLite: 32 hex characters).
    return value if connection.vendor == "postgresql" else value.hex


ORDER = {
    "relevance": "boost DESC, score DESC, in_stock DESC, featured DESC, sales DESC, id",
    "price_low": "amount IS NULL, amount, id",
    "price_high": "amount IS NULL, amount DESC, id",
    "newest": "listed_at DESC, id",
}


def search_products(
    *,
    text: str,
    market_code: str,
    currency: str,
    filters: Filters | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Results:
    """The products matching a buyer's query, ranked (text relevance, then in stock,
    then featured in the pavilion, then sales) or sorted, one page of them, with
    facets; when nothing matches, related categories and a correction."""
    query = query_read(text)
    filters = filters or Filters()
    if not query.groups:
        return Results(query=query, products=[], total=0)
    match = engine().match(query.groups)
    base, params = _base(match, filters, market_code)
    boost, boost_params = _category_boost(query)
    ranges = PRICE_RANGES.get(currency, PRICE_RANGES["EUR"])
    # One pass over the matching documents (a materialized CTE) gives the page, the
    # total and every facet: the engine's match is evaluated once, not six times.
    facet_rows, facet_params = [], []
    for kind, column in (("category", "category_id"), ("merchant", "merchant_id"),
                         ("origin", "origin_country")):  # fmt: skip
        facet_rows.append(
            # (names from this module's own table, never from the query)
            f"SELECT '{kind}', CAST({column} AS TEXT), COUNT(*), 0 FROM m "  # noqa: S608
            f"GROUP BY {column}"
        )
    facet_rows.append("SELECT 'total', '', COUNT(*), 0 FROM m")
    facet_rows.append(
        "SELECT 'in_stock', '', COALESCE(SUM(CASE WHEN in_stock THEN 1 ELSE 0 END), 0)"
        ", 0 FROM m"
    )
    for i, (low, high) in enumerate(ranges):
        facet_rows.append(
            f"SELECT 'price', '{i}', COALESCE(SUM(CASE WHEN amount >= %s"  # noqa: S608
            + (" AND amount < %s" if high is not None else "")
            + " THEN 1 ELSE 0 END), 0), 0 FROM m"
        )
        facet_params += [low, high] if high is not None else [low]
    order = ORDER.get(sort, ORDER["relevance"])
    sql = (  # the fragments are the engine's and this module's; values are parameters
        f"WITH m AS {materialized()}(SELECT d.product_id, d.id, d.category_id, "  # noqa: S608
        "d.merchant_id, d.origin_country, d.in_stock, d.featured, d.sales, "
        f"d.listed_at, lp.amount, {match.score} AS score, {boost} AS boost {base}) "
        # The page: the first rows in order (a top-N sort of the matches), numbered.
        "SELECT * FROM (SELECT 'product', CAST(product_id AS TEXT), 0, "
        f"ROW_NUMBER() OVER (ORDER BY {order}) AS n FROM (SELECT * FROM m "
        f"ORDER BY {order} LIMIT %s OFFSET %s) page) page UNION ALL "
        + " UNION ALL ".join(facet_rows)
    )
    rows = run(match, sql, [
        *match.score_params, *boost_params, *params,
        per_page, (max(page, 1) - 1) * per_page, *facet_params,
    ])  # fmt: skip
    ranked = [value for kind, value, _c, _n in rows if kind == "product"]
    total = next((count for kind, _v, count, _n in rows if kind == "total"), 0)
    results = Results(query=query, products=_products(ranked), total=total)
    if total:
        results.facets = _facets_from(rows, ranges)
    else:
        results.related_categories = _related(query, market_code)
        results.did_you_mean = (
            " ".join(query.corrections.get(w, w) for w in query.words)
            if query.corrections
            else ""
        )
    return results


def _facets_from(
    rows: list[tuple[Any, ...]], ranges: list[tuple[int, int | None]]
) -> dict[str, list[Facet]]:
    facets: dict[str, list[Facet]] = {"category": [], "merchant": [], "origin": []}
    prices: dict[int, int] = {}
    stocked = 0
    for kind, value, count, _n in rows:
        if kind in facets:
            facets[kind].append({"value": value, "count": int(count)})
        elif kind == "price":
            prices[int(value)] = int(count)
        elif kind == "in_stock":
            stocked = int(count)
    for name in ("category", "merchant", "origin"):
        facets[name] = sorted(facets[name], key=lambda f: -f["count"])[:30]
    facets["price"] = [
        {"value": r, "count": prices.get(i, 0)} for i, r in enumerate(ranges)
    ]
    facets["in_stock"] = [{"value": True, "count": stocked}]
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


def _category_boost(query: Query) -> tuple[str, list[Any]]:
    """A SQL expression that ranks first the products of a category the query names
    (2: their own category; 1: its parent), before text relevance: "beer" puts the
    beers before the jenevers of "Beers and jenever"."""
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
    if not level:
        return "0", []
    cases = " ".join("WHEN %s THEN %s" for _ in level)
    params: list[Any] = []
    for pk, value in level.items():
        params += [_ids(pk), value]
    return f"CASE d.category_id {cases} ELSE 0 END", params


def _products(ids: list[Any]) -> list[Product]:
    wanted = [UUID(str(i)) if not isinstance(i, UUID) else i for i in ids]
    found = Product.objects.filter(pk__in=wanted).select_related("merchant")
    found = found.prefetch_related("translations", "images")
    by_id = {p.pk: p for p in found}
    return [by_id[i] for i in wanted if i in by_id]


def _name_facets(facets: dict[str, list[Facet]]) -> None:
    categories = Category.objects.in_bulk(
        [UUID(str(f["value"])) for f in facets.get("category", [])]
    )
    for f in facets.get("category", []):
        f["object"] = categories.get(UUID(str(f["value"])))
    merchants = Merchant.objects.in_bulk(
        [UUID(str(f["value"])) for f in facets.get("merchant", [])]
    )
    for f in facets.get("merchant", []):
        f["object"] = merchants.get(UUID(str(f["value"])))


def _related(query: Query, market_code: str) -> list[Category]:
    """The categories of products matching any one of the words (nothing matched
    all of them)."""
    merged: set[str] = set().union(*query.groups)
    match = engine().match([{t for t in merged if not t.endswith("*")}])
    base, params = _base(match, Filters(), market_code)
    rows = run(match, f"SELECT d.category_id, COUNT(*) {base} GROUP BY d.category_id "
                      "ORDER BY COUNT(*) DESC LIMIT 5", params)  # fmt: skip
    ids = [UUID(str(row[0])) for row in rows]
    found = Category.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True)
class Suggestions:
    products: list[Product]
    categories: list[Category]
    merchants: list[Merchant]


def _named() -> list[tuple[set[str], Any]]:
    """Categories and approved merchants with the terms of their names."""

    def make() -> list[tuple[set[str], Any]]:
        named: list[tuple[set[str], Any]] = []
        for category in Category.objects.prefetch_related("translations"):
            names = [t.name for t in category.translations.all()]
            named.append((set(index_terms(*names)), category))
        for merchant in Merchant.objects.filter(status=Merchant.Status.APPROVED):
            named.append((set(index_terms(merchant.name)), merchant))
        return named

    return _cached("named", 60, make)


def search_suggest(text: str, *, limit: int = 6) -> Suggestions:
    """What the buyer may be typing: products whose words start so, and the
    categories and merchants named so."""
    query = query_read(text)
    if not query.groups:
        return Suggestions([], [], [])
    products = _products(engine().suggest(query.groups, limit))
    last = query.groups[-1]
    categories: list[Category] = []
    merchants: list[Merchant] = []
    for terms, named in _named():
        if any(t.startswith(form) for t in terms for form in last):
            (categories if isinstance(named, Category) else merchants).append(named)
    return Suggestions(products, categories[:4], merchants[:4])
