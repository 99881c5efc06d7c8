"""A large catalogue for the benchmarks, written fast and honestly: copies of rows
the application itself wrote.

``catalogue_multiply(n)`` reads the live products the demo loader made (through
the app's services) and every row a product's pages and the index read of them —
its translations, its variants, its prices in each market (``ListingPrice``) and
its stock — exactly as stored, and writes copies of them until the catalogue holds
``n`` products. A copy differs from its source only where the schema demands it
(a new key, a slug, a SKU and a merchant's reference of its own); every other
column is the source's stored value. The rows go in with the database's own bulk
path, not the ORM's model instances: ``COPY`` on PostgreSQL, ``executemany`` of
tuples on SQLite, a batch per transaction — about a million products in minutes
where the ORM's ``bulk_create`` made 3,000 a minute under load.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

BATCH = 20_000  # products per transaction


def _columns(model: Any) -> list[Any]:
    """The concrete fields of ``model`` a copy writes (an integer key is left to
    the database)."""
    from django.db import models

    return [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
    ]


def _read(model: Any, key: str, values: list[Any]) -> tuple[list[str], list[tuple]]:
    """The stored rows of ``model`` whose column ``key`` is one of ``values``, as
    the database holds them (its own formats, not the ORM's)."""
    from django.db import connection

    columns = [f.column for f in _columns(model)]
    table = model._meta.db_table
    rows: list[tuple] = []
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(values), 500):
            part = values[start : start + 500]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"SELECT {quoted} FROM {table} WHERE {key} IN ({marks})",  # noqa: S608
                part,
            )
            rows += cursor.fetchall()
    return columns, rows


def _write(table: str, columns: list[str], rows: list[tuple]) -> None:
    """Insert ``rows`` through the database's own bulk path."""
    from django.db import connection

    if not rows:
        return
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    raw = connection.connection
    if connection.vendor == "postgresql":
        sql = f"COPY {table} ({quoted}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["?"] * len(columns))
        raw.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)  # noqa: S608


def catalogue_multiply(
    products: int, *, progress: Callable[[int], None] | None = None
) -> int:
    """Copy the live products (and their rows) until there are ``products`` live
    products; return how many copies were written."""
    from django.db import connection, connections, transaction

    from etalage.catalog.models import (
        ListingPrice,
        Product,
        ProductTranslation,
        Variant,
    )
    from etalage.core.ids import new_id
    from etalage.inventory.models import Stock

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {Product._meta.db_table} WHERE status = %s ORDER BY id",  # noqa: S608
            [Product.Status.LIVE],
        )
        sources = [r[0] for r in cursor.fetchall()]
    copies = max(products - len(sources), 0)
    if not copies or not sources:
        return 0
    uuid_db = Product._meta.pk.get_db_prep_value  # the database's form of a key
    this = connections["default"]  # (not the thread-local proxy, once a row)

    def key() -> Any:
        return uuid_db(new_id(), this, prepared=False)

    p_cols, p_rows = _read(Product, "id", sources)
    by_product = {}
    for model in (ProductTranslation, Variant, ListingPrice):
        columns, rows = _read(model, "product_id", sources)
        grouped: dict[Any, list[tuple]] = defaultdict(list)
        at = columns.index("product_id")
        for row in rows:
            grouped[row[at]].append(row)
        by_product[model] = (columns, grouped)
    v_cols, variants = by_product[Variant]
    variant_ids = [r[v_cols.index("id")] for rows in variants.values() for r in rows]
    s_cols, s_rows = _read(Stock, "variant_id", variant_ids)
    stock: dict[Any, list[tuple]] = defaultdict(list)
    for row in s_rows:
        stock[row[s_cols.index("variant_id")]].append(row)

    def replaced(row: tuple, columns: list[str], changes: dict[str, Any]) -> tuple:
        values = list(row)
        for column, value in changes.items():
            values[columns.index(column)] = value
        return tuple(values)

    def batches() -> Iterator[dict[str, list[tuple]]]:
        out: dict[str, list[tuple]] = defaultdict(list)
        for i in range(copies):
            source = p_rows[i % len(p_rows)]
            old = source[p_cols.index("id")]
            pk = key()
            ref = source[p_cols.index("merchant_ref")]
            out["p"].append(
                replaced(
                    source,
                    p_cols,
                    {
                        "id": pk,
                        "slug": f"{source[p_cols.index('slug')]}-c{i}",
                        "merchant_ref": f"{ref}-c{i}" if ref else ref,
                    },
                )
            )
            for model in (ProductTranslation, ListingPrice):
                columns, grouped = by_product[model]
                out[model._meta.db_table] += [
                    replaced(r, columns, {"product_id": pk}) for r in grouped[old]
                ]
            for variant in variants[old]:
                vk = key()
                sku = variant[v_cols.index("sku")]
                out["v"].append(
                    replaced(
                        variant,
                        v_cols,
                        {"id": vk, "product_id": pk, "sku": f"C{i}-{sku}"},
                    )
                )
                out["s"] += [
                    replaced(r, s_cols, {"variant_id": vk})
                    for r in stock[variant[v_cols.index("id")]]
                ]
            if (i + 1) % BATCH == 0 or i + 1 == copies:
                yield out
                out = defaultdict(list)

    done = 0
    for out in batches():
        with transaction.atomic():
            _write(Product._meta.db_table, p_cols, out["p"])
            for model in (ProductTranslation, ListingPrice):
                columns = by_product[model][0]
                _write(model._meta.db_table, columns, out[model._meta.db_table])
            _write(Variant._meta.db_table, v_cols, out["v"])
            _write(Stock._meta.db_table, s_cols, out["s"])
        done += len(out["p"])
        if progress:
            progress(done)
    return done
