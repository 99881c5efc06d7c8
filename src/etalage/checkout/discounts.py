"""The rows an order's promotions leave behind, written with the order.

Per sub-order: its goods and freight before any promotion, the freight each
funder waived, its non-cash discount (CEB311) and the merchant's part in EUR at the
order's rate, which comes off the merchant's goods in EUR (what it is owed). Per
line: the seller's and the platform's parts. Built in memory for the placement's
one round of writes (``core.writes``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from etalage.checkout.quote import CartQuote
from etalage.money import Money
from etalage.orders.models import SubOrder
from etalage.pricing.core import FxQuote
from etalage.promotions.models import LineDiscount, ParcelDiscount


def merchant_eur(amount: Decimal, fx: FxQuote | None) -> Decimal:
    """A merchant-funded amount (in the buyer's currency) in EUR, at the order's
    effective rate, half-up to the cent."""
    if fx is None or fx.currency == "EUR":
        return amount
    return Money(amount / fx.effective_rate, "EUR").rounded().amount


def promotion_rows(
    *, quote: CartQuote, sub_orders: Sequence[SubOrder], fx: FxQuote | None
) -> list[list[LineDiscount] | list[ParcelDiscount]]:
    """The discount rows of an order's sub-orders (none without promotions); each
    sub-order's ``goods_eur`` lowered by its merchant's part."""
    discounts = quote.discounts
    if discounts is None or not discounts.applied:
        return []
    parcels: list[ParcelDiscount] = []
    lines: list[LineDiscount] = []
    for sub, sub_order in zip(quote.sub_orders, sub_orders, strict=True):
        if sub.savings is None or not sub.savings.amount:
            continue
        shares = {str(ql.variant.pk): ql for ql in sub.lines}
        merchant_part = Decimal(0)
        for key, ql in shares.items():
            share = discounts.line(key)
            if share.total:
                lines.append(
                    LineDiscount(sub_order=sub_order, variant=ql.variant,
                                 merchant=share.merchant, platform=share.platform)
                )  # fmt: skip
                merchant_part += share.merchant
        assert sub.goods_shown is not None and sub.freight_shown is not None
        waived_merchant = sub.freight_shown.amount - sub.freight.amount
        merchant_part += waived_merchant
        eur = merchant_eur(merchant_part, fx)
        sub_order.goods_eur -= eur
        parcels.append(
            ParcelDiscount(
                sub_order=sub_order,
                goods_shown=sub.goods_shown.amount,
                freight_shown=sub.freight_shown.amount,
                freight_merchant=waived_merchant,
                freight_platform=discounts.parcel(sub.key).platform,
                noncash=sub.discount.amount if sub.discount else Decimal(0),
                merchant_eur=eur,
            )
        )
    return [parcels, lines]
