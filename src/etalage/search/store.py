"""The index on this node's disk: where it lives, how readers open it, how it is
rebuilt beside the old one and swapped in, and how changes are written into it.

Layout, under ``ETALAGE_SEARCH_DIR`` (default: the data directory's ``search/``)::

    current -> index-20261207T163012-5f2a   a symbolic link, replaced atomically
    index-20261207T163012-5f2a/              tantivy's files and etalage.json
    writer.lock                              held by the one process that writes

``etalage.json`` says which markets have a price column and where the index is in
the log of changes (``search.feed``): a copy of the folder is a replica that
resumes from there. Readers (web workers) open ``current`` and reload it at most
every ``ETALAGE_SEARCH_RELOAD_SECONDS``; they see a new commit, or a new index
once swapped, never half of one.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tantivy
from django.conf import settings

from etalage.search.engines import (
    NoIndex,
    SearchEngine,
    TantivyEngine,
    schema_build,
)

META = "etalage.json"
CURRENT = "current"


def search_dir() -> Path:
    return Path(settings.ETALAGE_SEARCH_DIR)


def current_path(root: Path | None = None) -> Path | None:
    """The folder of the index in use, or None when this node has none yet."""
    link = (root or search_dir()) / CURRENT
    try:
        target = link.parent / os.readlink(link)
    except OSError:
        return None
    return target if (target / META).exists() else None


def meta_read(path: Path) -> dict[str, Any]:
    meta: dict[str, Any] = json.loads((path / META).read_text())
    return meta


def meta_write(path: Path, meta: dict[str, Any]) -> None:
    """Write the index's own notes atomically (a crash leaves the old ones)."""
    temporary = path / (META + ".new")
    temporary.write_text(json.dumps(meta, sort_keys=True))
    os.replace(temporary, path / META)


# --- readers -------------------------------------------------------------------------


@dataclass
class _Opened:
    path: Path
    index: tantivy.Index
    markets: list[str]
    checked: float


_OPENED: dict[Path, _Opened] = {}


def engine() -> SearchEngine:
    """The engine over this node's index as of its latest reload (at most
    ``ETALAGE_SEARCH_RELOAD_SECONDS`` old); an empty one when there is none."""
    root = search_dir()
    opened = _OPENED.get(root)
    now = time.monotonic()
    if opened is None or now - opened.checked >= settings.ETALAGE_SEARCH_RELOAD_SECONDS:
        path = current_path(root)
        if path is None:
            _OPENED.pop(root, None)
            return NoIndex()
        if opened is None or opened.path != path:
            markets = list(meta_read(path)["markets"])
            opened = _Opened(path, tantivy.Index.open(str(path)), markets, now)
            _OPENED[root] = opened
        else:
            opened.index.reload()
            opened.checked = now
    return TantivyEngine(opened.index, opened.markets)


# --- the writer ----------------------------------------------------------------------


class IndexBusy(Exception):
    """Another process of this node writes the index now."""


@contextmanager
def writing(*, wait: bool = True) -> Iterator[None]:
    """Hold this node's writer lock (one process writes the index at a time)."""
    root = search_dir()
    root.mkdir(parents=True, exist_ok=True)
    with (root / "writer.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise IndexBusy from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def writer_open(index: tantivy.Index, *, threads: int = 1) -> Any:
    heap = settings.ETALAGE_SEARCH_WRITER_MB * 1_000_000
    return index.writer(heap_size=max(heap, 15_000_000 * threads), num_threads=threads)


def index_new(markets: list[str]) -> tuple[Path, tantivy.Index]:
    """A new, empty index folder beside the one in use."""
    root = search_dir()
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = root / f"index-{stamp}-{secrets.token_hex(2)}"
    path.mkdir()
    return path, tantivy.Index(schema_build(markets), path=str(path))


def index_swap(path: Path) -> None:
    """Make ``path`` the index in use, atomically (a symbolic link renamed over the
    old one), and remove the indexes it replaces (readers that hold one open keep
    reading it until they reload)."""
    root = path.parent
    temporary = root / f"{CURRENT}.{secrets.token_hex(4)}"
    os.symlink(path.name, temporary)
    os.replace(temporary, root / CURRENT)
    for old in root.glob("index-*"):
        if old != path and old.is_dir() and (old / META).exists():
            shutil.rmtree(old, ignore_errors=True)


def index_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file())


Progress = Callable[[int, int], Any]
