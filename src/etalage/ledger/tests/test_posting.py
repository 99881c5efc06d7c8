"""The posting rules, without a database: every cent of a capture, a refund, a
commission and a maturity, and that no sequence of them unbalances anything."""

from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etalage.ledger import chart
from etalage.ledger.posting import (
    Leg,
    PostingError,
    SubOrderFigures,
    capture_legs,
    commission_legs,
    legs_merged,
    maturity_legs,
    percent_of,
    refund_legs,
    refund_shares,
)

RECEIVABLE = "provider_receivable:alipay"


def sub(key="s1", merchant="m1", goods=15860, freight=5800, tax=1971, eur=2000, **kw):
    return SubOrderFigures(
        key=key,
        merchant=merchant,
        goods_paid=goods,
        freight_paid=freight,
        tax_paid=tax,
        goods_eur=eur,
        commission_percent=Decimal("15"),
        vat_percent=Decimal("21"),
        **kw,
    )


def as_dict(legs):
    return {(leg.account, leg.currency): leg.amount for leg in legs}


def test_legs_that_do_not_balance_are_refused():
    with pytest.raises(PostingError, match="do not balance"):
        legs_merged([Leg("bank", "EUR", 100), Leg("fx", "EUR", -99)])


def test_percent_rounds_half_up_to_the_cent():
    assert percent_of(1739, Decimal("15")) == 261  # 2.6085 -> 2.61
    assert percent_of(261, Decimal("21")) == 55  # 0.5481 -> 0.55
    assert percent_of(10, Decimal("15")) == 2  # 0.015 -> 0.02 (half up)


def test_a_capture_owes_tax_freight_and_each_merchants_goods():
    first = sub()
    second = sub("s2", "m2", goods=23791, freight=5800, tax=2693, eur=3000)
    legs = as_dict(capture_legs(RECEIVABLE, "CNY", [first, second]))
    assert legs == {
        (RECEIVABLE, "CNY"): 55915,
        ("cbec_tax_payable", "CNY"): -4664,
        ("freight_payable", "CNY"): -11600,
        ("fx", "CNY"): -39651,
        ("fx", "EUR"): 5000,
        ("merchant_pending:m1", "EUR"): -2000,
        ("merchant_pending:m2", "EUR"): -3000,
    }


def test_commission_is_on_the_goods_that_stay_sold_with_vat_on_it():
    refunded = sub(
        refunded_goods_paid=10000, refunded_goods_eur=1261, eur=3000, goods=23791
    )
    legs, after = commission_legs(refunded)
    assert as_dict(legs) == {
        ("merchant_pending:m1", "EUR"): 261 + 55,
        ("commission_revenue", "EUR"): -261,
        ("commission_vat_payable", "EUR"): -55,
    }
    assert after.net_eur == 3000 - 1261 - 261 - 55 == 1423
    with pytest.raises(PostingError, match="posted already"):
        commission_legs(after)


def test_a_partial_refund_falls_on_the_named_parcel_goods_first():
    first, second = sub(), sub("s2", "m2", goods=23791, tax=2693, eur=3000)
    shares = refund_shares(10000, [first, second], frozenset({"s2"}))
    assert [(s.key, s.goods_paid, s.freight_paid, s.tax_paid) for s in shares] == [
        ("s2", 10000, 0, 0)
    ]
    legs, after = refund_legs(RECEIVABLE, "CNY", second, shares[0])
    assert as_dict(legs) == {
        (RECEIVABLE, "CNY"): -10000,
        ("fx", "CNY"): 10000,
        ("fx", "EUR"): -1261,  # 100.00 x 30.00 / 237.91 = 12.6098
        ("merchant_pending:m2", "EUR"): 1261,
    }
    assert after.refunded_goods_eur == 1261


def test_a_refund_of_the_whole_parcel_gives_back_tax_and_freight_and_the_last_cent():
    parcel = sub(refunded_goods_paid=3333, refunded_goods_eur=420)
    (share,) = refund_shares(parcel.left_paid, [parcel])
    assert (share.goods_paid, share.freight_paid, share.tax_paid) == (12527, 5800, 1971)
    legs, after = refund_legs(RECEIVABLE, "CNY", parcel, share)
    assert as_dict(legs)[("merchant_pending:m1", "EUR")] == 2000 - 420
    assert after.net_eur == 0 and after.left_paid == 0


