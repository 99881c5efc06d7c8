"""Refunds of discounted lines in the books: the platform's non-cash discount comes
back with the goods returned, no fen lost, every refund balanced, and a returned
line takes back its own share of the discount, not the parcel's average."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etalage.ledger.posting import (
    PostingError,
    SubOrderFigures,
    refund_legs,
    refund_shares,
)

RECEIVABLE = "provider_receivable:alipay"


def parcel(goods: int, freight: int, tax: int, discount: int) -> SubOrderFigures:
    return SubOrderFigures(
        key="s1", merchant="m1", goods_paid=goods, freight_paid=freight,
        tax_paid=tax, goods_eur=goods // 8, commission_percent=Decimal("10"),
        vat_percent=Decimal("21"), discount_paid=discount,
    )  # fmt: skip


def balanced(legs) -> bool:
    totals: dict[str, int] = {}
    for leg in legs:
        totals[leg.currency] = totals.get(leg.currency, 0) + leg.amount
    return all(total == 0 for total in totals.values())


@given(
    goods=st.integers(100, 1_000_000),
    freight=st.integers(0, 20_000),
    tax=st.integers(0, 100_000),
    share=st.floats(0, 0.9),
    cuts=st.lists(st.floats(0.01, 0.99), max_size=5),
)
def test_partial_refunds_give_the_platform_its_discount_back_to_the_fen(
    goods, freight, tax, share, cuts
):
    sub = parcel(goods, freight, tax, int((goods + freight) * share))
    given_back = cash_back = 0
    for cut in cuts:
        amount = max(1, int(sub.left_cash * cut))
        if amount >= sub.left_cash:
            break
        (part,) = refund_shares(amount, [sub])
        legs, sub = refund_legs(RECEIVABLE, "CNY", sub, part)
        assert balanced(legs) and part.cash == amount
        given_back, cash_back = given_back + part.discount_paid, cash_back + amount
    (last,) = refund_shares(sub.left_cash, [sub])
    legs, sub = refund_legs(RECEIVABLE, "CNY", sub, last)
    assert balanced(legs)
    assert given_back + last.discount_paid == sub.discount_paid
    assert cash_back + last.cash == sub.cash_paid
    assert sub.left_cash == 0 and sub.net_goods_eur == 0


def test_returning_the_undiscounted_line_gives_none_of_the_discount_back():
    # Two lines of ¥200.00; a platform coupon for the first product only took
    # ¥30.00 off it. The buyer returns the second line: ¥200.00 paid for it, and
    # the refund carries the line's own share of the coupon: none.
    sub = parcel(goods=40000, freight=5000, tax=4096, discount=3000)
    (share,) = refund_shares(
        20000 + 2048, [sub], frozenset({"s1"}), tax=2048, discount=0
    )
    assert (share.goods_paid, share.discount_paid) == (20000, 0)
    legs, after = refund_legs(RECEIVABLE, "CNY", sub, share)
    assert balanced(legs) and after.net_goods_eur == sub.goods_eur // 2


def test_returning_the_discounted_line_gives_all_of_its_coupon_back():
    # The first line's ¥200.00, ¥170.00 of it paid: the platform's ¥30.00 comes
    # back with it and the merchant gives back the line's ¥200.00 of goods.
    sub = parcel(goods=40000, freight=5000, tax=4096, discount=3000)
    (share,) = refund_shares(
        17000 + 2048, [sub], frozenset({"s1"}), tax=2048, discount=3000
    )
    assert (share.goods_paid, share.discount_paid, share.cash) == (20000, 3000, 19048)


def test_a_refund_without_its_discount_recorded_keeps_the_proportional_rule():
    # A refund row from before refunds carried their discount.
    sub = parcel(goods=40000, freight=5000, tax=4096, discount=3000)
    (share,) = refund_shares(20000 + 2048, [sub], frozenset({"s1"}), tax=2048)
    assert 0 < share.discount_paid < 3000


def test_a_parcel_given_back_whole_carries_all_of_its_discount():
    first = parcel(goods=40000, freight=5000, tax=4096, discount=3000)
    second = replace(first, key="s2", discount_paid=0)
    shares = refund_shares(
        first.cash_paid + second.cash_paid, [first, second],
        frozenset({"s1", "s2"}), discount=3000,
    )  # fmt: skip
    assert [(s.key, s.total, s.discount_paid) for s in shares] == [
        ("s1", first.total_paid, 3000), ("s2", second.total_paid, 0),
    ]  # fmt: skip


@pytest.mark.parametrize("discount", [2999, 3001])
def test_a_carried_discount_that_is_not_the_parcels_is_refused(discount):
    sub = parcel(goods=40000, freight=5000, tax=4096, discount=3000)
    with pytest.raises(PostingError):
        refund_shares(sub.cash_paid, [sub], frozenset({"s1"}), discount=discount)
