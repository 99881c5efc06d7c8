"""Prepared reads: a queryset built and compiled once, run again with new values.

A page that reads the same shape of query for every product (the product page's
reads) pays the ORM's building and compiling of it (``filter``, ``setup_joins``,
``as_sql``) on every view: a third of a product page's first view. A
``PreparedRead`` builds its queryset once per database connection with random
marker values, compiles it, finds where each marker landed among the SQL's
parameters, and keeps the SQL, the parameters, the columns' converters and how a
row becomes the queryset's result. A read then substitutes the values (prepared
for the database by their field, as the ORM prepares them), runs the SQL on the
connection's cursor (counted and logged as any query) and converts the rows with
the ORM's own converters: the values are the ORM's (UUIDs, decimals, aware
datetimes, JSON, booleans), as ``core/tests/test_prepared.py`` holds on SQLite
and PostgreSQL.

    by_product = PreparedRead(
        lambda product_id: Image.objects.filter(product_id=product_id)
        .values_list("medium", "position"),
        Image._meta.get_field("product"),
    )
    rows = by_product(product.pk)  # a list of tuples, as list(queryset) gives

A parameter given as ``[field]`` is a list of that field's values (an ``__in``):
its SQL is compiled once for each length met. Supported: model querysets without
``select_related`` or prefetching, and ``values_list`` (``flat`` too); anything
else is refused when prepared, not answered differently.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Field, QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
)

ParameterSpec = Field[Any, Any] | list[Field[Any, Any]]


def _marker(field: Field[Any, Any]) -> Any:
    """A value of the field's type that no real parameter will equal."""
    target = getattr(field, "target_field", field)
    kind = target.get_internal_type()
    if kind == "UUIDField":
        return uuid.uuid4()
    if kind == "DateTimeField":
        return datetime(1901, 1, 1, tzinfo=UTC) + timedelta(
            microseconds=random.getrandbits(48)
        )
    if kind == "DateField":
        return date(1000, 1, 1) + timedelta(days=random.getrandbits(18))
    if kind in {"CharField", "SlugField", "TextField", "EmailField"}:
        return f"prepared-{uuid.uuid4().hex}"
    if kind in {"IntegerField", "BigIntegerField", "PositiveIntegerField", "AutoField"}:
        return random.getrandbits(30) + 1_000_000_007
    raise TypeError(f"a prepared read has no marker for a {kind}")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, ...], ...]  # for each parameter, its positions
    compiler: Any
    converters: Any
    col_count: int
    shape: str  # "model", "tuple" or "flat"
    model_info: tuple[Any, list[str], int, int] | None


_EMPTY = object()


class PreparedRead:
    """``build(*values)`` compiled once per connection (and per list length), run
    with each call's values; see the module's docstring."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *params: ParameterSpec):
        self._build = build
        self._params = params
        self._compiled: WeakKeyDictionary[Any, dict[tuple[int, ...], Any]] = (
            WeakKeyDictionary()
        )
        self._lock = threading.Lock()
        self._alias: str | None = None

    def __call__(self, *values: Any) -> list[Any]:
        if len(values) != len(self._params):
            raise TypeError(f"{len(self._params)} values expected, {len(values)} given")
        values = tuple(
            list(value) if isinstance(spec, list) else value
            for spec, value in zip(self._params, values, strict=True)
        )
        shape = tuple(
            len(value) if isinstance(spec, list) else -1
            for spec, value in zip(self._params, values, strict=True)
        )
        alias, connection = self._connection()
        by_shape = self._compiled.get(connection)
        if by_shape is None:
            with self._lock:
                by_shape = self._compiled.setdefault(connection, {})
        compiled = by_shape.get(shape)
        if compiled is None:
            compiled = by_shape[shape] = self._compile(values, connection)
        if compiled is _EMPTY:
            return []
        return self._run(compiled, values, alias, connection)

    def _connection(self) -> tuple[str, Any]:
        alias = self._alias
        if alias is None:  # the router's answer for this read, asked once
            alias = self._alias = self._build(*self._sample()).db
        return alias, connections[alias]

    def _sample(self) -> list[Any]:
        return [
            [_marker(spec[0])] if isinstance(spec, list) else _marker(spec)
            for spec in self._params
        ]

    def _prepared(self, field: Field[Any, Any], value: Any, connection: Any) -> Any:
        return field.get_db_prep_value(value, connection, prepared=False)

    def _compile(self, values: tuple[Any, ...], connection: Any) -> Any:
        markers = [
            [_marker(spec[0]) for _ in value]
            if isinstance(spec, list)
            else _marker(spec)
            for spec, value in zip(self._params, values, strict=True)
        ]
        queryset = self._build(*markers)
        if (
            getattr(queryset, "_prefetch_related_lookups", ())
            or queryset.query.select_related
        ):
            raise TypeError("a prepared read does not follow relations")
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _EMPTY
        params = tuple(params)
        slots = []
        for spec, marker in zip(self._params, markers, strict=True):
            field, found = (
                (spec[0], marker) if isinstance(spec, list) else (spec, [marker])
            )
            positions = []
            for one in found:
                prepared = self._prepared(field, one, connection)
                at = [i for i, param in enumerate(params) if param == prepared]
                if len(at) != 1:
                    raise TypeError(f"a parameter of {field} is used {len(at)} times")
                positions.append(at[0])
            slots.append(tuple(positions))
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise TypeError("a prepared read does not read composite keys")
        iterable = queryset._iterable_class
        model_info = None
        if iterable is ModelIterable:
            shape = "model"
            klass_info = compiler.klass_info
            if klass_info.get("related_klass_infos") or compiler.annotation_col_map:
                raise TypeError("a prepared read builds plain models only")
            start, end = (
                klass_info["select_fields"][0],
                klass_info["select_fields"][-1] + 1,
            )
            init_list = [f[0].target.attname for f in compiler.select[start:end]]
            model_info = (klass_info["model"], init_list, start, end)
        elif iterable in (ValuesListIterable, FlatValuesListIterable):
            shape = "flat" if iterable is FlatValuesListIterable else "tuple"
        else:
            raise TypeError(f"a prepared read does not give {iterable.__name__}")
        return _Compiled(
            sql=sql,
            params=params,
            slots=tuple(slots),
            compiler=compiler,
            converters=compiler.get_converters(fields),
            col_count=compiler.col_count,
            shape=shape,
            model_info=model_info,
        )

    def _run(
        self, compiled: _Compiled, values: tuple[Any, ...], alias: str, connection: Any
    ) -> list[Any]:
        params = list(compiled.params)
        for spec, value, positions in zip(
            self._params, values, compiled.slots, strict=True
        ):
            field = spec[0] if isinstance(spec, list) else spec
            for position, one in zip(
                positions, value if isinstance(spec, list) else [value], strict=True
            ):
                params[position] = self._prepared(field, one, connection)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: Sequence[Any] = cursor.fetchall()
        count = compiled.col_count
        if rows and len(rows[0]) != count:
            rows = [row[:count] for row in rows]
        if compiled.converters:
            rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
        if compiled.shape == "model":
            model, init_list, start, end = compiled.model_info  # type: ignore[misc]
            return [model.from_db(alias, init_list, row[start:end]) for row in rows]
        if compiled.shape == "flat":
            return [row[0] for row in rows]
        return [tuple(row) for row in rows]
