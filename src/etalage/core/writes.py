"""Writes that need no answer, sent to the database together.

Placing an order writes nine tables: the order, its sub-orders and lines, their
transitions, the stock rows and their movements, the buyer's yearly usage, the
outbox and the emptied cart. None of those statements answers anything the next
one needs (the keys are made here, not by the database), so they are collected in a
``Writes`` and sent at the end of the transaction: on PostgreSQL as one query of
several statements (one round trip instead of nine: the client binds the values,
``psycopg.ClientCursor``, which is Django's cursor), on SQLite one after another
(no round trip to save). The statements are the ones the ORM would have run: built
by Django's own compilers from the models, with the fields' ``pre_save`` (creation
times) applied. A statement that fails (a constraint: never more allocated than on
hand) raises from ``send`` as it would alone, and the caller's transaction rolls
back with everything in it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connections, models
from django.db.models.sql import InsertQuery, UpdateQuery
from django.db.models.sql.subqueries import DeleteQuery


class Writes:
    """Statements collected in order, sent by ``send`` (inside a transaction)."""

    def __init__(self, using: str = "default") -> None:
        self.using = using
        self._statements: list[tuple[str, Sequence[Any]]] = []

    def __len__(self) -> int:
        return len(self._statements)

    def insert(self, objects: Sequence[models.Model]) -> None:
        """Insert model instances of one model (keys made by the database are not
        read back: give the instances their keys, or need none)."""
        if not objects:
            return
        model = type(objects[0])
        opts = model._meta
        for obj in objects:
            obj._prepare_related_fields_for_save(  # type: ignore[attr-defined]
                operation_name="bulk_create"
            )
        with_key = [obj.pk is not None for obj in objects]
        if any(with_key) and not all(with_key):
            raise ValueError("give every instance its key, or none")
        fields = [
            f
            for f in opts.concrete_fields
            if not getattr(f, "generated", False)
            and (all(with_key) or f is not opts.pk)
        ]
        query = InsertQuery(model)
        query.insert_values(fields, list(objects), raw=False)
        self._statements.extend(query.get_compiler(using=self.using).as_sql())
        for obj in objects:
            obj._state.adding = False
            obj._state.db = self.using

    def update(self, queryset: models.QuerySet[Any], **values: Any) -> None:
        """``queryset.update(**values)``, sent later."""
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(values)  # type: ignore[attr-defined]
        self._statements.append(query.get_compiler(self.using).as_sql())

    def delete(self, queryset: models.QuerySet[Any]) -> None:
        """Delete the rows of ``queryset`` (no cascade, no signals: for rows nothing
        refers to, like a cart's lines)."""
        query = queryset.query.chain(DeleteQuery)
        self._statements.append(query.get_compiler(self.using).as_sql())

    def execute(self, sql: str, params: Sequence[Any]) -> None:
        """A statement of one's own (names quoted, values bound)."""
        self._statements.append((sql, params))

    def send(self) -> None:
        """Run every statement collected, in order; on PostgreSQL in one round trip."""
        statements, self._statements = self._statements, []
        if not statements:
            return
        connection = connections[self.using]
        together = (
            connection.vendor == "postgresql"
            and len(statements) > 1
            # (a deployment that binds on the server prepares each statement alone)
            and not connection.settings_dict["OPTIONS"].get("server_side_binding")
        )
        with connection.cursor() as cursor:
            if together:
                cursor.execute(
                    ";\n".join(sql for sql, _ in statements),
                    [value for _, params in statements for value in params],
                )
            else:
                for sql, params in statements:
                    cursor.execute(sql, params)


@contextmanager
def writes_or_now(writes: Writes | None) -> Iterator[Writes]:
    """The caller's ``writes`` (sent when the caller sends them), or writes of
    their own, sent on leaving the block."""
    if writes is not None:
        yield writes
        return
    own = Writes()
    yield own
    own.send()
