"""Freight for a parcel from its weight, by weight bands. Pure Python.

Direct mail through the Liège hub is priced per parcel (one per merchant sub-order)
by weight band: the parcel pays the price of the first band whose upper bound is at
or above its weight. Bonded-warehouse delivery is flat (one band with no bound).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class WeightBand:
    max_grams: int | None  # None: no upper bound
    price: Decimal  # CNY, whole cents


class TooHeavy(ValueError):
    """No band carries a parcel this heavy."""


def parcel_freight(bands: list[WeightBand], weight_grams: int) -> Decimal:
    """Return the freight of a parcel of ``weight_grams`` (TooHeavy past the bands)."""
    if weight_grams <= 0:
        raise ValueError("a parcel weighs something")
    ordered = sorted(bands, key=lambda b: (b.max_grams is None, b.max_grams or 0))
    for band in ordered:
        if band.max_grams is None or weight_grams <= band.max_grams:
            return band.price
    raise TooHeavy(f"no freight band carries {weight_grams} g")
