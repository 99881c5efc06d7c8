"""A buyer returns a delivered parcel within 30 days: asks with a reason and which
items, the seller approves, the goods come back; the refund (goods and their tax),
the stock, the customs return (CEB625), the allowance and the ledger follow. Late,
foreign or excessive returns are refused by field, in the buyer's language."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from etalage.customs.models import YearlyUsage
from etalage.declarations.models import Declaration
from etalage.inventory.models import StockMovement
from etalage.ledger.tests.conftest import balance
from etalage.orders import states
from etalage.payments.models import Refund
from etalage.returns.models import ReturnLine, ReturnRequest
from etalage.returns.services import (
    ReturnError,
    return_ask,
    return_decide,
    return_receive,
)


def _ask(delivered, quantity=2, **extra):
    sub = delivered.sub
    line = sub.lines.get()
    return return_ask(
        sub_order=sub,
        buyer=sub.order.buyer,
        reason="damaged",
        details="the box was crushed",
        quantities={line.pk: quantity},
        **extra,
    )


def _receive(delivered, request, outcome="restocked", why=""):
    with delivered.capture(execute=True):
        received = return_receive(
            request=request,
            outcomes={item.pk: (outcome, why) for item in request.lines.all()},
            by=None,
        )
    delivered.answer(rounds=2)
    return received


def test_a_whole_parcel_comes_back_refunded_restocked_declared_and_given_back(
    delivered,
):
    sub = delivered.sub
    usage = YearlyUsage.objects.get(id_number_hmac=sub.order.id_number_hmac)
    assert usage.confirmed == sub.usage_amount
    request = _ask(delivered)
    assert request.state == "requested" and request.number == f"{sub.number}-R1"
    return_decide(request=request, approve=True, by=None)
    stock = sub.lines.get().stock
    on_hand = type(stock).objects.get(pk=stock.pk).on_hand
    received = _receive(delivered, request)
    assert received.state == "received"
    assert (received.goods_amount, received.tax_amount) == (sub.goods, sub.tax)
    refund = Refund.objects.get(pk=received.refund_id)
    assert refund.amount == sub.goods + sub.tax and refund.tax_part == sub.tax
    sub.refresh_from_db()
    assert sub.state == states.REFUNDED
    assert type(stock).objects.get(pk=stock.pk).on_hand == on_hand + 2
    assert StockMovement.objects.filter(reason="returned", note=request.number).exists()
    usage.refresh_from_db()
    assert usage.confirmed == 0
    back = Declaration.objects.get(sub_order=sub, kind="625")
    assert back.state == "accepted" and back.tax_returned == sub.tax


def test_the_ledger_reverses_the_goods_and_customs_gives_the_tax_back(delivered):
    sub = delivered.sub
    request = _ask(delivered)
    return_decide(request=request, approve=True, by=None)
    received = _receive(delivered, request)
    refund = Refund.objects.get(pk=received.refund_id)
    from etalage.payments.services import refund_settled

    with delivered.capture(execute=True):
        refund_settled(refund, provider_refund_id="R1")
        from etalage.events.outbox import outbox_deliver

        outbox_deliver()
    assert balance("cbec_tax_payable", "CNY") == 0  # paid by the bill, given back
    assert balance("customs_guarantee", "CNY") == 0  # …and returned by customs
    merchant = f"merchant_pending:{sub.merchant_id}"
    assert balance(merchant, "EUR") == 0  # the merchant gives the goods back


def test_part_of_a_parcel_comes_back_and_is_written_off_with_a_reason(delivered):
    sub = delivered.sub
    request = _ask(delivered, quantity=1)
    return_decide(request=request, approve=True, by=None)
    with pytest.raises(ReturnError) as refused:
        blank = {i.pk: ("written_off", "") for i in request.lines.all()}
        return_receive(request=request, outcomes=blank, by=None)
    assert "write_off_reason" in refused.value.message_dict
    received = _receive(delivered, request, "written_off", "seal broken")
    assert received.goods_amount == sub.lines.get().unit_price
    assert Decimal(0) < received.tax_amount < sub.tax
    sub.refresh_from_db()
    assert sub.state == states.REFUNDED_PART
    usage = YearlyUsage.objects.get(id_number_hmac=sub.order.id_number_hmac)
    assert 0 < usage.confirmed < sub.usage_amount + received.goods_amount
    line = ReturnLine.objects.get(request=received)
    assert (line.outcome, line.write_off_reason) == ("written_off", "seal broken")


def test_the_rest_of_a_parcel_comes_back_later_with_its_own_customs_return(
    delivered,
):
    """One item back, then the other: each return is received, refunded and
    declared to customs (a CEB625 each, with its own tax), and the parcel ends
    refunded. Before, the second receipt hit the one-declaration-per-kind rule
    and rolled back."""
    sub = delivered.sub
    first = _ask(delivered, quantity=1)
    return_decide(request=first, approve=True, by=None)
    first = _receive(delivered, first)
    second = _ask(delivered, quantity=1)
    return_decide(request=second, approve=True, by=None)
    second = _receive(delivered, second)
    assert (first.state, second.state) == ("received", "received")
    assert first.goods_amount + second.goods_amount == sub.goods
    assert first.tax_amount + second.tax_amount == sub.tax
    backs = Declaration.objects.filter(sub_order=sub, kind="625").order_by("created_at")
    assert [b.tax_returned for b in backs] == [first.tax_amount, second.tax_amount]
    # No platform discount on these goods: the refund says so (zero, not "not
    # recorded", which the ledger would spread from the parcel's discounts).
    refund = Refund.objects.get(pk=first.refund_id)
    assert refund.discount_part == 0 and refund.discount_part is not None
    sub.refresh_from_db()
    assert sub.state == states.REFUNDED


def test_a_return_after_30_days_is_refused_with_the_date(delivered):
    late = timezone.now() + timedelta(days=31)
    with pytest.raises(ReturnError) as refused:
        _ask(delivered, now=late)
    message = refused.value.message_dict["sub_order"][0]
    assert message.startswith("The return period for this parcel ended on ")


def test_a_stranger_or_too_many_items_or_no_reason_is_refused_by_field(
    delivered, shopping
):
    sub = delivered.sub
    line = sub.lines.get()
    with pytest.raises(ReturnError) as refused:
        return_ask(
            sub_order=sub,
            buyer=shopping.buyer(),
            reason="damaged",
            details="",
            quantities={line.pk: 1},
        )
    assert "sub_order" in refused.value.message_dict
    with pytest.raises(ReturnError) as refused:
        _ask(delivered, quantity=3)
    assert "At most 2" in refused.value.message_dict["lines"][0]
    with pytest.raises(ReturnError) as refused:
        return_ask(
            sub_order=sub,
            buyer=sub.order.buyer,
            reason="",
            details="",
            quantities={line.pk: 1},
        )
    assert "reason" in refused.value.message_dict
    assert not ReturnRequest.objects.exists()


def test_a_refused_return_says_why_and_nothing_moves(delivered):
    request = _ask(delivered)
    with pytest.raises(ReturnError):
        return_decide(request=request, approve=False, by=None, note="")
    refused = return_decide(
        request=request,
        approve=False,
        by=None,
        note="Opened chocolate cannot be resold.",
    )
    assert refused.state == "refused"
    delivered.sub.refresh_from_db()
    assert delivered.sub.state == states.DELIVERED
