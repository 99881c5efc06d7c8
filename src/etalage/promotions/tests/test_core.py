"""Promotions' pure rules: amounts, stacking, allocation to the fen."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etalage.promotions.core import (
    CartLine,
    Funder,
    Kind,
    Offer,
    Parcel,
    Refusal,
    apply_promotions,
    coupon_amount,
    largest_remainder,
    spend_and_save_amount,
    spend_and_save_progress,
)

MERCHANT, PLATFORM = Funder.MERCHANT, Funder.PLATFORM


def line(key, goods, merchant="m1", product=None):
    return CartLine(key, merchant, f"{merchant}:p", product or key, D(goods))


def every_300(merchant="m1", funder=MERCHANT, off="30"):
    return Offer("s-" + (merchant or "all"), Kind.SPEND_AND_SAVE, funder,
                 merchant=merchant, amount_off=D(off), threshold=D("300"))  # fmt: skip


def test_largest_remainder_gives_the_left_fen_to_the_largest_remainders():
    # 10.00 over 3 equal lines: 3.33 each, the left fen to the first (ties).
    assert largest_remainder(D("10.00"), [D(1)] * 3) == [D("3.34"), D("3.33"),
                                                          D("3.33")]  # fmt: skip
    # 1.00 over 1:2: exact 0.333.. and 0.666..; the larger remainder takes it.
    assert largest_remainder(D("1.00"), [D(1), D(2)]) == [D("0.33"), D("0.67")]


@given(
    st.integers(0, 10**6),
    st.lists(st.integers(1, 10**6), min_size=1, max_size=8),
)
def test_largest_remainder_adds_up_and_never_exceeds_a_weight(cents, weights):
    weights = [D(w) / 100 for w in weights]
    total = min(D(cents) / 100, sum(weights))
    shares = largest_remainder(total, weights)
    assert sum(shares) == total
    assert all(0 <= s <= w for s, w in zip(shares, weights, strict=True))
    assert all(s == s.quantize(D("0.01")) for s in shares)


def test_spend_and_save_takes_30_for_every_full_300():
    offer = every_300()
    assert spend_and_save_amount(offer, D("299.99")) == 0
    assert spend_and_save_amount(offer, D("300.00")) == D("30.00")
    assert spend_and_save_amount(offer, D("912.00")) == D("90.00")
    assert spend_and_save_progress(offer, D("288.00")) == (D("12.00"), D("30.00"))


def test_a_percent_coupon_rounds_down_to_the_fen_and_stops_at_its_cap():
    offer = Offer("c", Kind.COUPON, PLATFORM, percent_off=D("15"), cap=D("50.00"))
    assert coupon_amount(offer, D("99.99")) == D("14.99")
    assert coupon_amount(offer, D("1000.00")) == D("50.00")


def test_a_coupon_under_its_minimum_or_for_other_products_is_refused_with_why():
    lines = [line("a", "100.00")]
    minimum = Offer("c", Kind.COUPON, PLATFORM, amount_off=D("20.00"),
                    threshold=D("199.00"))  # fmt: skip
    other = Offer("d", Kind.COUPON, MERCHANT, merchant="m2", amount_off=D("5.00"))
    assert apply_promotions(lines=lines, coupon=minimum).coupon_refusal == (
        Refusal.MINIMUM_NOT_REACHED
    )
    refused = apply_promotions(lines=lines, coupon=other)
    assert refused.coupon_refusal == Refusal.NOT_FOR_THESE_PRODUCTS
    assert refused.total == 0


def test_stacking_merchant_spend_and_save_then_the_pavilions_then_one_coupon():
    lines = [line("a", "200.00"), line("b", "160.00"), line("c", "300.00", "m2")]
    offers = [every_300("m1"), every_300(None, PLATFORM, "20")]
    coupon = Offer("k", Kind.COUPON, PLATFORM, amount_off=D("10.00"),
                   threshold=D("300.00"))  # fmt: skip
    result = apply_promotions(lines=lines, offers=offers, coupon=coupon)
    amounts = [(a.offer.key, a.amount) for a in result.applied]
    # m1: 360 -> 30 off; the pavilion: 660 -> 2 steps, 40 off; the coupon 10.
    assert amounts == [("s-m1", D("30.00")), ("s-all", D("40.00")),
                       ("k", D("10.00"))]  # fmt: skip
    assert result.total == D("80.00")
    assert sum(s.merchant for s in result.lines.values()) == D("30.00")
    assert sum(s.platform for s in result.lines.values()) == D("50.00")


def test_only_the_merchants_best_spend_and_save_applies():
    small = every_300(off="30")
    big = Offer("s-big", Kind.SPEND_AND_SAVE, MERCHANT, merchant="m1",
                amount_off=D("80.00"), threshold=D("500.00"))  # fmt: skip
    result = apply_promotions(lines=[line("a", "600.00")], offers=[small, big])
    assert [a.offer.key for a in result.applied] == ["s-big"]
    assert result.total == D("80.00")


def test_free_shipping_waives_the_merchants_parcels_from_its_threshold():
    offer = Offer("f", Kind.FREE_SHIPPING, MERCHANT, merchant="m1",
                  threshold=D("199.00"))  # fmt: skip
    parcels = [Parcel("m1:p", "m1", D("78.00")), Parcel("m2:p", "m2", D("40.00"))]
    below = apply_promotions(lines=[line("a", "198.99")], parcels=parcels,
                             offers=[offer])  # fmt: skip
    assert below.parcels == {}
    at = apply_promotions(lines=[line("a", "199.00"), line("b", "5.00", "m2")],
                          parcels=parcels, offers=[offer])  # fmt: skip
    assert at.parcel("m1:p").merchant == D("78.00")
    assert at.parcel("m2:p").total == 0


def test_a_discount_never_takes_a_line_below_zero():
    coupon = Offer("k", Kind.COUPON, PLATFORM, amount_off=D("500.00"))
    result = apply_promotions(lines=[line("a", "12.30")], coupon=coupon)
    assert result.line("a").platform == D("12.30")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": Kind.COUPON, "funder": MERCHANT},  # merchant-funded, no merchant
        {"kind": Kind.COUPON, "funder": PLATFORM},  # neither amount nor percent
        {
            "kind": Kind.SPEND_AND_SAVE,
            "funder": PLATFORM,
            "amount_off": D("40.00"),
            "threshold": D("30.00"),
        },  # fmt: skip
        {"kind": Kind.FREE_SHIPPING, "funder": PLATFORM},  # no merchant
    ],
)
def test_an_offer_that_makes_no_sense_is_refused(kwargs):
    with pytest.raises(ValueError):
        Offer("x", **kwargs)


def test_refunding_units_splits_a_line_paid_evenly_and_refuses_too_many():
    from etalage.promotions.declared import units_refund

    assert units_refund(D("10.00"), 3, returned=0, units=1) == D("3.34")
    assert units_refund(D("10.00"), 3, returned=1, units=2) == D("6.66")
    with pytest.raises(ValueError):
        units_refund(D("10.00"), 3, returned=2, units=2)
