"""A product's card as the index stored it: what a page of results, a listing or a
suggestion shows of each product, so that such a page reads no row of the
database.

The index writes it with the product's terms (``search.documents``) and the
follower rewrites it when the listing, its figures or its prices change (the
same events that move the product in the index). The prices are the
catalogue's ``ListingPrice`` per market, kept exactly (decimal strings, never a
float); the index's float price columns only sort and filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from etalage.money import Money
from etalage.reviews.selectors import NO_STATS, CardStats


@dataclass(frozen=True)
class StoredCard:
    id: UUID
    slug: str
    names: dict[str, str]  # language: the product's name in it
    merchant_slug: str
    merchant_name: str
    thumbnail: str  # the first image's thumbnail, a name in the media storage
    is_illustration: bool
    active_variants: int
    tax_class: str
    prices: dict[str, Money]  # market code: what its cards show there
    # Its stars and units sold this month, as the index last took them (its
    # follower, on the reviews' and the orders' events and the day's chore).
    stats: CardStats = NO_STATS

    @classmethod
    def from_stored(cls, id: UUID, stored: dict[str, Any]) -> StoredCard:
        image = stored.get("image") or ("", False)
        tenths, reviews, sold = stored.get("stats") or (0, 0, 0)
        return cls(
            id=id,
            slug=stored["slug"],
            names=stored["names"],
            merchant_slug=stored["merchant_slug"],
            merchant_name=stored["merchant_name"],
            thumbnail=image[0],
            is_illustration=bool(image[1]),
            active_variants=int(stored["variants"]),
            tax_class=stored["tax_class"],
            prices={
                market: Money(Decimal(amount), currency)
                for market, (amount, currency) in stored["prices"].items()
            },
            stats=CardStats(
                # Kept to one decimal (``ProductRating.average``): 45 is 4.5.
                Decimal(tenths).scaleb(-1) if reviews else None,
                reviews,
                sold,
            )
            if reviews or sold
            else NO_STATS,
        )


def cards_read(ids: list[UUID], stored: list[dict[str, Any]]) -> list[StoredCard]:
    return [StoredCard.from_stored(i, s) for i, s in zip(ids, stored, strict=True)]
