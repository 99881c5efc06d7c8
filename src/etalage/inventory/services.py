"""Changes of stock, each recorded as a movement in the same transaction.

Units are allocated, released and shipped on rows locked first (always in key order,
so that two orders never deadlock) by ``stock_move_locked``; a database constraint
(allocated never above on hand) backs it, so two buyers can never both take the last
unit, whatever the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from etalage.catalog.models import Variant
from etalage.core.prepared import PreparedRead
from etalage.core.writes import Writes, writes_or_now
from etalage.inventory.models import Stock, StockMovement, Warehouse
from etalage.merchants.models import Merchant


class OutOfStock(ValidationError):
    """Not enough units are available."""


def _stock(warehouse: Warehouse, variant: Variant) -> Stock:
    if (
        warehouse.kind == Warehouse.Kind.MERCHANT
        and warehouse.merchant_id != variant.merchant_id
    ):
        raise ValidationError({"warehouse": _("This warehouse is another merchant's.")})
    stock, _created = Stock.objects.get_or_create(warehouse=warehouse, variant=variant)
    return stock


@transaction.atomic
def stock_receive(
    *,
    warehouse: Warehouse,
    variant: Variant,
    quantity: int,
    by: User | None = None,
    note: str = "",
) -> Stock:
    """Units arrive in a warehouse."""
    if quantity <= 0:
        raise ValidationError({"quantity": _("Receive at least one unit.")})
    stock = _stock(warehouse, variant)
    Stock.objects.filter(pk=stock.pk).update(on_hand=F("on_hand") + quantity)
    StockMovement.objects.create(
        stock=stock,
        reason=StockMovement.Reason.RECEIVED,
        on_hand_delta=quantity,
        by=by,
        note=note,
    )
    stock.refresh_from_db()
    return stock


@transaction.atomic
def stock_returned(
    *, stock: Stock, quantity: int, by: User | None = None, note: str = ""
) -> None:
    """Units a buyer sent back, inspected and fit to sell, are on the shelf again."""
    if quantity <= 0:
        raise ValidationError({"quantity": _("Return at least one unit.")})
    Stock.objects.filter(pk=stock.pk).update(on_hand=F("on_hand") + quantity)
    StockMovement.objects.create(
        stock=stock,
        reason=StockMovement.Reason.RETURNED,
        on_hand_delta=quantity,
        by=by,
        note=note,
    )


@transaction.atomic
def stock_count(
    *,
    warehouse: Warehouse,
    variant: Variant,
    on_hand: int,
    by: User | None = None,
    note: str = "",
) -> Stock:
    """Set the counted number of units; never below what is promised to orders."""
    if on_hand < 0:
        raise ValidationError({"on_hand": _("A count cannot be negative.")})
    stock = Stock.objects.select_for_update().get(pk=_stock(warehouse, variant).pk)
    if on_hand < stock.allocated:
        raise ValidationError(
            {
                "on_hand": _("%(n)d units are promised to orders; count at least that.")
                % {"n": stock.allocated}
            }
        )
    delta = on_hand - stock.on_hand
    if delta:
        Stock.objects.filter(pk=stock.pk).update(on_hand=on_hand)
        StockMovement.objects.create(
            stock=stock,
            reason=StockMovement.Reason.ADJUSTED,
            on_hand_delta=delta,
            by=by,
            note=note,
        )
    stock.refresh_from_db()
    return stock


@transaction.atomic
def stock_counts_record(
    *,
    warehouse: Warehouse,
    counts: Iterable[tuple[Variant, int]],
    by: User | None = None,
    note: str = "",
) -> None:
    """Record several variants' counts at once: all of them or, with the first
    refusal keyed by the variant's SKU, none."""
    for variant, on_hand in counts:
        try:
            stock_count(
                warehouse=warehouse, variant=variant, on_hand=on_hand, by=by, note=note
            )
        except ValidationError as error:
            raise ValidationError({variant.sku: error.messages}) from None


@transaction.atomic
def stock_allocate(*, stock: Stock, quantity: int, note: str = "") -> None:
    """Promise units of one stock row, or raise OutOfStock (orders allocate many rows
    at once with ``stock_lock`` and ``stock_move_locked``)."""
    locked = stock_lock_by_key([stock.pk])[stock.pk]
    stock_move_locked(
        moves=[(locked, quantity)], reason=StockMovement.Reason.ALLOCATED, note=note
    )


@transaction.atomic
def stock_release(*, stock: Stock, quantity: int, note: str = "") -> None:
    """Give promised units of one stock row back."""
    locked = stock_lock_by_key([stock.pk])[stock.pk]
    stock_move_locked(
        moves=[(locked, quantity)], reason=StockMovement.Reason.RELEASED, note=note
    )


def stock_available(
    *, variant_ids: Iterable[UUID], kinds: Iterable[str]
) -> dict[UUID, int]:
    """Units available per variant over the warehouses of ``kinds`` (one query)."""
    totals: dict[UUID, int] = {}
    for (variant_id, _kind), units in stock_available_by_kind(
        variant_ids=variant_ids, kinds=kinds
    ).items():
        totals[variant_id] = totals.get(variant_id, 0) + units
    return totals


