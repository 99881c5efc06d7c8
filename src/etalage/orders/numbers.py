"""Order numbers a buyer can read out on the phone. Pure.

``E2611-27KX-9M4Q-AB3Z``: the placing year and month, then twelve characters of
Crockford's base 32 (no I, L, O or U, so nothing is misread) in groups of four.
Sub-orders add ``-1``, ``-2``… Sixty random bits a month keep collisions rare even at
a billion orders a month; the database's unique constraint catches the rest and the
order is numbered again.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_BITS = 60


def order_number(on: date, randbits: Callable[[int], int] = secrets.randbits) -> str:
    value = randbits(RANDOM_BITS)
    chars = "".join(
        ALPHABET[(value >> shift) & 31] for shift in range(RANDOM_BITS - 5, -1, -5)
    )
    return f"E{on:%y%m}-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def sub_order_number(order_number: str, index: int) -> str:
    return f"{order_number}-{index}"
