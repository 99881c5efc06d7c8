"""The work waiting for a merchant, counted for it alone: parcels to pack (and late),
to hand over, returns to decide, rejected listings and its payout account."""

from datetime import timedelta

import pytest
from django.utils import timezone

from etalage.analytics.selectors import (
    MerchantWork,
    merchant_sub_orders_waiting,
    merchant_work,
)
from etalage.merchants.selectors import PayoutAccount


def waiting_work(shopping, catalogue):
    """Two merchants with work waiting, in different amounts: the first has two
    parcels to pack (one refused by the hub, one late), one to hand over, a return
    to decide, a rejected listing and a new IBAN to approve; the second one parcel
    to pack, two returns, two rejected listings and no IBAN."""
    from etalage.logistics.services import hub_receive, parcel_hand_over, parcel_pack
    from etalage.orders.services import order_pay
    from etalage.returns.models import ReturnRequest

    first, second = shopping.products["a"], shopping.products["c"]

    def paid(product):
        buyer = shopping.buyer()
        shopping.cart(buyer, [(product, 1)])
        return order_pay(order=shopping.place(buyer).order).sub_orders.get()

    untouched, packed, refused = paid(first), paid(first), paid(first)
    parcel_pack(sub_order=packed, grams=500)
    parcel = parcel_hand_over(parcel=parcel_pack(sub_order=refused, grams=500))
    hub_receive(code=parcel.code, grams=900, confirmed=True)
    untouched.transitions.filter(to_state="paid").update(
        at=timezone.now() - timedelta(days=10)
    )
    theirs = paid(second)
    for n, sub in enumerate([untouched, theirs, theirs]):
        ReturnRequest.objects.create(sub_order=sub, number=f"R-{n}", reason="other")
    catalogue.product(merchant=first.merchant, status="rejected")
    for _ in range(2):
        catalogue.product(merchant=second.merchant, status="rejected")
    first.merchant.iban, first.merchant.pending_iban = "", "BE71096123456769"
    first.merchant.save()
    second.merchant.iban = second.merchant.pending_iban = ""
    second.merchant.save()
    return first.merchant, second.merchant


def test_each_merchant_counts_its_own_work_only(shopping, catalogue):
    mine, theirs = waiting_work(shopping, catalogue)
    assert merchant_work(merchant=mine) == MerchantWork(
        to_pack=2,
        to_hand_over=1,
        late=1,
        returns_to_decide=1,
        listings_rejected=1,
        payout_account=PayoutAccount(
            state="waiting", iban_end="", pending_iban_end="6769"
        ),
    )
    assert merchant_work(merchant=theirs) == MerchantWork(
        to_pack=1,
        to_hand_over=0,
        late=0,
        returns_to_decide=2,
        listings_rejected=2,
        payout_account=PayoutAccount(state="missing", iban_end="", pending_iban_end=""),
    )
    for work, count in [("pack", 2), ("hand_over", 1), ("late", 1)]:
        listed = merchant_sub_orders_waiting(merchant=mine, work=work)
        assert listed.count() == count
        assert {s.merchant_id for s in listed} == {mine.pk}


@pytest.mark.parametrize(
    ("iban", "pending", "state"),
    [("BE71096123456769", "", "in_use"), ("", "", "missing")],
)
def test_the_payout_account_reads_as_in_use_or_missing(catalogue, iban, pending, state):
    from etalage.merchants.selectors import payout_account

    merchant = catalogue.merchant()
    merchant.iban, merchant.pending_iban = iban, pending
    assert payout_account(merchant).state == state
