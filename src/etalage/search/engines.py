"""The search engine: an embedded tantivy index over the terms ``search.text``
makes, behind one interface (``SearchEngine``).

The text is never analysed by tantivy: a document's title and body arrive as the
terms Étalage made (jieba's words, pinyin, stems, codes), joined by spaces into
fields tokenized on whitespace, and a query as the same terms, so ranking and
relevance stay Étalage's. Tantivy does what a database could not do in time at a
million products: walk posting lists to the top k by BM25 (the title weighing ten
times the body), count facets and price bands from columns, sort by a column.

Relevance order, as one score: a category the query names (its own products, then
its parent's), then BM25, then small bonuses that only part near-equal texts (in
stock, then featured in the pavilion, then units sold and buyers' stars).

A listing (a category's or a merchant's page) is a search with filters and no
words. Past one machine each node has its own index (``search.store``); an engine
with a server (OpenSearch, Meilisearch) would be another class here, fed by the
same documents.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

import tantivy

from etalage.money import Money
from etalage.search.documents import Document

# Each group: the forms one query word may take; a form ending in "*" is a prefix
# (the word the buyer is still typing).
Groups = list[set[str]]

TITLE_WEIGHT = 10.0
PREFIX_TERMS = 30  # the commonest terms a prefix stands for
# A category the query names puts its products first, its parent's next: far above
# any BM25 score of a query of twelve words, within a float's precision.
NAMED_CATEGORY = (0.0, 5000.0, 10000.0)
IN_STOCK_BONUS = 0.05
FEATURED_BONUS = 0.025
SALES_TIER_BONUS = 0.003  # per tier: log2 of units sold, 0 to 7
SALES_TIERS = 7
STARS_TIER_BONUS = 0.002  # per whole star above two of the reviews' average
FACET_SIZE = 30
# What an index folder's ``etalage.json`` says of its schema: an index of an older
# version is rebuilt by the follower (version 2: each product's card stored; 3:
# its reviews' stars; 4: the card's stars and units sold this month).
INDEX_VERSION = 4


def _count(result: Any) -> int:
    """How many documents a search matched (the bindings' stubs omit it)."""
    return int(result.count)


def sales_tier(sales: int) -> int:
    return min(SALES_TIERS, int(math.log2(1 + max(sales, 0))))


def popularity(document: Document) -> float:
    """What orders suggestions: in stock first, then featured, then units sold."""
    return (
        (2_000_000_000.0 if document.in_stock else 0.0)
        + (1_000_000_000.0 if document.featured else 0.0)
        + min(document.sales, 999_999_999)
    )


def schema_build(markets: list[str]) -> tantivy.Schema:
    """The index's fields; a float column per market's shown price."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in ("title", "body"):  # stored: a figure's change rewrites it as is
        builder.add_text_field(
            name, stored=True, tokenizer_name="whitespace", index_option="freq"
        )
    builder.add_text_field("words", tokenizer_name="whitespace", index_option="basic")
    for name in ("category", "merchant", "origin"):
        builder.add_text_field(name, stored=True, tokenizer_name="raw", fast=True)
    builder.add_text_field("categories", stored=True, tokenizer_name="raw", fast=True)
    for name in ("in_stock", "featured"):
        builder.add_boolean_field(name, stored=True, indexed=True, fast=True)
    builder.add_integer_field("sales", stored=True, indexed=True, fast=True)
    builder.add_integer_field("sales_tier", indexed=True)
    builder.add_integer_field("listed", stored=True, fast=True)
    builder.add_integer_field("stars_tenths", stored=True, indexed=True, fast=True)
    builder.add_integer_field("stars_tier", indexed=True)
    builder.add_integer_field("reviews", stored=True)
    builder.add_float_field("popularity", fast=True)
    # What the product's card shows, its prices exact (JSON; stored, not indexed).
    builder.add_bytes_field("card", stored=True)
    for market in markets:
        builder.add_float_field(
            price_field(market), stored=True, indexed=True, fast=True
        )
    return builder.build()


def price_field(market: str) -> str:
    return "price_" + "".join(c for c in market.upper() if c.isalnum())


def tantivy_document(document: Document, markets: list[str]) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("id", document.id.hex)
    doc.add_text("title", " ".join(document.title))
    doc.add_text("body", " ".join(document.body))
    doc.add_text("words", " ".join(document.words))
    doc.add_text("category", document.category.hex)
    for category in document.categories:
        doc.add_text("categories", category.hex)
    doc.add_text("merchant", document.merchant.hex)
    doc.add_text("origin", document.origin)
    doc.add_boolean("in_stock", document.in_stock)
    doc.add_boolean("featured", document.featured)
    doc.add_integer("sales", document.sales)
    doc.add_integer("sales_tier", sales_tier(document.sales))
    doc.add_integer("listed", document.listed)
    doc.add_integer("stars_tenths", document.stars_tenths)
    doc.add_integer("stars_tier", document.stars_tenths // 10)
    doc.add_integer("reviews", document.reviews)
    doc.add_float("popularity", popularity(document))
    prices = {m: [str(p.amount), p.currency] for m, p in document.prices.items()}
    # The card's stars (tenths, count) and units sold this month.
    stats = [document.stars_tenths, document.reviews, document.sold_month]
    card = {**document.card, "prices": prices, "stats": stats}
    doc.add_bytes("card", json.dumps(card).encode())
    for market in markets:
        price = document.prices.get(market)
        if price is not None:  # the column sorts and filters; cards show the card's
            doc.add_float(price_field(market), float(price.amount))
    return doc


def document_from_stored(stored: dict[str, list[Any]]) -> Document:
    """A document as the index stored it (its figures and prices to be set anew)."""

    def one(name: str) -> Any:
        return stored[name][0]

    card = json.loads(one("card"))
    prices = card.pop("prices")
    sold_month = card.pop("stats", [0, 0, 0])[2]
    return Document(
        id=UUID(one("id")),
        title=one("title").split(),
        body=one("body").split(),
        category=UUID(one("category")),
        categories=[UUID(c) for c in stored.get("categories", [])],
        merchant=UUID(one("merchant")),
        origin=one("origin"),
        listed=int(one("listed")),
        in_stock=bool(one("in_stock")),
        featured=bool(one("featured")),
        sales=int(one("sales")),
        stars_tenths=int(stored.get("stars_tenths", [0])[0]),
        reviews=int(stored.get("reviews", [0])[0]),
        sold_month=int(sold_month),
        prices={m: Money(Decimal(a), c) for m, (a, c) in prices.items()},
        card=card,
    )


def _bands(
    buckets: list[dict[str, Any]], ranges: tuple[tuple[int, int | None], ...]
) -> list[int]:
    """Each asked price range's count, found by its lower bound: tantivy adds
    buckets of its own (below the first range, "*-0"), so a position is not one."""
    counts = {b["from"]: int(b["doc_count"]) for b in buckets if "from" in b}
    return [counts.get(float(low), 0) for low, _ in ranges]


@dataclass(frozen=True)
class Criteria:
    """What a search asks: the query's groups (none: a listing), filters, an order
    and a page, and whether to count facets."""

    groups: Groups
    market: str
    categories: tuple[UUID, ...] = ()  # any of these (each with its descendants)
    merchant: UUID | None = None
    origin: str = ""
    in_stock: bool = False
    min_stars: int = 0  # the reviews' average at least this (4: "4 stars and up")
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    price_max_inclusive: bool = False
    named_categories: dict[UUID, int] = field(default_factory=dict)  # id: 1 or 2
    sort: str = "relevance"  # relevance, price_low, price_high, newest, bestselling
    offset: int = 0
    limit: int = 24
    facets: bool = True
    price_ranges: tuple[tuple[int, int | None], ...] = ()


@dataclass
class Hits:
    ids: list[UUID]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    price_bands: list[int] = field(default_factory=list)
    # What the index stored of each one's card, in the same order (``search.cards``).
    cards: list[dict[str, Any]] = field(default_factory=list)


class SearchEngine(Protocol):
    name: str

    def search(self, criteria: Criteria) -> Hits: ...

    def suggest(self, groups: Groups, limit: int) -> Hits: ...

    def categories_of(self, groups: Groups, limit: int) -> list[UUID]: ...

    def vocabulary(self) -> list[str]: ...

    def words_starting(self, prefix: str) -> list[str]: ...


class TantivyEngine:
    """Queries over one opened index (a searcher of its latest reload)."""

    name = "tantivy"

    def __init__(self, index: tantivy.Index, markets: list[str]) -> None:
        self.index = index
        self.schema = index.schema
        self.markets = markets
        self.searcher = index.searcher()

    # --- the query ---------------------------------------------------------------

    def _term(self, name: str, value: Any) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, name, value)

    def _forms(self, form: str) -> list[tuple[str, str]]:
        """(field, term) for one form in the title and the body; a prefix stands for
        the commonest terms that start so."""
        found: list[tuple[str, str]] = []
        for name in ("title", "body"):
            if form.endswith("*"):
                stem = form[:-1]
                if stem:
                    found += [
                        (name, term)
                        for term, _count in self.searcher.terms_with_prefix(
                            name, stem, limit=PREFIX_TERMS
                        )
                    ]
            else:
                found.append((name, form))
        return found

    def _text(self, groups: Groups, fields: tuple[str, ...] = ("title", "body")) -> Any:
        """Every group matched (one of its forms in the title or the body), scored
        by BM25, the title weighing ``TITLE_WEIGHT`` times the body."""
        musts = []
        for group in groups:
            shoulds = []
            for form in sorted(group):
                for name, term in self._forms(form):
                    if name not in fields:
                        continue
                    query = self._term(name, term)
                    if name == "title":
                        query = tantivy.Query.boost_query(query, TITLE_WEIGHT)
                    shoulds.append((tantivy.Occur.Should, query))
            if not shoulds:
                return None  # a word nothing has: nothing matches
            musts.append((tantivy.Occur.Must, tantivy.Query.boolean_query(shoulds)))
        return tantivy.Query.boolean_query(musts)

    def _filters(self, criteria: Criteria) -> list[Any]:
        filters = []
        if criteria.categories:
            filters.append(
                tantivy.Query.term_set_query(
                    self.schema, "categories", [c.hex for c in criteria.categories]
                )
            )
        if criteria.merchant is not None:
            filters.append(self._term("merchant", criteria.merchant.hex))
        if criteria.origin:
            filters.append(self._term("origin", criteria.origin))
        if criteria.in_stock:
            filters.append(self._term("in_stock", True))
        if criteria.min_stars:
            filters.append(tantivy.Query.range_query(
                self.schema, "stars_tenths", tantivy.FieldType.Integer,
                criteria.min_stars * 10, None,
            ))  # fmt: skip
        if criteria.price_min is not None or criteria.price_max is not None:
            if criteria.market not in self.markets:
                return [tantivy.Query.empty_query()]
            low, high = criteria.price_min, criteria.price_max
            filters.append(
                tantivy.Query.range_query(
                    self.schema,
                    price_field(criteria.market),
                    tantivy.FieldType.Float,
                    float(low) if low is not None else None,
                    float(high) if high is not None else None,
                    include_upper=criteria.price_max_inclusive or high is None,
                )
            )
        return filters

    def _ranked(self, text: Any, criteria: Criteria) -> Any:
        """The text's score with what orders near-equal texts (and the categories
        the query names) added as constant scores.

        In stock and featured are each added as the only optional clause of their
        own level: tantivy then seeks that one posting list for each match, where
        in a union with the other bonuses it would walk every document of it (most
        of the catalogue is in stock: at a million products a search's time
        doubled). Each is also asked on its rarer side: a bonus for the in-stock
        products orders exactly as a penalty for the others, and costs a walk of
        the fewer."""
        ranked = text
        for name, bonus in (("in_stock", IN_STOCK_BONUS), ("featured", FEATURED_BONUS)):
            ranked = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, ranked),
                 (tantivy.Occur.Should, self._flag_bonus(name, bonus))]
            )  # fmt: skip
        clauses = [(tantivy.Occur.Must, ranked)]
        levels: dict[int, list[str]] = {}
        for pk, level in criteria.named_categories.items():
            levels.setdefault(level, []).append(pk.hex)
        for level, ids in levels.items():
            clauses.append((tantivy.Occur.Should, tantivy.Query.const_score_query(
                tantivy.Query.term_set_query(self.schema, "category", ids),
                NAMED_CATEGORY[level],
            )))  # fmt: skip
        for tier in range(1, SALES_TIERS + 1):
            clauses.append((tantivy.Occur.Should, tantivy.Query.const_score_query(
                self._term("sales_tier", tier), SALES_TIER_BONUS * tier)))  # fmt: skip
        for stars in (3, 4, 5):
            clauses.append((tantivy.Occur.Should, tantivy.Query.const_score_query(
                self._term("stars_tier", stars),
                STARS_TIER_BONUS * (stars - 2))))  # fmt: skip
        return tantivy.Query.boolean_query(clauses)

    def _flag_bonus(self, name: str, bonus: float) -> Any:
        """``bonus`` for the documents whose flag ``name`` is set, as a clause over
        whichever side of the flag has fewer documents (the other side's penalty:
        the same order, every score shifted by ``bonus``)."""
        with_flag = self.searcher.doc_freq(name, True)
        if with_flag <= self.searcher.num_docs - with_flag:
            return tantivy.Query.const_score_query(self._term(name, True), bonus)
        return tantivy.Query.const_score_query(self._term(name, False), -bonus)

    # --- searching ---------------------------------------------------------------

    def search(self, criteria: Criteria) -> Hits:
        text = self._text(criteria.groups) if criteria.groups else None
        if criteria.groups and text is None:
            return Hits(ids=[], total=0)
        filters = self._filters(criteria)
        matching = text if text is not None else tantivy.Query.all_query()
        if filters:
            matching = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, matching)]
                + [(tantivy.Occur.Must, f) for f in filters]
            )
        addresses, total = self._page(matching, text, filters, criteria)
        ids, cards = self._stored(addresses)
        hits = Hits(ids=ids, total=total, cards=cards)
        if criteria.facets and total:
            self._count_facets(matching, criteria, hits)
        return hits

    def _page(
        self, matching: Any, text: Any, filters: list[Any], criteria: Criteria
    ) -> tuple[list[Any], int]:
        offset, limit = criteria.offset, criteria.limit
        if criteria.sort in ("price_low", "price_high"):
            if criteria.market not in self.markets:
                found = self.searcher.search(matching, limit, offset=offset)
                return [a for _s, a in found.hits], _count(found)
            column = price_field(criteria.market)
            priced = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, matching),
                 (tantivy.Occur.Must, tantivy.Query.exists_query(column))]
            )  # fmt: skip
            order = (
                tantivy.Order.Asc
                if criteria.sort == "price_low"
                else tantivy.Order.Desc
            )
            found = self.searcher.search(
                priced, limit, order_by_field=column, order=order, offset=offset
            )
            addresses = [a for _s, a in found.hits]
            total = _count(self.searcher.search(matching, 1))
            if len(addresses) < limit and total > _count(found):  # unpriced: last
                rest = tantivy.Query.boolean_query(
                    [(tantivy.Occur.Must, matching),
                     (tantivy.Occur.MustNot, tantivy.Query.exists_query(column))]
                )  # fmt: skip
                more = self.searcher.search(
                    rest,
                    limit - len(addresses),
                    offset=max(0, offset - _count(found)),
                    count=False,
                )
                addresses += [a for _s, a in more.hits]
            return addresses, total
        if criteria.sort in ("newest", "bestselling") or text is None:
            column = "sales" if criteria.sort == "bestselling" else "listed"
            found = self.searcher.search(
                matching, limit, order_by_field=column, offset=offset
            )
            return [a for _s, a in found.hits], _count(found)
        ranked = self._ranked(text, criteria)
        if filters:
            ranked = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, ranked)]
                + [(tantivy.Occur.Must, f) for f in filters]
            )
        found = self.searcher.search(ranked, limit, offset=offset)
        return [a for _s, a in found.hits], _count(found)

    def _stored(self, addresses: list[Any]) -> tuple[list[UUID], list[dict[str, Any]]]:
        """The ids of the documents at ``addresses`` and their stored cards (none
        when the index is older than its cards: the caller reads the database)."""
        ids, cards = [], []
        for address in addresses:
            stored = self.searcher.doc(address)
            ids.append(UUID(stored.get_first("id")))
            card = stored.get_first("card")
            if card is not None:
                cards.append(json.loads(card))
        return ids, cards if len(cards) == len(ids) else []

    def _count_facets(self, matching: Any, criteria: Criteria, hits: Hits) -> None:
        aggregations: dict[str, Any] = {
            name: {"terms": {"field": column, "size": FACET_SIZE}}
            for name, column in (("category", "categories"), ("merchant", "merchant"),
                                 ("origin", "origin"), ("in_stock", "in_stock"))
        }  # fmt: skip
        column = price_field(criteria.market)
        if criteria.market in self.markets and criteria.price_ranges:
            ranges = []
            for low, high in criteria.price_ranges:
                bounds: dict[str, float] = {"from": float(low)}
                if high is not None:
                    bounds["to"] = float(high)
                ranges.append(bounds)
            aggregations["price"] = {"range": {"field": column, "ranges": ranges}}
        aggregations["stars"] = {
            "range": {"field": "stars_tenths", "ranges": [{"from": 40.0}]}
        }
        answer = self.searcher.aggregate(matching, aggregations)
        for name in ("category", "merchant", "origin"):
            hits.facets[name] = [
                (str(b["key"]), int(b["doc_count"])) for b in answer[name]["buckets"]
            ]
        stocked = [
            b["doc_count"]
            for b in answer["in_stock"]["buckets"]
            if b.get("key_as_string") == "true" or b["key"] in (1, True, "true")
        ]
        hits.facets["in_stock"] = [("true", int(stocked[0]) if stocked else 0)]
        # (tantivy adds a bucket for what is below the range: "*-40")
        rated = [b for b in answer["stars"]["buckets"] if b.get("from") == 40.0]
        hits.facets["stars"] = [("4", int(rated[0]["doc_count"]) if rated else 0)]
        if "price" in answer:
            hits.price_bands = _bands(answer["price"]["buckets"], criteria.price_ranges)

    def suggest(self, groups: Groups, limit: int) -> Hits:
        """Products whose titles have every word (the last as a prefix), the most
        popular first."""
        text = self._text(groups, fields=("title",))
        if text is None:
            return Hits(ids=[], total=0)
        found = self.searcher.search(
            text, limit, order_by_field="popularity", count=False
        )
        ids, cards = self._stored([a for _s, a in found.hits])
        return Hits(ids=ids, total=len(ids), cards=cards)

    def categories_of(self, groups: Groups, limit: int) -> list[UUID]:
        """The categories with the most products matching any of ``groups``'s forms
        (what a query that matched nothing is near)."""
        merged: set[str] = set().union(*groups) if groups else set()
        text = self._text([{t for t in merged if not t.endswith("*")}])
        if text is None:
            return []
        answer = self.searcher.aggregate(
            text, {"c": {"terms": {"field": "category", "size": limit}}}
        )
        return [UUID(str(b["key"])) for b in answer["c"]["buckets"]]

    def vocabulary(self) -> list[str]:
        """The titles' words (what a mistyped word is corrected against)."""
        return [term for term, _count in self.searcher.terms_with_prefix("words", "")]

    def words_starting(self, prefix: str) -> list[str]:
        return [
            term for term, _count in self.searcher.terms_with_prefix("words", prefix)
        ]


class NoIndex:
    """The engine when this node has no index yet: nothing is found (and
    ``etalage check`` says why)."""

    name = "none"

    def search(self, criteria: Criteria) -> Hits:
        return Hits(ids=[], total=0)

    def suggest(self, groups: Groups, limit: int) -> Hits:
        return Hits(ids=[], total=0)

    def categories_of(self, groups: Groups, limit: int) -> list[UUID]:
        return []

    def vocabulary(self) -> list[str]:
        return []

    def words_starting(self, prefix: str) -> list[str]:
        return []
