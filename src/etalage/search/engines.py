"""The search engines behind one interface: the database's own full-text search over
the pre-segmented terms of ``SearchDocument`` (``search.text`` does the language
work, so the engines only match terms and rank).

- ``sqlite``: an FTS5 table kept from the documents by triggers, ranked by BM25
  with the title weighing ten times the body. Needs no server: the default.
- ``postgresql``: a generated ``tsvector`` (title weight A, body B, the ``simple``
  configuration: terms are already normalized and stemmed) with a GIN index,
  ranked by ``ts_rank_cd``.

``ETALAGE_SEARCH_ENGINE`` chooses (default: the database's own). An engine past one
PostgreSQL (OpenSearch, Meilisearch) would be a third class here speaking its HTTP
API, fed by the same documents (``search.index``) through the same events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import connection

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
    score: str
    score_params: list[Any]


class SearchEngine(Protocol):
    name: str

    def match(self, groups: Groups) -> Match: ...

    def optimize(self) -> None: ...


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
            score="-bm25(search_fts, 10.0, 1.0)",
            score_params=[],
        )

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")


class PostgresEngine:
    name = "postgresql"

    def match(self, groups: Groups) -> Match:
        expression = _expression(groups, term="'{}'", prefix=":*", any_=" | ",
                                 all_=" & ")  # fmt: skip
        return Match(
            joins="",
            condition="d.vector @@ to_tsquery('simple', %s)",
            condition_params=[expression],
            score="ts_rank_cd(d.vector, to_tsquery('simple', %s))",
            score_params=[expression],
        )

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
