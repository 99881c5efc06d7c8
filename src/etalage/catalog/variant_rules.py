"""What a variant's SKU, price, shipping weight and net content may be. Pure.

The one home of these rules: the merchant portal's form, the merchant API, the
catalogue import and the catalogue's services all ask this module, so a value is
refused the same way, with the same words, whichever door it came through. Each
rule answers with a ``Refusal`` naming the field and saying the whole rule in
English; ``catalog.validators`` translates it for the reader and formats its
figures (``variant_refusal_error``), the doors show it.

The bounds:

* a SKU is 1 to 64 letters, digits and ``. _ / -``, starting with a letter or a
  digit (it travels in URLs, labels and the merchant's own files);
* a price in EUR is more than 0 and below 1,000,000, in whole cents;
* a shipping weight is a whole number of grams from 1 to 1,000,000 (a tonne);
* a net content (g, ml or pieces) is a whole number from 1 to 10,000,000.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from etalage.money import Money

SKU_MAX_LENGTH = 64
SKU_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/\-]{0,63}")
PRICE_CEILING_EUR = Decimal("1000000")  # a price is below it
WEIGHT_MAX_GRAMS = 1_000_000
NET_CONTENT_MAX = 10_000_000


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation; it is translated where it is shown."""
    return message


SKU_MESSAGE = gettext_noop(
    "The SKU is 1 to %(max)s characters: letters, digits and . _ / -, "
    "starting with a letter or a digit."
)
PRICE_MESSAGE = gettext_noop(
    "The price (EUR) is more than 0 and below %(ceiling)s, with at most 2 decimals."
)
WEIGHT_MESSAGE = gettext_noop(
    "The shipping weight is a whole number of grams from 1 to %(max)s."
)
NET_CONTENT_MESSAGE = gettext_noop(
    "The net content is a whole number from 1 to %(max)s (of g, ml or pieces)."
)


@dataclass(frozen=True)
class Refusal:
    """Why a value is refused: the field, the rule's message (in English, with
    ``%(name)s`` placeholders) and the figures that fill them."""

    field: str
    message: str
    params: dict[str, int | Decimal]


def sku_refusal(sku: str) -> Refusal | None:
    """Refuse a SKU that is empty, too long or holds other characters."""
    if isinstance(sku, str) and SKU_PATTERN.fullmatch(sku):
        return None
    return Refusal("sku", SKU_MESSAGE, {"max": SKU_MAX_LENGTH})


def price_refusal(price_eur: Decimal) -> Refusal | None:
    """Refuse a price that is not above 0, not below the ceiling or not in cents."""
    if (
        isinstance(price_eur, Decimal)
        and price_eur.is_finite()
        and 0 < price_eur < PRICE_CEILING_EUR
        and Money(price_eur, "EUR").is_rounded()
    ):
        return None
    return Refusal("price_eur", PRICE_MESSAGE, {"ceiling": PRICE_CEILING_EUR})


def _whole(value: int, low: int, high: int) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and (low <= value <= high)
    )


def weight_refusal(weight_grams: int) -> Refusal | None:
    """Refuse a shipping weight outside 1 g to a tonne."""
    if _whole(weight_grams, 1, WEIGHT_MAX_GRAMS):
        return None
    return Refusal("weight_grams", WEIGHT_MESSAGE, {"max": WEIGHT_MAX_GRAMS})


def net_content_refusal(net_content: int) -> Refusal | None:
    """Refuse a net content outside 1 to ``NET_CONTENT_MAX``."""
    if _whole(net_content, 1, NET_CONTENT_MAX):
        return None
    return Refusal("net_content", NET_CONTENT_MESSAGE, {"max": NET_CONTENT_MAX})


def variant_refusals(
    *, sku: str | None, price_eur: Decimal, weight_grams: int, net_content: int
) -> list[Refusal]:
    """Every rule a variant's values break, in the order of the fields (a ``sku``
    of None is not judged: a SKU already stored and kept as it is)."""
    found = (
        None if sku is None else sku_refusal(sku),
        price_refusal(price_eur),
        weight_refusal(weight_grams),
        net_content_refusal(net_content),
    )
    return [refusal for refusal in found if refusal is not None]
