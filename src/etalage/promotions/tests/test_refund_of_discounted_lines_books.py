"""Returns of discounted lines through the services, in the books: random carts
with a platform coupon for some products and a merchant's spend-and-save,
delivered, then random lines returned in random pieces. The platform gets back
exactly the returned units' own share of its discount, the merchant gives back
exactly the returned units' goods at their declared value, every refund
balances and ``etalage check``'s ledger and promotions checks find nothing."""

from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from etalage.declarations.tests.conftest import Customs
from etalage.events.outbox import outbox_deliver
from etalage.ledger import chart
from etalage.ledger.checks import ledger_problems
from etalage.ledger.models import Entry, SubOrderBook
from etalage.money import Money
from etalage.orders import states
from etalage.orders.services import sub_order_move
from etalage.payments.models import Refund
from etalage.payments.services import refund_settled
from etalage.promotions.checks import promotion_problems
from etalage.promotions.declared import units_refund
from etalage.promotions.models import LineDiscount
from etalage.returns.services import return_ask, return_decide, return_receive

QUANTITIES = st.fixed_dictionaries(
    {"a": st.integers(0, 3), "b": st.integers(0, 3), "c": st.integers(0, 2)}
).filter(lambda q: q["a"] + q["b"] > 0)


@pytest.fixture
def customs(shopping, settings, django_capture_on_commit_callbacks):
    settings.ETALAGE_CUSTOMS_SANDBOX = True
    settings.ETALAGE_CUSTOMS_GATEWAY = "simulator"
    settings.ETALAGE_CUSTOMS_SANDBOX_STEP_SECONDS = 0
    return Customs(shopping, django_capture_on_commit_callbacks)


def delivered_order(customs, quantities, coupon):
    shopping = customs.shopping
    lines = [(shopping.products[k], n) for k, n in sorted(quantities.items()) if n]
    order = customs.paid(lines=lines, coupon_code=coupon)
    customs.declare()
    customs.flown(order)
    customs.declare()
    customs.answer()
    for sub in order.sub_orders.all():
        with customs.capture(execute=True):
            sub_order_move(sub_order=sub, to=states.DELIVERED, reason="signed for")
    return order


def returned(customs, sub, quantities):
    """One return of ``quantities`` (by order line) received and refunded."""
    request = return_ask(
        sub_order=sub, buyer=sub.order.buyer, reason="damaged",
        details="crushed", quantities=quantities,
    )  # fmt: skip
    return_decide(request=request, approve=True, by=None)
    with customs.capture(execute=True):
        request = return_receive(
            request=request,
            outcomes={i.pk: ("restocked", "") for i in request.lines.all()},
            by=None,
        )
    refund = Refund.objects.get(pk=request.refund_id)
    with customs.capture(execute=True):
        refund_settled(refund, provider_refund_id=f"R-{refund.request_id}")
        outbox_deliver()
    return refund


def legs_of(refund):
    """The refund's posting, by account key and currency."""
    legs: dict[tuple[str, str], int] = {}
    for entry in Entry.objects.filter(
        transaction__reference=f"refund:{refund.pk}"
    ).select_related("account"):
        key = (entry.account.key, entry.currency)
        legs[key] = legs.get(key, 0) + entry.amount_minor
    return legs


def minor(amount):
    return Money(amount, "CNY").minor_units()


