"""The search engines behind one interface: the database's own full-text search over
the pre-segmented terms of ``SearchDocument`` (``search.text`` does the language
work, so the engines only match terms and rank).

- ``sqlite``: an FTS5 table kept from the documents by triggers, ranked by BM25
  with the title weighing ten times the body. Needs no server: the default.
- ``postgresql``: a generated ``tsvector`` (title weight A, body B, the ``simple``
  configuration: terms are already normalized and stemmed) with a GIN index that
  every search goes through, and a small title-only vector kept in the row that
  ranks the matches (see ``PostgresEngine``).

``ETALAGE_SEARCH_ENGINE`` chooses (default: the database's own). An engine past one
PostgreSQL (OpenSearch, Meilisearch) would be a third class here speaking its HTTP
API, fed by the same documents (``search.index``) through the same events.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction

# Each group: the forms one query word may take; a form ending in "*" is a prefix
# (the word the buyer is still typing).
Groups = list[set[str]]


@dataclass(frozen=True)
class Match:
    """A SQL condition on ``search_searchdocument`` (alias ``d``, with ``joins``) that
    holds for the documents matching the query, a SQL expression of their
    relevance, and the parameters of each."""

    joins: str
    condition: str
    condition_params: list[Any]
    score: str  # rounded, so that near-equal matches fall to the next criteria
    score_params: list[Any]
    # Statements run in the search's transaction before its query.
    setup: tuple[str, ...] = ()


class SearchEngine(Protocol):
    name: str

    def match(self, groups: Groups) -> Match: ...

    def suggest(self, groups: Groups, limit: int) -> list[Any]: ...

    def optimize(self) -> None: ...


def run(match: Match, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """The rows of a query built on ``match``, after the engine's setup."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in match.setup:
            cursor.execute(statement)
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def materialized() -> str:
    """The keyword that has a common table expression evaluated once, before the
    query that reads it (SQLite evaluates a CTE read twice only once anyway, and
    older versions do not know the keyword)."""
    return "MATERIALIZED " if connection.vendor == "postgresql" else ""


def _suggest(match: Match, limit: int, order: str) -> list[Any]:
    # The matches first (through the engine's index), then their order: never a
    # walk of every document in that order testing each one.
    return [row[0] for row in run(
        match,
        # The fragments are the engine's; every value is a parameter.
        f"WITH d AS {materialized()}(SELECT d.product_id, d.in_stock, d.featured, "  # noqa: S608
        f"d.sales, d.id, {match.score} AS score FROM search_searchdocument d "
        f"{match.joins} WHERE {match.condition}) "
        f"SELECT d.product_id FROM d ORDER BY {order} LIMIT %s",
        [*match.score_params, *match.condition_params, limit],
    )]  # fmt: skip


def _safe(term: str) -> tuple[str, bool]:
    """The term (letters, digits, CJK only: nothing else may reach the engine's
    query syntax) and whether it is a prefix."""
    return "".join(c for c in term if c.isalnum()), term.endswith("*")


def _expression(groups: Groups, *, term: str, prefix: str, any_: str, all_: str) -> str:
    """A query in an engine's syntax: each group's forms joined by ``any_`` (quoted
    as ``term``, ``prefix`` after a prefix), the groups by ``all_``."""
    parts = []
    for group in groups:
        forms = sorted(t for t in map(_safe, group) if t[0])
        parts.append(
            "(" + any_.join(term.format(t) + (prefix if p else "") for t, p in forms)
            + ")"
        )  # fmt: skip
    return all_.join(parts)


class SqliteEngine:
    name = "sqlite"

    def match(self, groups: Groups) -> Match:
        expression = _expression(groups, term='"{}"', prefix="*", any_=" OR ",
                                 all_=" AND ")  # fmt: skip
        return Match(
            joins="JOIN search_fts ON search_fts.rowid = d.id",
            condition="search_fts MATCH %s",
            condition_params=[expression],
            score="ROUND(-bm25(search_fts, 10.0, 1.0), 1)",
            score_params=[],
        )

    def suggest(self, groups: Groups, limit: int) -> list[Any]:
        match = self.match(groups)
        return _suggest(match, limit, "score DESC, in_stock DESC, sales DESC, id")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")


class PostgresEngine:
    """Built so that no search reads a document's text or full vector row by row:

    - matching always goes through the GIN index (the planner, which does not
      count the cost of reading a large vector back, would otherwise scan every
      row for a common word and read each one's vector to test it);
    - matches are ranked by the small title vector kept in the row (a title match
      first, weighed by ``ts_rank``), then by the selectors' criteria;
    - suggestions first walk the most popular documents (a bounded number, in the
      order of an index) for titles that start so, and only for rarer words fall
      back to the title index.
    """

    name = "postgresql"
    SETUP = ("SET LOCAL enable_seqscan = off",)
    POPULAR_WALK = 5000

    @staticmethod
    def _tsquery(groups: Groups) -> str:
        return _expression(groups, term="'{}'", prefix=":*", any_=" | ", all_=" & ")

    def match(self, groups: Groups) -> Match:
        expression = self._tsquery(groups)
        return Match(
            joins="",
            condition="d.vector @@ to_tsquery('simple', %s)",
            condition_params=[expression],
            score="CAST(100 * ts_rank(d.title_vector, to_tsquery('simple', %s)) "
            "AS INTEGER)",
            score_params=[expression],
            setup=self.SETUP,
        )

    def suggest(self, groups: Groups, limit: int) -> list[Any]:
        titles = Match(
            joins="", condition="d.title_vector @@ to_tsquery('simple', %s)",
            condition_params=[self._tsquery(groups)], score="0", score_params=[],
        )  # fmt: skip
        popular = "d.in_stock DESC, d.featured DESC, d.sales DESC, d.id"
        found = [row[0] for row in run(
            titles,
            # (the fragments are this class's own; values are parameters)
            "SELECT d.product_id FROM (SELECT d.product_id, d.title_vector, "  # noqa: S608
            "d.in_stock, d.featured, d.sales, d.id FROM search_searchdocument d "
            f"ORDER BY {popular} LIMIT %s) d WHERE {titles.condition} "
            f"ORDER BY {popular} LIMIT %s",
            [self.POPULAR_WALK, *titles.condition_params, limit],
        )]  # fmt: skip
        if len(found) < limit:  # a rarer word: its few titles from the index
            found = _suggest(replace(titles, setup=self.SETUP), limit, popular)
        return found

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")


def engine() -> SearchEngine:
    """The configured engine (``ETALAGE_SEARCH_ENGINE``; the database's by default)."""
    chosen = settings.ETALAGE_SEARCH_ENGINE or connection.vendor
    if chosen == "postgresql" and connection.vendor == "postgresql":
        return PostgresEngine()
    if chosen == "sqlite" and connection.vendor == "sqlite":
        return SqliteEngine()
    raise ValueError(
        f"ETALAGE_SEARCH_ENGINE={chosen!r} does not run on {connection.vendor}"
    )
