"""Where an order's lines are taken from. Pure Python.

Each line takes its units from the first warehouse in the market's priority (by kind:
e.g. bonded, then the Liège hub, then the merchant's own) that has them all; a line is
not split across warehouses, because each warehouse ships its own parcel under its
own customs mode.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StockLevel:
    warehouse_id: object
    warehouse_kind: str
    variant_id: object
    available: int


@dataclass(frozen=True, slots=True)
class Allocation:
    variant_id: object
    warehouse_id: object
    quantity: int


@dataclass(frozen=True, slots=True)
class Shortage:
    variant_id: object
    wanted: int
    available: int


def allocate(
    lines: list[tuple[object, int]],
    levels: list[StockLevel],
    priority: list[str],
) -> tuple[list[Allocation], list[Shortage]]:
    """Choose a warehouse for each (variant, quantity); report what cannot be had."""
    rank = {kind: index for index, kind in enumerate(priority)}
    remaining = {(lv.warehouse_id, lv.variant_id): lv.available for lv in levels}
    by_variant: dict[object, list[StockLevel]] = {}
    for level in levels:
        if level.warehouse_kind in rank:
            by_variant.setdefault(level.variant_id, []).append(level)
    allocations, shortages = [], []
    for variant_id, quantity in lines:
        candidates = sorted(
            by_variant.get(variant_id, []),
            key=lambda lv: (rank[lv.warehouse_kind], str(lv.warehouse_id)),
        )
        chosen = next(
            (
                lv
                for lv in candidates
                if remaining[(lv.warehouse_id, variant_id)] >= quantity
            ),
            None,
        )
        if chosen is None:
            best = max(
                (remaining[(lv.warehouse_id, variant_id)] for lv in candidates),
                default=0,
            )
            shortages.append(Shortage(variant_id, quantity, best))
            continue
        remaining[(chosen.warehouse_id, variant_id)] -= quantity
        allocations.append(Allocation(variant_id, chosen.warehouse_id, quantity))
    return allocations, shortages
