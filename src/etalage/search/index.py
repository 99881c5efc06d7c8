"""Writing the index: a full rebuild beside the one in use (``search_reindex``),
and the changes of the log applied in batches (``changes_apply``).

A product whose listing changed is read from the catalogue and analysed anew
(``search.documents``); one whose figures or prices changed is rewritten from
what the index stored of it, with the new figures: no text analysis for the
changes that come with every order and every new exchange rate.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import tantivy
from django.db import connections
from django.db.models import Max
from django.utils import timezone

from etalage.catalog.selectors import visible_products
from etalage.pricing.models import Market
from etalage.search.documents import (
    NO_FIGURES,
    Categories,
    Document,
    categories_read,
    documents_read,
    figures_read,
    prices_read,
)
from etalage.search.engines import (
    INDEX_VERSION,
    document_from_stored,
    tantivy_document,
)
from etalage.search.models import IndexChange
from etalage.search.store import (
    Progress,
    current_path,
    index_new,
    index_swap,
    meta_read,
    meta_write,
    writer_open,
    writing,
)

BATCH = 1000
# A rebuild resumes the log from the changes of this long before it began: a
# change whose transaction was still open then is applied again (harmless).
REBUILD_OVERLAP = timedelta(minutes=1)


def markets_active() -> list[str]:
    return sorted(Market.objects.filter(is_active=True).values_list("code", flat=True))


def _log_position_before_rebuild() -> int:
    since = timezone.now() - REBUILD_OVERLAP
    last = IndexChange.objects.filter(at__lt=since).aggregate(seq=Max("seq"))["seq"]
    return int(last or 0)


def _documents_batch(ids: list[UUID]) -> list[Document]:
    """One batch of documents read in a worker process (its own connection)."""
    return documents_read(ids, _worker_categories())


_CATEGORIES: list[Categories] = []


def _worker_categories() -> Categories:
    if not _CATEGORIES:
        _CATEGORIES.append(categories_read())
    return _CATEGORIES[0]


def _worker_start() -> None:
    connections.close_all()  # never share the parent's connection
    _CATEGORIES.clear()


def search_reindex(
    *, progress: Progress | None = None, processes: int | None = None
) -> int:
    """Build a new index of every visible product beside the one in use, then swap
    it in; return how many products it holds. ``progress(done, total)`` is told
    after each batch. With ``processes`` > 1 (the cores, by default, outside a
    transaction) the text is analysed in that many processes."""
    position = _log_position_before_rebuild()
    markets = markets_active()
    ids = list(visible_products().order_by("pk").values_list("pk", flat=True))
    path, index = index_new(markets)
    writer = writer_open(index, threads=2 if len(ids) > 50_000 else 1)
    batches = [ids[s : s + BATCH] for s in range(0, len(ids), BATCH)]
    if processes is None:
        processes = os.cpu_count() or 1
    parallel = processes > 1 and len(batches) > 4 and _may_fork()
    done = 0
    if parallel:
        connections.close_all()
        with ProcessPoolExecutor(processes, initializer=_worker_start) as pool:
            for documents in pool.map(_documents_batch, batches):
                done += _add(writer, documents, markets)
                if progress:
                    progress(done, len(ids))
    else:
        categories = categories_read()
        for batch in batches:
            done += _add(writer, documents_read(batch, categories), markets)
            if progress:
                progress(done, len(ids))
    writer.commit()
    writer.wait_merging_threads()
    meta_write(path, {
        "markets": markets, "seq": position, "holes": {},
        "built_at": timezone.now().isoformat(), "documents": done,
        "version": INDEX_VERSION,
    })  # fmt: skip
    with writing():
        index_swap(path)
    return done


def _may_fork() -> bool:
    """Forked workers read with their own connections: only outside a transaction
    (a test's rows would be invisible to them) and never on an in-memory SQLite."""
    connection = connections["default"]
    if connection.in_atomic_block:
        return False
    name = str(connection.settings_dict.get("NAME", ""))
    return connection.vendor != "sqlite" or (
        ":memory:" not in name and "mode=memory" not in name
    )


def _add(writer: Any, documents: list[Document], markets: list[str]) -> int:
    for document in documents:
        writer.add_document(tantivy_document(document, markets))
    return len(documents)


# --- applying changes ----------------------------------------------------------------


def _stored(searcher: Any, schema: Any, ids: list[UUID]) -> dict[UUID, Document]:
    """The documents the index holds for ``ids``, as stored."""
    found: dict[UUID, Document] = {}
    for start in range(0, len(ids), BATCH):
        part = [i.hex for i in ids[start : start + BATCH]]
        query = tantivy.Query.term_set_query(schema, "id", part)
        for _score, address in searcher.search(query, len(part), count=False).hits:
            document = document_from_stored(searcher.doc(address).to_dict())
            found[document.id] = document
    return found


def changes_apply(
    path: Path,
    *,
    listings: Iterable[UUID] = (),
    figures: Iterable[UUID] = (),
    all_prices: bool = False,
) -> int:
    """Write these changes into the index at ``path`` (the caller holds the
    writer lock) and commit; return how many documents were written."""
    meta = meta_read(path)
    markets: list[str] = meta["markets"]
    index = tantivy.Index.open(str(path))
    searcher = index.searcher()
    writer = writer_open(index)
    written = 0
    listing_ids = sorted(set(listings))
    figure_ids = sorted(set(figures) - set(listing_ids))
    categories = categories_read() if listing_ids else None
    for start in range(0, len(listing_ids), BATCH):
        part = listing_ids[start : start + BATCH]
        for pk in part:  # taken out, then back in if a buyer may still see it
            writer.delete_documents_by_term("id", pk.hex)
        written += _add(writer, documents_read(part, categories), markets)
    for start in range(0, len(figure_ids), BATCH):
        written += _refigure(
            writer, searcher, index.schema, figure_ids[start : start + BATCH], markets
        )  # noqa: E501
    if all_prices:
        visible = list(visible_products().order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(visible), BATCH):
            written += _refigure(
                writer,
                searcher,
                index.schema,
                visible[start : start + BATCH],
                markets,
                prices=True,
            )  # noqa: E501
    writer.commit()
    writer.wait_merging_threads()
    return written


def _refigure(
    writer: Any,
    searcher: Any,
    schema: Any,
    ids: list[UUID],
    markets: list[str],
    *,
    prices: bool = True,
) -> int:
    """Rewrite these documents with their figures and prices as they are now."""
    stored = _stored(searcher, schema, ids)
    if not stored:
        return 0
    present = list(stored)
    figures = figures_read(present)
    shown = prices_read(present) if prices else {}
    for pk, document in stored.items():
        figure = figures.get(pk, NO_FIGURES)
        document.in_stock, document.sales = figure.in_stock, figure.sales
        document.stars_tenths, document.reviews = figure.stars_tenths, figure.reviews
        document.sold_month = figure.sold_month
        if prices:
            document.prices = shown.get(pk, {})
        writer.delete_documents_by_term("id", pk.hex)
        writer.add_document(tantivy_document(document, markets))
    return len(stored)


def index_exists() -> bool:
    return current_path() is not None
