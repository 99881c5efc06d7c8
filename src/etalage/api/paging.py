"""Cursor paging, the one shape of every list of the buyer's API:
``{"items": [...], "next": "<the next page's address>" | null}``.

The order is stable (newest first by creation time, then by key: a row written
while a client pages through the older ones is neither shown twice nor skipped) and
the cursor opaque: signed for one list, so a client can neither forge one, read the
keys in it, nor hand one list's cursor to another."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar
from uuid import UUID

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema

from etalage.api.errors import ApiError

M = TypeVar("M", bound=Model)

SALT = "etalage.api.cursor"
NEWEST_FIRST = ("-created_at", "-pk")


class PageQuery(Schema):
    cursor: str | None = Field(
        None,
        max_length=500,
        description="Where the page starts: the cursor of the previous page's "
        "`next` link (none for the first page). Opaque: do not build one.",
    )
    limit: int = Field(20, ge=1, le=100, description="How many items a page holds.")


class CursorPage(Schema):
    """What every list answers besides its ``items``."""

    next: str | None = Field(
        ...,
        description="The address of the next page (the same filters, a cursor), "
        "or null on the last page.",
    )


def _value(item: Model, key: str) -> str:
    value = getattr(item, key.lstrip("-"))
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID | int | str):
        return str(value)
    raise TypeError(f"cannot page on {key}")  # (a programming error)


def _after(keys: tuple[str, ...], values: list[str]) -> Q:
    """The rows after the one whose ``keys`` read ``values``, in the keys' order."""
    after = Q()
    for n, key in enumerate(keys):
        name = key.lstrip("-")
        step = Q(**{f"{name}__{'lt' if key.startswith('-') else 'gt'}": values[n]})
        for earlier, value in zip(keys[:n], values[:n], strict=True):
            step &= Q(**{earlier.lstrip("-"): value})
        after |= step
    return after


def _refused() -> ApiError:
    return ApiError(
        422,
        "invalid",
        _("This cursor is not one this list gave: start again without it."),
        "cursor",
    )


def cursor_page(
    request: HttpRequest,
    rows: QuerySet[M],
    page: PageQuery,
    *,
    scope: str,
    keys: tuple[str, ...] = NEWEST_FIRST,
    path: str | None = None,
) -> tuple[list[M], str | None]:
    """One page of ``rows`` in the order of ``keys`` (unique together), and the
    address of the next page (None on the last): ``path`` (default: the request's)
    with the request's query and the cursor. ``scope`` names the list."""
    rows = rows.order_by(*keys)
    salt = f"{SALT}:{scope}"
    if page.cursor:
        try:
            values = signing.loads(page.cursor, salt=salt)
        except signing.BadSignature:
            raise _refused() from None
        if not isinstance(values, list) or len(values) != len(keys):
            raise _refused()
        try:
            rows = rows.filter(_after(keys, values))
        except (ValueError, TypeError, ValidationError):  # (a value gone stale)
            raise _refused() from None
    items = list(rows[: page.limit + 1])
    if len(items) <= page.limit:
        return items, None
    items = items[: page.limit]
    cursor = signing.dumps([_value(items[-1], key) for key in keys], salt=salt)
    query = request.GET.copy()
    query["cursor"] = cursor
    where = path or request.path
    return items, request.build_absolute_uri(f"{where}?{query.urlencode()}")
