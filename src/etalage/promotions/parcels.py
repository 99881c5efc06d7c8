"""Each parcel's own offers, for the order's page: which promotions took something
off a placed parcel, and how much, from what was kept when it was placed.

A shop's promotion (funded by the shop) takes off its own parcel only; a platform
promotion may spread over several parcels. What each parcel owes each funder is
kept (``LineDiscount`` and ``ParcelDiscount``), and what each promotion took off
the whole order (``Redemption``), but not each promotion's share of each parcel:
it is found when one promotion alone answers for a funder's part of a parcel (the
shop's offers in the shop's only parcel, the only platform offer — a coupon — in
each parcel). Otherwise the parcel's share is ``None`` and the page names the
offers with their sum for the parcel."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.db.models import Sum

from etalage.promotions.models import LineDiscount, ParcelDiscount, Redemption

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ParcelOffer:
    """A promotion that took something off a parcel: ``amount`` what it took off
    that parcel, ``None`` when what was kept does not tell it apart."""

    redemption: Redemption
    amount: Decimal | None


def _parts(sub_ids: list[UUID]) -> dict[UUID, dict[str, Decimal]]:
    """What each parcel's promotions took off it, by funder (two queries)."""
    parts: dict[UUID, dict[str, Decimal]] = defaultdict(
        lambda: {"merchant": ZERO, "platform": ZERO}
    )
    lines = (
        LineDiscount.objects.filter(sub_order_id__in=sub_ids)
        .values("sub_order_id")
        .annotate(merchant=Sum("merchant"), platform=Sum("platform"))
    )
    for row in lines:
        part = parts[row["sub_order_id"]]
        part["merchant"] += row["merchant"] or ZERO
        part["platform"] += row["platform"] or ZERO
    freight = ParcelDiscount.objects.filter(sub_order_id__in=sub_ids).values_list(
        "sub_order_id", "freight_merchant", "freight_platform"
    )
    for sub_id, merchant, platform in freight:
        parts[sub_id]["merchant"] += merchant
        parts[sub_id]["platform"] += platform
    return parts


def parcel_offers(
    subs: Iterable[tuple[UUID, UUID]], redemptions: Iterable[Redemption]
) -> dict[UUID, list[ParcelOffer]]:
    """Each parcel's offers, by parcel key, for an order's parcels given as
    (parcel key, merchant key) and the order's redemptions (their promotions
    loaded)."""
    subs, redemptions = list(subs), list(redemptions)
    if len(subs) == 1:  # one parcel: each promotion took all it took off it
        return {subs[0][0]: [ParcelOffer(r, r.amount) for r in redemptions]}
    parts = _parts([sub_id for sub_id, _merchant in subs])
    parcels_of: dict[UUID, int] = defaultdict(int)
    for _sub_id, merchant_id in subs:
        parcels_of[merchant_id] += 1
    platform = [r for r in redemptions if r.funder == "platform"]
    found: dict[UUID, list[ParcelOffer]] = {}
    for sub_id, merchant_id in subs:
        part = parts.get(sub_id, {"merchant": ZERO, "platform": ZERO})
        own = [
            r
            for r in redemptions
            if r.funder == "merchant" and r.promotion.merchant_id == merchant_id
        ]
        offers = []
        if part["merchant"] and own:
            if parcels_of[merchant_id] == 1:
                offers += [ParcelOffer(r, r.amount) for r in own]
            else:
                alone = len(own) == 1
                offers += [
                    ParcelOffer(r, part["merchant"] if alone else None) for r in own
                ]
        if part["platform"] and platform:
            mine = [
                r for r in platform if r.promotion.merchant_id in (None, merchant_id)
            ]
            alone = len(mine) == 1
            offers += [
                ParcelOffer(r, part["platform"] if alone else None) for r in mine
            ]
        found[sub_id] = offers
    return found