# Read by every product page's first view: compiled once (``core.prepared``).
_STOCK_BY_KIND = PreparedRead(
    lambda variant_ids, kinds: Stock.objects.filter(
        variant_id__in=variant_ids, warehouse__kind__in=kinds, warehouse__is_active=True
    ).values_list("variant_id", "warehouse__kind", "on_hand", "allocated"),
    [Stock._meta.get_field("variant")],
    [Warehouse._meta.get_field("kind")],
)


def stock_available_by_kind(
    *, variant_ids: Iterable[UUID], kinds: Iterable[str]
) -> dict[tuple[UUID, str], int]:
    """Units available per variant and kind of warehouse, over ``kinds`` (one
    query): where a product would ship from."""
    found: dict[tuple[UUID, str], int] = {}
    for variant_id, kind, on_hand, allocated in _STOCK_BY_KIND(variant_ids, kinds):
        key = (variant_id, kind)
        found[key] = found.get(key, 0) + on_hand - allocated
    return found


def merchant_warehouse(*, merchant: Merchant) -> Warehouse:
    """The merchant's own warehouse, made the first time it is needed."""
    warehouse = Warehouse.objects.filter(
        merchant=merchant, kind=Warehouse.Kind.MERCHANT, is_active=True
    ).first()
    if warehouse is None:
        warehouse = Warehouse.objects.create(
            code=f"{merchant.slug}-own"[:40],
            name=f"{merchant.name} ({merchant.city})",
            kind=Warehouse.Kind.MERCHANT,
            merchant=merchant,
        )
    return warehouse


def stock_lock(*, variant_ids: Iterable[UUID], kinds: Iterable[str]) -> list[Stock]:
    """Lock the stock rows of ``variant_ids`` in warehouses of ``kinds`` until the
    transaction ends, always in key order, so that two orders never deadlock."""
    return list(
        _locking().filter(
            variant_id__in=variant_ids,
            warehouse__kind__in=kinds,
            warehouse__is_active=True,
        )
    )


def stock_lock_by_key(keys: Iterable[int]) -> dict[int, Stock]:
    """Lock the stock rows with these keys (in key order); return them by key."""
    return {stock.pk: stock for stock in _locking().filter(pk__in=set(keys))}


def _locking() -> QuerySet[Stock]:
    return (
        Stock.objects.select_for_update(of=("self",))
        .select_related("warehouse")
        .order_by("pk")
    )


_MOVES: dict[str, tuple[int, int]] = {
    # reason: (on-hand sign, allocated sign)
    StockMovement.Reason.ALLOCATED: (0, 1),
    StockMovement.Reason.RELEASED: (0, -1),
    StockMovement.Reason.SHIPPED: (-1, -1),
}


def stock_move_locked(
    *,
    moves: list[tuple[Stock, int]],
    reason: str,
    note: str = "",
    by: User | None = None,
    writes: Writes | None = None,
) -> None:
    """Allocate, release or ship units on rows locked by ``stock_lock`` (or re-read
    under lock), in two statements whatever the number of rows (sent with
    ``writes`` when given): the order's transaction writes stock and movements
    together. The database's constraint refuses anything that would oversell."""
    on_hand_sign, allocated_sign = _MOVES[reason]
    merged: dict[int, tuple[Stock, int]] = {}
    for stock, quantity in moves:
        if quantity <= 0:
            raise ValueError("move at least one unit")
        already = merged.get(stock.pk, (stock, 0))[1]
        merged[stock.pk] = (stock, already + quantity)
    rows, movements = [], []
    for stock, quantity in merged.values():
        stock.on_hand += on_hand_sign * quantity
        stock.allocated += allocated_sign * quantity
        if stock.allocated < 0:
            raise ValidationError(_("Fewer units are promised than are released."))
        if stock.allocated > stock.on_hand or stock.on_hand < 0:
            raise OutOfStock(_("Not enough units left."), code="out_of_stock")
        rows.append((stock.pk, on_hand_sign * quantity, allocated_sign * quantity))
        movements.append(
            StockMovement(
                stock=stock,
                reason=reason,
                by=by,
                note=note,
                on_hand_delta=on_hand_sign * quantity,
                allocated_delta=allocated_sign * quantity,
            )
        )
    with writes_or_now(writes) as sent:
        sent.execute(*_deltas_statement(rows))
        sent.insert(movements)


def _deltas_statement(rows: list[tuple[int, int, int]]) -> tuple[str, list[int]]:
    """Add (on hand, allocated) deltas to stock rows in one statement."""
    table = connection.ops.quote_name(Stock._meta.db_table)
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    return (
        f"WITH v (id, on_hand_delta, allocated_delta) AS (VALUES {values}) "  # noqa: S608 (names from the model, values bound)
        f"UPDATE {table} SET on_hand = {table}.on_hand + v.on_hand_delta, "
        f"allocated = {table}.allocated + v.allocated_delta "
        f"FROM v WHERE {table}.id = v.id",
        [value for row in rows for value in row],
    )
