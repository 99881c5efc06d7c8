"""Orders placed with promotions: what the buyer pays, what customs is told,
what budgets and limits count, and why a coupon is refused."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from etalage.checkout.placement import OrderRefused
from etalage.promotions.models import ParcelDiscount, Promotion, Redemption


def one_order_of(shopping, buyer, lines, **place):
    shopping.cart(buyer, lines)
    return shopping.place(buyer, **place).order


def test_a_platform_coupon_and_a_merchants_spend_and_save_land_where_they_should(
    shopping, promotions
):
    first = shopping.products["a"].merchant
    promotions.make(
        kind="spend_and_save", merchant=first, amount_off=D("30.00"),
        threshold=D("150.00"), by=None,
    )  # fmt: skip
    promotions.make(code="WELCOME20", amount_off=D("20.00"))
    buyer = shopping.buyer()
    # 10 + 20 EUR of the first merchant (over ¥150 at the test's rate), 30 EUR of
    # the second.
    order = one_order_of(
        shopping, buyer,
        [(shopping.products["a"], 1), (shopping.products["b"], 1),
         (shopping.products["c"], 1)],
        coupon_code="welcome20",
    )  # fmt: skip
    subs = {s.merchant_id: s for s in order.sub_orders.all()}
    mine = subs[first.pk]
    kept = ParcelDiscount.objects.get(sub_order=mine)
    # The merchant's ¥30 lowers the declared goods; the coupon is non-cash.
    assert kept.goods_shown - mine.goods == D("30.00")
    noncash = sum(p.noncash for p in ParcelDiscount.objects.all())
    assert noncash == D("20.00")
    # acturalPaid of each parcel: goods + freight + tax - discount.
    for sub in order.sub_orders.all():
        discount = getattr(getattr(sub, "discount", None), "noncash", D(0))
        assert sub.total == sub.goods + sub.freight + sub.tax - discount
    assert order.total == sum(s.total for s in order.sub_orders.all())
    # The merchant is owed its goods less its own discount, in EUR.
    assert mine.goods_eur == D("30.00") - kept.merchant_eur > 0
    spent = dict(Promotion.objects.values_list("kind", "spent"))
    assert spent == {"spend_and_save": D("30.00"), "coupon": D("20.00")}
    assert Redemption.objects.filter(order=order).count() == 2


@pytest.mark.parametrize(
    ("terms", "code"),
    [
        ({"threshold": D("9999.00")}, "minimum_not_reached"),
        (
            {
                "ends_at": timezone.now() - timedelta(hours=1),
                "starts_at": timezone.now() - timedelta(days=2),
            },
            "expired",
        ),  # fmt: skip
        ({"total_limit": 1, "per_buyer_limit": 5}, "limit_used"),
    ],
)
def test_a_coupon_that_does_not_apply_refuses_the_order_naming_the_coupon(
    shopping, promotions, terms, code
):
    coupon = promotions.make(code="NOPE10", amount_off=D("10.00"), **terms)
    if code == "limit_used":
        Promotion.objects.filter(pk=coupon.pk).update(used=1)
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    with pytest.raises(OrderRefused) as refused:
        shopping.place(buyer, coupon_code="NOPE10")
    assert list(refused.value.message_dict) == ["coupon"]
    assert refused.value.error_dict["coupon"][0].code == code


def test_an_unknown_code_is_refused_with_its_reason(shopping):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    with pytest.raises(OrderRefused) as refused:
        shopping.place(buyer, coupon_code="NOSUCH")
    assert refused.value.message_dict == {
        "coupon": ["No coupon has this code: check it and try again."]
    }


def test_a_buyer_uses_a_coupon_as_often_as_allowed(shopping, promotions):
    promotions.make(code="ONCE", amount_off=D("5.00"), per_buyer_limit=1)
    buyer = shopping.buyer()
    one_order_of(shopping, buyer, [(shopping.products["a"], 1)], coupon_code="ONCE")
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    with pytest.raises(OrderRefused) as refused:
        shopping.place(buyer, key="k2", coupon_code="ONCE")
    assert refused.value.error_dict["coupon"][0].code == "limit_used"


def test_a_budget_is_never_exceeded(shopping, promotions):
    promotions.make(code="SMALL", amount_off=D("15.00"), budget=D("20.00"),
                    per_buyer_limit=5)  # fmt: skip
    first, second = shopping.buyer(), shopping.buyer()
    one_order_of(shopping, first, [(shopping.products["a"], 1)], coupon_code="SMALL")
    shopping.cart(second, [(shopping.products["a"], 1)])
    with pytest.raises(OrderRefused) as refused:
        shopping.place(second, coupon_code="SMALL")
    assert refused.value.error_dict["coupon"][0].code == "budget_used"
    assert Promotion.objects.get().spent == D("15.00")


def test_a_flash_sale_price_is_the_price_and_what_the_merchant_is_owed(shopping):
    from etalage.promotions.services import sale_price_set

    variant = shopping.products["a"].variants.get()
    now = timezone.now()
    sale_price_set(variant=variant, price_eur=D("8.00"),
                   starts_at=now - timedelta(hours=1),
                   ends_at=now + timedelta(hours=1))  # fmt: skip
    buyer = shopping.buyer()
    order = one_order_of(shopping, buyer, [(shopping.products["a"], 2)])
    line = order.sub_orders.get().lines.get()
    assert line.unit_price_eur == D("8.00")
    assert order.sub_orders.get().goods_eur == D("16.00")


def test_free_shipping_over_the_threshold_declares_no_freight(shopping, promotions):
    first = shopping.products["a"].merchant
    promotions.make(kind="free_shipping", merchant=first, threshold=D("50.00"),
                    by=None)  # fmt: skip
    buyer = shopping.buyer()
    order = one_order_of(shopping, buyer, [(shopping.products["b"], 1)])
    sub = order.sub_orders.get()
    assert sub.freight == 0
    assert ParcelDiscount.objects.get(sub_order=sub).freight_merchant == D("58.00")


def test_the_books_check_finds_a_placed_discount_right_and_an_overspent_one(
    shopping, promotions
):
    from django.db.models import F

    from etalage.promotions.checks import promotion_problems

    promotions.make(code="CHECKED", amount_off=D("12.00"))
    buyer = shopping.buyer()
    one_order_of(shopping, buyer, [(shopping.products["a"], 1)], coupon_code="CHECKED")
    assert promotion_problems() == []
    Promotion.objects.update(spent=F("spent") + 1)
    assert promotion_problems() == [
        f"promotion {Promotion.objects.get().pk}: spent 13.00 in 1 uses, its "
        "orders took 12.00 in 1"
    ]


def test_an_order_cancelled_whole_gives_its_coupon_back(shopping, promotions):
    from etalage.events.outbox import outbox_deliver
    from etalage.orders.services import order_cancel

    promotions.make(code="AGAIN", amount_off=D("12.00"), per_buyer_limit=1)
    buyer = shopping.buyer()
    order = one_order_of(shopping, buyer, [(shopping.products["a"], 1)],
                         coupon_code="AGAIN")  # fmt: skip
    order_cancel(order=order, by_buyer=True)
    outbox_deliver()
    assert Promotion.objects.get().spent == 0
    one_order_of(shopping, buyer, [(shopping.products["a"], 1)],
                 coupon_code="AGAIN", key="k2")  # fmt: skip
    assert Promotion.objects.get().used == 1
