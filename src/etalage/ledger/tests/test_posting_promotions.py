"""The platform's promotions in the books: it pays the non-cash discount, the
provider the rest; a refund gives the buyer cash and the platform its part back."""

from decimal import Decimal

from etalage.ledger import chart
from etalage.ledger.posting import (
    SubOrderFigures,
    capture_legs,
    refund_legs,
    refund_shares,
)

RECEIVABLE = "provider_receivable:alipay"


def discounted(**changes):
    values = {
        "key": "s1",
        "merchant": "m1",
        "goods_paid": 40000,  # ¥400.00 declared goods
        "freight_paid": 5000,
        "tax_paid": 4095,
        "goods_eur": 5000,
        "commission_percent": Decimal("10"),
        "vat_percent": Decimal("21"),
        "discount_paid": 3000,  # a ¥30 platform coupon
    }
    values.update(changes)
    return SubOrderFigures(**values)


def by_account(legs):
    return {(leg.account, leg.currency): leg.amount for leg in legs}


def test_the_provider_owes_what_was_paid_and_the_platform_the_coupon():
    legs = by_account(capture_legs(RECEIVABLE, "CNY", [discounted()]))
    assert legs[RECEIVABLE, "CNY"] == 46095  # ¥490.95 - ¥30, the buyer's payment
    assert legs[chart.PROMOTIONS, "CNY"] == 3000
    assert legs[chart.CBEC_TAX_PAYABLE, "CNY"] == -4095  # tax on the whole value


def test_refunding_everything_paid_gives_the_platform_its_coupon_back():
    sub = discounted()
    (share,) = refund_shares(sub.cash_paid, [sub])
    assert (share.total, share.cash, share.discount_paid) == (49095, 46095, 3000)
    legs, after = refund_legs(RECEIVABLE, "CNY", sub, share)
    accounts = by_account(legs)
    assert accounts[RECEIVABLE, "CNY"] == -46095
    assert accounts[chart.PROMOTIONS, "CNY"] == -3000
    assert after.left_cash == 0 and after.net_goods_eur == 0


def test_a_partial_refund_takes_its_share_of_the_coupon_and_never_more_than_paid():
    sub = discounted()
    (first,) = refund_shares(10000, [sub])
    assert first.cash == 10000 and 0 < first.discount_paid < 3000
    _legs, after = refund_legs(RECEIVABLE, "CNY", sub, first)
    (rest,) = refund_shares(after.left_cash, [after])
    assert first.discount_paid + rest.discount_paid == 3000
    assert first.cash + rest.cash == sub.cash_paid
