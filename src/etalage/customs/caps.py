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

from etalage.customs.cbec import NetContent, NetUnit

GRAMS, MILLILITRES, PIECES = NetUnit.GRAM, NetUnit.MILLILITRE, NetUnit.PIECE

_UNITS: dict[str, tuple[NetUnit, Decimal]] = {
    "kg": (GRAMS, Decimal(1000)),
    "千克": (GRAMS, Decimal(1000)),
    "公斤": (GRAMS, Decimal(1000)),
    "g": (GRAMS, Decimal(1)),
    "克": (GRAMS, Decimal(1)),
    "l": (MILLILITRES, Decimal(1000)),
    "升": (MILLILITRES, Decimal(1000)),
    "cl": (MILLILITRES, Decimal(10)),
    "ml": (MILLILITRES, Decimal(1)),
    "毫升": (MILLILITRES, Decimal(1)),
    "piece": (PIECES, Decimal(1)),
    "pieces": (PIECES, Decimal(1)),
    "pcs": (PIECES, Decimal(1)),
    "pc": (PIECES, Decimal(1)),
    "pièces": (PIECES, Decimal(1)),
    "stuks": (PIECES, Decimal(1)),
    "片": (PIECES, Decimal(1)),
    "件": (PIECES, Decimal(1)),
    "个": (PIECES, Decimal(1)),
}
_CAP = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([^\d\s].*?)\s*$")


@dataclass(frozen=True, slots=True)
class Cap:
    amount: Decimal  # in the unit below
    unit: NetUnit  # GRAMS, MILLILITRES or PIECES


def parse_quantity(text: str) -> tuple[Decimal, NetUnit] | None:
    """Read "2 kg", "33 cl", "750 ml", "6 pieces" (or 件, 千克, 升…) as an amount in
    grams, millilitres or pieces; None when the text is not such a quantity."""
    found = _CAP.match(text)
    unit = _UNITS.get(found.group(2).lower()) if found else None
    if found is None or unit is None:
        return None
    try:
        amount = Decimal(found.group(1).replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None
    return amount * unit[1], unit[0]


def parse_cap(text: str) -> Cap | None:
    """Read "2 kg", "750 ml", "6 pieces" (or 件, 千克, 升…); None for no cap.

    Raises ValueError with the reason when the text is not a cap.
    """
    if not text.strip():
        return None
    quantity = parse_quantity(text)
    if quantity is None:
        raise ValueError(
            f"{text!r} is not a yearly cap: write an amount and kg, g, L, ml or pieces"
        )
    if quantity[0] <= 0:
        raise ValueError("a yearly cap is more than nothing")
    return Cap(amount=quantity[0], unit=quantity[1])


def counted(cap: Cap, *, net: NetContent, quantity: int) -> Decimal:
    """How much of ``cap`` a line of ``quantity`` units, each holding ``net``, uses.

    A cap in pieces counts the pieces (a box of 10 masks is 10); a cap by weight or
    volume counts the net content, a millilitre as a gram (the positive list gives
    one figure per line and customs reads it so). Raises ValueError when the net
    content is a count of pieces and the cap a weight: the catalogue refuses that.
    """
    if cap.unit == PIECES:
        per_unit = net.amount if net.unit == NetUnit.PIECE else 1
        return Decimal(per_unit * quantity)
    if net.unit == NetUnit.PIECE:
        raise ValueError(
            f"a cap of {describe(cap)} counts weight or volume, not pieces"
        )
    return Decimal(net.amount * quantity)


def fits(cap: Cap, unit: NetUnit) -> bool:
    """Whether a net content in ``unit`` can be counted against ``cap``."""
    return cap.unit == PIECES or unit != NetUnit.PIECE


def describe(cap: Cap) -> str:
    """The cap in words: "2 kg", "750 ml", "6 pieces"."""
    if cap.unit == PIECES:
        return f"{cap.amount.normalize():f} pieces"
    big, small = ("kg", "g") if cap.unit == GRAMS else ("L", "ml")
    if cap.amount >= 1000:
        return f"{(cap.amount / 1000).normalize():f} {big}"
    return f"{cap.amount.normalize():f} {small}"
