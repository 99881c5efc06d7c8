"""The merchant's dashboard after the bank sent a payout back says what happened
and what to do, in the merchant's language; and it names listings by their names
in that language, never by their slugs."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from etalage.catalog.models import Product
from etalage.ledger import bank
from etalage.ledger.tests.conftest import books, run  # noqa: F401
from etalage.ledger.tests.test_bank_conformance import Entry, Tx, camt, payouts
from etalage.merchants.models import MerchantMember


def sign_in(client, merchant, role):
    user = get_user_model().objects.create_user(f"{merchant.slug}-{role}")
    MerchantMember.objects.create(merchant=merchant, user=user, role=role)
    client.force_login(user)


@pytest.fixture
def returned(run):  # noqa: F811 (the fixture imported above)
    """Second's payout of the run sent back by its bank: the account is closed."""
    _first, second = payouts(run)
    back = Entry(
        second.amount,
        credit=True,
        details=[Tx(second.end_to_end_id, second.amount, "Second", reason="AC04")],
    )
    bank.statement_import(name="x.xml", data=camt("08", [back]))
    return second


def payout_line(html: str) -> str:
    start = html.index('id="payout-account"')
    return html[start : html.index("</li>", start)]


def test_the_owner_reads_that_the_bank_sent_the_payout_back_and_what_to_do(
    client, returned
):
    sign_in(client, returned.merchant, "owner")
    line = payout_line(client.get("/fr/portal/").content.decode())
    assert "Votre banque a renvoyé notre versement de 24,55" in line
    assert "Le compte est clôturé." in line and "(AC04)" in line
    assert "…1482" in line or "1482" in line
    assert "Les versements vont au compte" not in line  # as if all were well
    assert 'href="/fr/portal/company/"' in line
    assert "Donnez un autre compte" in line


def test_finance_staff_read_who_must_give_another_account(client, returned):
    sign_in(client, returned.merchant, "finance")
    line = payout_line(client.get("/en/portal/").content.decode())
    assert "Your bank sent back our payout of €24.55" in line
    assert "The account is closed. (AC04)" in line
    assert "An owner of the shop must give another account" in line


def test_a_new_account_given_after_the_return_is_what_the_dashboard_says(
    client, returned
):
    merchant = returned.merchant
    merchant.pending_iban = "BE71096123456769"
    merchant.save()
    sign_in(client, merchant, "owner")
    line = payout_line(client.get("/en/portal/").content.decode())
    assert "ending in 6769 waits for our approval" in line
    assert "sent back" not in line


def test_listings_needing_attention_are_named_in_the_merchant_s_language(
    client, catalogue
):
    merchant = catalogue.merchant()
    merchant.language = "nl"
    merchant.save()
    rejected = catalogue.product(
        merchant=merchant, languages=("fr", "nl"), name="Truffes", status="rejected"
    )
    Product.objects.filter(pk=rejected.pk).update(rejection_reason="Photo floue")
    sign_in(client, merchant, "owner")
    french = client.get("/fr/portal/").content.decode()
    assert "Truffes (fr)" in french and rejected.slug not in french
    english = client.get("/en/portal/").content.decode()  # no English name
    assert "Truffes (nl)" in english and rejected.slug not in english