@settings(
    max_examples=6,
    deadline=None,
    # An example is a whole order's life: found failures are reported unshrunk.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    quantities=QUANTITIES,
    step=st.sampled_from([D("100.00"), D("150.00"), D("300.00")]),
    data=st.data(),
)
def test_returned_units_give_back_their_own_discount_and_goods_to_the_fen(
    customs, promotions, quantities, step, data
):
    in_cart = sorted(k for k, n in quantities.items() if n)
    covered = data.draw(st.sets(st.sampled_from(in_cart), min_size=1), "covered")
    shopping = customs.shopping
    products = shopping.products
    first = products["a"].merchant
    n = customs.count
    promotions.make(
        kind="spend_and_save", merchant=first, amount_off=D("20.00"),
        threshold=step, by=None, name=f"save {n}",
    )  # fmt: skip
    promotions.make(
        code=f"LINES{n}", amount_off=D("25.00"), per_buyer_limit=1,
        product_ids=[products[k].pk for k in sorted(covered)],
    )  # fmt: skip
    order = delivered_order(customs, quantities, f"LINES{n}")
    # One return a parcel (customs takes one return declaration a parcel) of a
    # random piece of each line, some lines none.
    for sub in order.sub_orders.all():
        lines = list(sub.lines.all())
        units = {
            line.pk: data.draw(st.integers(0, line.quantity), label=line.sku)
            for line in lines
        }
        if not any(units.values()):
            continue
        shares = dict(
            LineDiscount.objects.filter(sub_order=sub).values_list(
                "variant_id", "platform"
            )
        )
        value = cash = D(0)
        for line in lines:
            if not units[line.pk]:
                continue
            platform = shares.get(line.variant_id, D(0))
            args = {"returned": 0, "units": units[line.pk]}
            value += units_refund(line.goods, line.quantity, **args)
            cash += units_refund(line.goods - platform, line.quantity, **args)
        refund = returned(customs, sub, {k: u for k, u in units.items() if u})
        legs = legs_of(refund)
        # The platform: exactly the returned units' share, none for lines its
        # coupon did not cover.
        assert -legs.get((chart.PROMOTIONS, "CNY"), 0) == minor(value - cash)
        # The merchant: exactly the returned units' declared goods.
        assert legs.get((chart.FX, "CNY"), 0) == minor(value)
        assert refund.amount == cash + refund.tax_part
        for currency in {c for _account, c in legs}:
            assert sum(a for (_k, c), a in legs.items() if c == currency) == 0
    for sub in order.sub_orders.all():
        # Over all of a parcel's returns: each line's returned units' share, the
        # whole of it for a line given back whole.
        book = SubOrderBook.objects.get(sub_order=sub)
        shares = dict(
            LineDiscount.objects.filter(sub_order=sub).values_list(
                "variant_id", "platform"
            )
        )
        lines = list(sub.lines.all())
        expected = sum(
            (
                units_refund(line.goods, line.quantity, returned=0, units=line.returned)
                - units_refund(
                    line.goods - shares.get(line.variant_id, D(0)), line.quantity,
                    returned=0, units=line.returned,
                )
                for line in lines
                if line.returned
            ),
            D(0),
        )  # fmt: skip
        assert book.refunded_discount_paid == minor(expected)
        if all(line.returned == line.quantity for line in lines):
            assert book.refunded_discount_paid == minor(sum(shares.values(), D(0)))
            assert book.refunded_goods_paid == book.goods_paid
            assert book.refunded_goods_eur == book.goods_eur
    assert ledger_problems() == []
    assert promotion_problems() == []


def test_a_parcel_refused_by_customs_gives_the_platform_all_its_discount_back(
    customs, promotions
):
    products = customs.shopping.products
    promotions.make(code="BOTH10", amount_off=D("10.00"))
    order = customs.paid(
        lines=[(products["a"], 1), (products["c"], 1)], coupon_code="BOTH10"
    )
    refused = order.sub_orders.order_by("number").first()
    with customs.capture(execute=True):
        for state in (states.CUSTOMS_DECLARED, states.CUSTOMS_REFUSED):
            refused = sub_order_move(sub_order=refused, to=state, reason="test")
        outbox_deliver()
    refund = Refund.objects.get(payment__order=order)
    noncash = LineDiscount.objects.filter(sub_order=refused).get().platform
    assert refund.discount_part == noncash > 0
    with customs.capture(execute=True):
        refund_settled(refund, provider_refund_id="R-refused")
        outbox_deliver()
    book = SubOrderBook.objects.get(sub_order=refused)
    assert book.refunded_discount_paid == book.discount_paid == minor(noncash)
    assert book.net_eur == 0
    assert ledger_problems() == []


def test_a_return_gives_back_the_year_s_usage_its_units_counted_never_more(
    customs, promotions
):
    """A seller's spend-and-save lowers the lines' declared goods, which the yearly
    usage counted: a partial return gives back its units' share of what the
    parcel still counts (it gave back more than the parcel counted, by the
    undiscounted prices, and the buyer's next return was refused), and the last
    return what is left."""
    from etalage.customs.models import YearlyUsage

    products = customs.shopping.products
    promotions.make(
        kind="spend_and_save", merchant=products["a"].merchant,
        amount_off=D("20.00"), threshold=D("100.00"), by=None, name="save",
    )  # fmt: skip
    order = delivered_order(customs, {"a": 2, "b": 3, "c": 1}, "")

    def usage():
        return YearlyUsage.objects.get(
            id_number_hmac=order.id_number_hmac, year=order.cbec_year
        ).confirmed

    counted = usage()
    assert counted == sum(s.usage_amount for s in order.sub_orders.all())
    for sub in order.sub_orders.order_by("number"):
        lines = list(sub.lines.all())
        back = {line.pk: line.quantity for line in lines}
        if len(lines) > 1:  # all of one line and one unit of the other
            back[lines[0].pk] = 1
        before = usage()
        returned(customs, sub, back)
        sub.refresh_from_db()
        given = before - usage()
        assert 0 < given <= before
        if len(lines) > 1:
            kept = sum(line.goods for line in lines) - sum(
                line.goods * back[line.pk] / line.quantity for line in lines
            )
            assert sub.usage_amount > 0 and kept > 0
    # What the year still counts: the parcels kept in part, nothing of those
    # given back whole.
    kept = order.sub_orders.exclude(state=states.REFUNDED)
    assert usage() == sum(s.usage_amount for s in kept) > 0
