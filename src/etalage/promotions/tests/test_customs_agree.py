"""Random carts with random promotions: every figure customs and the buyer see agree.

For each merchant's sub-order: goodsValue + freight + taxTotal - discount ==
acturalPaid (the CEB311 equation) == what the lines were paid; each line's tax is
the tax of its declared (seller-reduced) price and freight share; refunding every
unit, one return at a time, gives back exactly what was paid.
"""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from etalage.customs.cbec import OrderLine, SubOrder, TaxRates, order_tax
from etalage.promotions.core import (
    CartLine,
    Funder,
    Kind,
    Offer,
    Parcel,
    apply_promotions,
)
from etalage.promotions.declared import declared_sub_order, lines_paid, units_refund

RATES = [
    TaxRates(vat=D("0.13")),
    TaxRates(vat=D("0.09")),
    TaxRates(vat=D("0.13"), consumption=D("0.10"), consumption_basis="ad_valorem"),
]
MERCHANTS = ["m1", "m2", "m3"]
cents = st.integers(1, 40000).map(lambda c: D(c) / 100)


@st.composite
def carts(draw):
    lines = []
    for index in range(draw(st.integers(1, 6))):
        merchant = draw(st.sampled_from(MERCHANTS))
        lines.append((f"l{index}", merchant, draw(cents), draw(st.integers(1, 4)),
                      draw(st.sampled_from(RATES))))  # fmt: skip
    freights = {m: D(draw(st.integers(0, 9000))) / 100 for m in MERCHANTS}
    return lines, freights


@st.composite
def offers(draw):
    found = []
    for index in range(draw(st.integers(0, 4))):
        merchant = draw(st.sampled_from([*MERCHANTS, None]))
        funder = Funder.PLATFORM if merchant is None else draw(st.sampled_from(Funder))
        step = D(draw(st.integers(1, 600)))
        off = min(step, D(draw(st.integers(1, 60))))
        found.append(Offer(f"s{index}", Kind.SPEND_AND_SAVE, funder,
                           merchant=merchant, threshold=step,
                           amount_off=off))  # fmt: skip
    for index, merchant in enumerate(draw(st.lists(st.sampled_from(MERCHANTS)))):
        found.append(Offer(f"f{index}", Kind.FREE_SHIPPING,
                           draw(st.sampled_from(Funder)), merchant=merchant,
                           threshold=D(draw(st.integers(0, 500)))))  # fmt: skip
    return found


@st.composite
def coupons(draw):
    merchant = draw(st.sampled_from([*MERCHANTS, None]))
    funder = Funder.PLATFORM if merchant is None else draw(st.sampled_from(Funder))
    if draw(st.booleans()):
        terms = {"amount_off": D(draw(st.integers(1, 20000))) / 100}
    else:
        terms = {"percent_off": D(draw(st.integers(1, 99))),
                 "cap": draw(st.none() | cents)}  # fmt: skip
    return Offer("coupon", Kind.COUPON, funder, merchant=merchant,
                 threshold=D(draw(st.integers(0, 400))), **terms)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(carts(), offers(), st.none() | coupons())
def test_quote_declaration_payment_and_refunds_agree(cart, found, coupon):
    lines, freights = cart
    cart_lines = [CartLine(k, m, m, k, price * qty)
                  for k, m, price, qty, _ in lines]  # fmt: skip
    parcels = [Parcel(m, m, freights[m]) for m in sorted({ln[1] for ln in lines})]
    discounts = apply_promotions(lines=cart_lines, parcels=parcels, offers=found,
                                 coupon=coupon)  # fmt: skip
    shown = sum((ln.goods for ln in cart_lines), D(0)) + sum(
        (p.freight for p in parcels), D(0)
    )
    paid_total = taxes = D(0)
    for parcel in parcels:
        sub = SubOrder(
            key=parcel.key,
            lines=tuple(OrderLine(k, price, qty, rates)
                        for k, m, price, qty, rates in lines if m == parcel.key),
            freight=parcel.freight,
        )  # fmt: skip
        declared = declared_sub_order(sub, discounts, parcel=parcel.key)
        tax = order_tax(lines=list(declared.lines), freight=declared.freight,
                        discount=declared.discount)  # fmt: skip
        # CEB311: acturalPaid = goodsValue + freight + taxTotal - discount.
        assert tax.paid == tax.goods + tax.freight + tax.tax - tax.discount
        assert tax.goods == sum((ln.goods for ln in declared.lines), D(0))
        paid = lines_paid(tax, discounts, parcel=parcel.key)
        assert sum((p.paid for p in paid), D(0)) == tax.paid
        assert all(p.paid >= 0 for p in paid)
        for order_line, line_tax in zip(declared.lines, tax.lines, strict=True):
            # Each line's tax is that of its declared price and freight share.
            alone = order_tax(lines=[order_line], freight=line_tax.freight)
            assert alone.tax == line_tax.tax
        for part, order_line in zip(paid, declared.lines, strict=True):
            refunds = [units_refund(part.paid, order_line.quantity, returned=n,
                                    units=1)
                       for n in range(order_line.quantity)]  # fmt: skip
            assert sum(refunds, D(0)) == part.paid
        paid_total += tax.paid
        taxes += tax.tax
    # What the buyer pays is what was shown, less every discount, plus the tax.
    assert paid_total == shown - discounts.total + taxes
