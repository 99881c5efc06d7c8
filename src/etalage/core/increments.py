"""Counters and sums kept in rows, added to atomically: one ``INSERT … ON
CONFLICT (key) DO UPDATE SET x = x + excluded.x`` per batch (SQLite and
PostgreSQL both speak it). The database adds to the row it holds, so concurrent
writers all count (PostgreSQL makes the second wait for the first's row; SQLite
has one writer at a time). Rows are taken in key order, so two transactions
adding to the same rows take them in the same order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connection, models

_BATCH = 100


def rows_added(
    model: type[models.Model],
    key_fields: tuple[str, ...],
    value_fields: tuple[str, ...],
    rows: Mapping[tuple[Any, ...], list[int]],
) -> None:
    """Add ``rows`` (key → numbers, in the order of the fields) to ``model``'s
    rows, making those that are missing; ``key_fields`` are a unique constraint
    of the model."""
    meta = model._meta
    fields: list[models.Field[Any, Any]] = [
        meta.get_field(n)  # type: ignore[misc]
        for n in key_fields + value_fields
    ]
    table = connection.ops.quote_name(meta.db_table)
    columns = [connection.ops.quote_name(f.column) for f in fields]
    keys, values = columns[: len(key_fields)], columns[len(key_fields) :]
    added = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in values)
    ordered = sorted(rows.items(), key=lambda item: tuple(map(str, item[0])))
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), _BATCH):
            batch = ordered[start : start + _BATCH]
            row = "(" + ", ".join(["%s"] * len(fields)) + ")"
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (names from the model)
                f"VALUES {', '.join([row] * len(batch))} "
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {added}",
                [
                    field.get_db_prep_value(value, connection)
                    for key, numbers in batch
                    for field, value in zip(fields, (*key, *numbers), strict=True)
                ],
            )
