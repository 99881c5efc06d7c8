"""Where the index stands, in words: for ``etalage check``, ``etalage search
status`` and the back-office's first page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import get_language

from etalage.money.formatting import format_number
from etalage.search.feed import search_status

# More changes than this not yet applied is a problem `etalage check` reports.
BEHIND_PROBLEM = 1000


def size_text(size: int, language: str = "en") -> str:
    """A size in bytes, KB, MB or GB (of 1,000), written as ``language`` writes
    numbers (254.5 KB in English, 254,5 KB in French and Dutch)."""
    value = Decimal(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            shown = value if unit == "bytes" else value.quantize(Decimal("0.1"))
            return f"{format_number(shown, language)} {unit}"
        value /= 1000
    return str(size)


def status_lines(status: dict[str, Any]) -> list[str]:
    here = status["here"]
    if not here["exists"]:
        lines = [f"search: node {here['node']} has no index (etalage search reindex)"]
    else:
        lines = [
            f"search: node {here['node']}: {here['documents']:,} products, "
            f"{size_text(here['size_bytes'])}, {here['behind']:,} changes behind "
            f"(log at {status['last']:,}), built {here['built_at'][:19]}, "
            f"in {here['path']}"
        ]
    for replica in status["replicas"]:
        lines.append(
            f"  replica {replica['node']}: {replica['documents']:,} products, "
            f"{size_text(replica['size_bytes'])}, {replica['behind']:,} behind, "
            f"seen {replica['seen_at']:%Y-%m-%d %H:%M:%S}"
        )
    return lines


def index_notes() -> list[str]:
    """What ``etalage check`` says of search: this node's index, every replica."""
    return status_lines(search_status())


def index_problems() -> list[str]:
    """``etalage check``: the index is not far behind the catalogue (a node with
    none yet says so in its notes: the follower builds it)."""
    here: dict[str, Any] = search_status()["here"]
    if here["exists"] and here["behind"] > BEHIND_PROBLEM:
        return [f"search: the index is {here['behind']:,} changes behind the catalogue"]
    return []


def search_index_rows() -> list[dict[str, Any]]:
    """The back-office's first page: this node's index and every replica, with its
    size and how many changes it has not applied yet."""
    status = search_status()
    here = status["here"]
    language = get_language() or "en"

    def number(n: int) -> str:
        return format_number(n, language)

    rows: list[dict[str, Any]] = [
        {
            "node": here["node"],
            "documents": number(here["documents"]) if here["exists"] else None,
            "size": size_text(here.get("size_bytes", 0), language),
            "behind": number(here.get("behind", 0)),
        }
    ]
    for replica in status["replicas"]:
        if replica["node"] != here["node"]:
            rows.append(
                {
                    "node": replica["node"],
                    "documents": number(replica["documents"]),
                    "size": size_text(replica["size_bytes"], language),
                    "behind": number(replica["behind"]),
                }
            )
    return rows
