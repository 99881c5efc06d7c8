"""Before a payout run, the back-office says who is owed what and why each merchant
is paid or not, by the rule the run itself follows (``ledger.eligibility``)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from etalage.ledger import bank
from etalage.ledger.eligibility import (
    Hold,
    PayoutCandidate,
    payout_candidates,
    payout_holds,
)
from etalage.ledger.models import PayoutRun
from etalage.ledger.tests.test_bank_conformance import Entry, Tx, camt, payouts
from etalage.merchants.models import Merchant

IBANS = ["BE71096123456769", "BE25068249751482"]


@pytest.fixture
def owed(books, settings):
    """First and Second approved, each with an account and its parcel delivered,
    the return window over: 16.37 and 24.56 EUR available."""
    settings.ETALAGE_PAYOUT_MINIMUM_EUR = Decimal("10")
    for n, merchant in enumerate(Merchant.objects.order_by("name")):
        merchant.iban = IBANS[n]
        merchant.save()
    p = books.shopping.products
    order = books.pay(books.place([(p["a"], 2), (p["c"], 1)]))
    for sub in order.sub_orders.all():
        books.deliver(sub)
    books.mature()
    return order


def by_name() -> dict[str, PayoutCandidate]:
    return {c.merchant.name: c for c in payout_candidates()}


@pytest.fixture
def operator(client, db):
    user = get_user_model().objects.create_superuser("op", "op@example.com", "pw")
    client.force_login(user)
    return user


def test_the_run_page_says_who_is_paid_and_why_the_others_wait_and_the_run_agrees(
    client, operator, owed
):
    Merchant.objects.filter(name="Second").update(
        bank_account_approved_at=timezone.now() - timedelta(days=2)
    )
    page = client.get(
        "/backoffice/ledger/payoutrun/run/", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    table = page[page.index('id="payout-candidates"') :]
    first, second = table.index(">First<"), table.index(">Second<")
    assert first < second  # the merchants paid come first
    assert "Verse tout son solde disponible." in table[first:second]
    assert "Nouveau compte de versement" in table[second:]
    until = timezone.localtime(timezone.now() + timedelta(days=5))
    assert f"{until:%Y-%m-%d}" in table[second:]
    assert "non versé" in table[second:]
    assert "1 marchand" in page  # a run started now pays one merchant
    client.post("/backoffice/ledger/payoutrun/run/")
    run = PayoutRun.objects.get()
    assert [p.merchant.name for p in run.payouts.all()] == ["First"]


def test_a_merchant_without_an_approved_account_or_not_approved_is_told_why(owed):
    Merchant.objects.filter(name="First").update(iban="", pending_iban=IBANS[0])
    Merchant.objects.filter(name="Second").update(iban="", status="suspended")
    with translation.override("en"):
        first, second = by_name()["First"], by_name()["Second"]
        assert first.holds == (Hold.ACCOUNT_TO_APPROVE,)
        assert "(…6769) waits for your approval" in first.reasons()[0]
        assert second.holds == (Hold.NOT_APPROVED, Hold.NO_ACCOUNT)
        assert second.reasons() == [
            "The merchant is not approved (Suspended).",
            "No payout account: the merchant has given no IBAN.",
        ]


def test_below_the_minimum_and_nothing_available_yet_are_told_apart(books, settings):
    settings.ETALAGE_PAYOUT_MINIMUM_EUR = Decimal("20")
    Merchant.objects.update(iban=IBANS[0])
    p = books.shopping.products
    order = books.pay(books.place([(p["a"], 2), (p["c"], 1)]))
    first_sub = order.sub_orders.get(merchant__name="First")
    books.deliver(first_sub)
    books.mature()
    with translation.override("en"):
        first, second = by_name()["First"], by_name()["Second"]
    assert first.holds == (Hold.BELOW_MINIMUM,) and first.available_minor == 1637
    assert second.holds == (Hold.NOTHING_AVAILABLE,) and second.pending_minor > 0
    with translation.override("nl"):
        assert first.reasons() == [
            "Onder het minimum voor een uitbetaling: €\xa020,00."
        ]


def test_a_merchant_whose_last_payout_came_back_waits_for_another_account(run):
    _first, second = payouts(run)
    back = Entry(
        second.amount,
        credit=True,
        details=[Tx(second.end_to_end_id, second.amount, "Second", reason="AC04")],
    )
    bank.statement_import(name="x.xml", data=camt("08", [back]))
    candidate = by_name()["Second"]
    assert candidate.holds == (Hold.RETURNED,)
    with translation.override("fr"):
        (reason,) = candidate.reasons()
    assert second.end_to_end_id in reason and "AC04" in reason
    assert "Le compte est clôturé." in reason


def test_a_negative_balance_is_named_with_its_amount():
    merchant = Merchant(name="Owing", status="approved", iban=IBANS[0])
    holds = payout_holds(
        merchant, available_minor=-500, minimum=1000, returned=False, now=timezone.now()
    )
    candidate = PayoutCandidate(
        merchant=merchant,
        available_minor=-500,
        pending_minor=0,
        holds=holds,
        returned=None,
    )
    assert holds == (Hold.NEGATIVE,)
    with translation.override("en"):
        assert "negative (-€5.00)" in candidate.reasons()[0]
