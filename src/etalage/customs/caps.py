"""Per-person yearly quantity caps of the CBEC positive list. Pure Python.

Some lines of the positive list limit what one person may buy in a calendar year (for
example "2 kg" of sugar). The list states the cap as text; ``parse_cap`` reads it into
an amount in grams, millilitres or pieces, and ``counted`` says how much of the cap a
line uses: its net weight (or volume) times its quantity, or its number of pieces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

GRAMS, MILLILITRES, PIECES = "g", "ml", "piece"

_UNITS: dict[str, tuple[str, Decimal]] = {
    "kg": (GRAMS, Decimal(1000)),
    "千克": (GRAMS, Decimal(1000)),
    "公斤": (GRAMS, Decimal(1000)),
    "g": (GRAMS, Decimal(1)),
    "克": (GRAMS, Decimal(1)),
    "l": (MILLILITRES, Decimal(1000)),
    "升": (MILLILITRES, Decimal(1000)),
    "ml": (MILLILITRES, Decimal(1)),
    "毫升": (MILLILITRES, Decimal(1)),
    "piece": (PIECES, Decimal(1)),
    "pieces": (PIECES, Decimal(1)),
    "pcs": (PIECES, Decimal(1)),
    "件": (PIECES, Decimal(1)),
    "个": (PIECES, Decimal(1)),
}
_CAP = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([^\d\s].*?)\s*$")


@dataclass(frozen=True, slots=True)
class Cap:
    amount: Decimal  # in the unit below
    unit: str  # GRAMS, MILLILITRES or PIECES


def parse_cap(text: str) -> Cap | None:
    """Read "2 kg", "750 ml", "6 pieces" (or 件, 千克, 升…); None for no cap.

    Raises ValueError with the reason when the text is not a cap.
    """
    if not text.strip():
        return None
    found = _CAP.match(text)
    unit = _UNITS.get(found.group(2).lower()) if found else None
    if found is None or unit is None:
        raise ValueError(
            f"{text!r} is not a yearly cap: write an amount and kg, g, L, ml or pieces"
        )
    try:
        amount = Decimal(found.group(1).replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(f"{text!r} is not a number") from None
    if amount <= 0:
        raise ValueError("a yearly cap is more than nothing")
    return Cap(amount=amount * unit[1], unit=unit[0])


def counted(cap: Cap, *, net_grams_per_unit: int, quantity: int) -> Decimal:
    """How much of ``cap`` a line of ``quantity`` units uses.

    Weights and volumes count the product's net content per unit (a millilitre counted
    as a gram: the catalogue keeps one net content, in grams, per product).
    """
    if cap.unit == PIECES:
        return Decimal(quantity)
    return Decimal(net_grams_per_unit) * quantity


def describe(cap: Cap) -> str:
    """The cap in words: "2 kg", "750 ml", "6 pieces"."""
    if cap.unit == PIECES:
        return f"{cap.amount.normalize():f} pieces"
    big, small = ("kg", "g") if cap.unit == GRAMS else ("L", "ml")
    if cap.amount >= 1000:
        return f"{(cap.amount / 1000).normalize():f} {big}"
    return f"{cap.amount.normalize():f} {small}"
