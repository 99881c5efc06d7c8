"""How each node's index follows the catalogue: a log of changes in the database
(``IndexChange``, appended by the search's event handlers as the outbox delivers
the catalogue's, the orders' and the prices' events), read by one follower per
node from its own position.

The outbox delivers each event once, to whichever worker takes it; the log is
read by every node, each at its own pace (none waits for another). The position
is the index's own (in its ``etalage.json``), so a copy of a node's index folder
is a new replica that resumes where the copy was made.

Sequence numbers are taken when a change is written, not when its transaction
commits, so a change may appear after one numbered higher. The follower remembers
the numbers it has not seen below the highest it has (*holes*) and looks for them
again until they are ``HOLE_SECONDS`` old (a transaction never lasts that long; a
rolled-back one never fills its hole).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from etalage.search.engines import INDEX_VERSION
from etalage.search.index import changes_apply, markets_active, search_reindex
from etalage.search.models import IndexChange, IndexReplica
from etalage.search.store import (
    IndexBusy,
    current_path,
    index_size,
    meta_read,
    meta_write,
    writing,
)

logger = logging.getLogger(__name__)

HOLE_SECONDS = 60.0
BATCH = 5000
KEEP = timedelta(days=7)  # a node further behind rebuilds (or copies) its index
REPORT_SECONDS = 15.0


def changes_record(
    product_ids: Iterable[UUID] = (),
    *,
    reason: str = IndexChange.Reason.LISTING,
    every_product: bool = False,
) -> None:
    """Append changes to the log (in the caller's transaction: the outbox's)."""
    rows = [
        IndexChange(product_id=pk, reason=reason) for pk in sorted(set(product_ids))
    ]
    if every_product:
        rows.append(IndexChange(product_id=None, reason=reason))
    IndexChange.objects.bulk_create(rows, batch_size=1000)


def node_name() -> str:
    return settings.ETALAGE_SEARCH_NODE or socket.gethostname()


def _read(
    seq: int, holes: dict[str, float]
) -> tuple[list[IndexChange], int, dict[str, float]]:  # noqa: E501
    """The changes after ``seq`` (and in the holes), and the position after them."""
    wanted = Q(seq__gt=seq)
    if holes:
        wanted |= Q(seq__in=[int(h) for h in holes])
    rows = list(IndexChange.objects.filter(wanted).order_by("seq")[:BATCH])
    now = time.time()
    seen = {row.seq for row in rows}
    left = {
        h: t for h, t in holes.items() if int(h) not in seen and now - t < HOLE_SECONDS
    }
    newest = max([seq, *(r.seq for r in rows)])
    for missing in range(seq + 1, newest):
        if missing not in seen:
            left.setdefault(str(missing), now)
    return rows, newest, left


def search_follow() -> int:
    """Apply the changes this node's index has not seen, in one batch and one
    commit; return how many. Builds the index first when the node has none.
    Does nothing when another process of this node is writing; rebuilds an
    index of an older version (``engines.INDEX_VERSION``)."""
    try:
        with writing(wait=False):
            path = current_path()
            meta = meta_read(path) if path is not None else {}
            if path is None or meta.get("version", 1) < INDEX_VERSION:
                built = None  # none yet, or of an older schema: rebuilt
            else:
                built = path
                rows, newest, holes = _read(int(meta["seq"]), meta.get("holes", {}))
                if rows or holes != meta.get("holes", {}) or newest != meta["seq"]:
                    applied = _apply(path, meta, rows)
                    meta.update(seq=newest, holes=holes)
                    meta_write(path, meta)
                    _report(path, meta, force=bool(rows))
                    return applied
                _report(path, meta)
                return 0
    except IndexBusy:
        return 0
    if built is None:
        return search_reindex()
    return 0


def _apply(path: Path, meta: dict[str, Any], rows: list[IndexChange]) -> int:
    listings = [r.product_id for r in rows if r.reason == "listing" and r.product_id]
    figures = [r.product_id for r in rows if r.reason != "listing" and r.product_id]
    all_prices = any(r.product_id is None for r in rows)
    if all_prices and markets_active() != list(meta["markets"]):
        # A market came or went: its price column is part of the index's schema.
        search_reindex()
        return len(rows)
    changes_apply(path, listings=listings, figures=figures, all_prices=all_prices)
    return len(rows)


_REPORTED: dict[str, float] = {}


def _report(path: Path, meta: dict[str, Any], *, force: bool = False) -> None:
    """Tell the database where this node's index stands (for the back-office and
    ``etalage check``), at most every ``REPORT_SECONDS`` unless it moved."""
    node = node_name()
    now = time.monotonic()
    if not force and now - _REPORTED.get(node, 0.0) < REPORT_SECONDS:
        return
    _REPORTED[node] = now
    import tantivy

    documents = tantivy.Index.open(str(path)).searcher().num_docs
    with transaction.atomic():
        IndexReplica.objects.update_or_create(
            node=node,
            defaults={
                "position": int(meta["seq"]),
                "documents": documents,
                "size_bytes": index_size(path),
                "built_at": meta.get("built_at"),
                "seen_at": timezone.now(),
            },
        )


def search_follow_forever(*, pause: float = 0.5) -> None:
    """The node's follower (``etalage search follow``): apply the log's changes as
    they come, one batch at a time."""
    logger.info("search follower of %s on %s", node_name(), os.getpid())
    while True:
        try:
            applied = search_follow()
        except Exception:  # a failure of one round must not stop the follower
            logger.exception("search follower: a round failed")
            applied = 0
        if not applied:
            time.sleep(pause)


def changes_purge() -> int:
    """Forget changes older than ``KEEP`` (the clock's chore)."""
    deleted, _ = IndexChange.objects.filter(at__lt=timezone.now() - KEEP).delete()
    return int(deleted)


def search_status() -> dict[str, Any]:
    """This node's index (folder, documents, bytes, position) and every node's
    distance from the log's end."""
    from django.db.models import Max

    last = IndexChange.objects.aggregate(seq=Max("seq"))["seq"] or 0
    path = current_path()
    here: dict[str, object] = {
        "node": node_name(),
        "path": str(path or ""),
        "exists": path is not None,
    }
    if path is not None:
        meta = meta_read(path)
        import tantivy

        here.update(
            documents=tantivy.Index.open(str(path)).searcher().num_docs,
            size_bytes=index_size(path),
            position=int(meta["seq"]),
            behind=IndexChange.objects.filter(seq__gt=int(meta["seq"])).count(),
            built_at=meta.get("built_at", ""),
        )
    replicas = [
        {
            "node": r.node, "documents": r.documents, "size_bytes": r.size_bytes,
            "position": r.position, "seen_at": r.seen_at,
            "behind": IndexChange.objects.filter(seq__gt=r.position).count(),
        }
        for r in IndexReplica.objects.order_by("node")
    ]  # fmt: skip
    return {"last": last, "here": here, "replicas": replicas}