def test_an_unnamed_refund_is_shared_in_proportion_to_what_is_left():
    a, b = sub("a", goods=100, freight=0, tax=0), sub("b", goods=200, freight=0, tax=0)
    shares = refund_shares(100, [a, b])
    assert [(s.key, s.total) for s in shares] == [("a", 33), ("b", 67)]
    with pytest.raises(PostingError):
        refund_shares(301, [a, b])


def test_a_refund_after_delivery_takes_the_commission_back():
    delivered = commission_legs(sub())[1]  # 20.00: commission 3.00, VAT 0.63
    (share,) = refund_shares(7930, [delivered])  # one of the two units
    legs, after = refund_legs(RECEIVABLE, "CNY", delivered, share)
    assert after.commission_eur == 150 and after.commission_vat_eur == 32
    assert as_dict(legs)[("commission_revenue", "EUR")] == 300 - 150
    assert as_dict(legs)[("commission_vat_payable", "EUR")] == 63 - 32
    assert after.net_eur == 1000 - 150 - 32


def test_maturity_moves_the_net_from_pending_to_available():
    legs, after = maturity_legs(commission_legs(sub())[1])
    assert as_dict(legs) == {
        ("merchant_available:m1", "EUR"): -1637,
        ("merchant_pending:m1", "EUR"): 1637,
    }
    assert after.bucket == "merchant_available:m1"
    with pytest.raises(PostingError):
        maturity_legs(after)


def test_an_account_is_kept_per_owner_only_where_the_chart_says():
    assert chart.account_key(chart.MERCHANT_PENDING, "m1") == "merchant_pending:m1"
    with pytest.raises(ValueError):
        chart.account_key(chart.BANK, "m1")
    with pytest.raises(ValueError):
        chart.account_key(chart.MERCHANT_AVAILABLE)


steps = st.lists(
    st.tuples(
        st.sampled_from(["refund", "deliver", "mature"]),
        st.integers(0, 1),
        st.integers(1, 40000),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(
    goods=st.tuples(st.integers(0, 50000), st.integers(0, 50000)),
    eur=st.tuples(st.integers(1, 9000), st.integers(1, 9000)),
    steps=steps,
)
def test_any_sequence_balances_and_each_merchant_is_owed_its_net(goods, eur, steps):
    subs = [
        sub("a", "m1", goods=goods[0], freight=700, tax=goods[0] // 10, eur=eur[0]),
        sub("b", "m2", goods=goods[1], freight=500, tax=goods[1] // 9, eur=eur[1]),
    ]
    balances: dict[tuple[str, str], int] = defaultdict(int)

    def book(legs):
        for leg in legs_merged(legs):  # refuses unbalanced legs
            balances[leg.account, leg.currency] += leg.amount

    book(capture_legs(RECEIVABLE, "CNY", subs))
    for action, index, amount in steps:
        current = subs[index]
        if action == "refund" and current.left_paid:
            for share in refund_shares(
                min(amount, current.left_paid), subs, frozenset({current.key})
            ):
                i = next(n for n, s in enumerate(subs) if s.key == share.key)
                legs, subs[i] = refund_legs(RECEIVABLE, "CNY", subs[i], share)
                book(legs)
        elif action == "deliver" and not current.commission_posted:
            legs, subs[index] = commission_legs(current)
            book(legs)
        elif action == "mature" and current.commission_posted and not current.matured:
            legs, subs[index] = maturity_legs(current)
            book(legs)
    for s in subs:
        owed = -(
            balances[f"merchant_pending:{s.merchant}", "EUR"]
            + balances[f"merchant_available:{s.merchant}", "EUR"]
        )
        assert owed == s.net_eur >= 0
        assert s.refunded_goods_eur <= s.goods_eur
    assert balances[RECEIVABLE, "CNY"] == sum(s.left_paid for s in subs)
    assert -balances["cbec_tax_payable", "CNY"] == sum(
        s.tax_paid - s.refunded_tax_paid for s in subs
    )


def test_a_return_names_its_tax_which_falls_on_tax_not_freight():
    parcel = sub()
    (share,) = refund_shares(7930 + 985, [parcel], frozenset({"s1"}), tax=985)
    assert (share.goods_paid, share.freight_paid, share.tax_paid) == (7930, 0, 985)
    legs, _after = refund_legs(RECEIVABLE, "CNY", parcel, share)
    assert as_dict(legs)[("cbec_tax_payable", "CNY")] == 985
    with pytest.raises(PostingError, match="beyond"):
        refund_shares(100, [parcel], frozenset({"s1"}), tax=1972)  # more than paid
    with pytest.raises(PostingError, match="beyond"):
        refund_shares(15860 + 5800 + 1 + 985, [parcel], frozenset({"s1"}), tax=985)
