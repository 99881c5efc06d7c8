"""What customs is told of a discounted sub-order, and what each line was paid. Pure.

A merchant-funded discount lowers the real transaction price: the line's declared
goods (``OrderLine.reduction``) or the parcel's declared freight, and so the CBEC
tax. A platform-funded one is a non-cash payment (CEB311 ``discount``: "使用积分、
虚拟货币、代金券等非现金支付金额"): the goods value ("含非现金抵扣金额") and the tax
stay whole, and ``acturalPaid = goodsValue + freight + taxTotal - discount`` is
what the buyer pays and the payment declaration carries.

A line's *paid* amount is its declared goods, freight share and taxes, less its
share of the platform's discount: the lines of a sub-order add up to its
``acturalPaid``, and refunding a line (or some of its units) gives back that.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from etalage.customs.cbec import OrderTax, SubOrder, allocate
from etalage.promotions.core import ZERO, CartDiscounts, largest_remainder


def declared_sub_order(
    sub_order: SubOrder, discounts: CartDiscounts, *, parcel: str
) -> SubOrder:
    """The sub-order as declared: seller's reductions in its lines and freight, the
    platform's share as its non-cash ``discount``."""
    waived = discounts.parcel(parcel)
    lines = tuple(
        replace(line, reduction=discounts.line(line.key).merchant)
        for line in sub_order.lines
    )
    platform = sum((discounts.line(line.key).platform for line in lines), ZERO)
    return replace(
        sub_order,
        lines=lines,
        freight=sub_order.freight - waived.merchant,
        discount=sub_order.discount + platform + waived.platform,
    )


@dataclass(frozen=True, slots=True)
class LinePaid:
    """One line's part of a declared sub-order, in CNY."""

    key: str
    goods: Decimal  # declared: after the seller's reduction
    freight: Decimal  # its share of the declared freight (and insurance)
    tax: Decimal
    discount: Decimal  # its share of the non-cash discount (goods and freight)

    @property
    def paid(self) -> Decimal:
        return self.goods + self.freight + self.tax - self.discount


def lines_paid(
    tax: OrderTax, discounts: CartDiscounts, *, parcel: str
) -> tuple[LinePaid, ...]:
    """Each line's declared goods, freight, tax and non-cash discount; their
    ``paid`` add up to ``tax.paid``. The platform's freight waiver is spread like
    the freight itself (``cbec.allocate`` on the declared goods)."""
    waived = allocate(discounts.parcel(parcel).platform, [t.goods for t in tax.lines])
    return tuple(
        LinePaid(
            key=t.key,
            goods=t.goods,
            freight=t.freight + t.insurance,
            tax=t.tax,
            discount=discounts.line(t.key).platform + w,
        )
        for t, w in zip(tax.lines, waived, strict=True)
    )


def units_refund(paid: Decimal, quantity: int, *, returned: int, units: int) -> Decimal:
    """What giving back ``units`` more of a line (``returned`` already given back)
    refunds: its paid amount split evenly over its units by the largest remainder,
    the earlier units taking the extra fen; the last unit closes the line exactly."""
    if not (returned >= 0 and units > 0 and returned + units <= quantity):
        raise ValueError("the units returned are more than the line has")
    shares = largest_remainder(paid, [Decimal(1)] * quantity)
    return sum(shares[returned : returned + units], ZERO)
