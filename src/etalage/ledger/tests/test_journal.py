"""The journal's invariants are the database's: whatever the code does, an
unbalanced transaction, a changed entry or an entry slipped into a posted
transaction is refused, on SQLite and on PostgreSQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from etalage.core.ids import new_id
from etalage.ledger.checks import ledger_problems
from etalage.ledger.journal import accounts_for, post
from etalage.ledger.models import Account, Entry, Transaction
from etalage.ledger.posting import Leg
from etalage.ledger.tests.conftest import balance


def write(entries, count=None):
    """Entries then their header, as ``post`` writes them, without its checks."""
    accounts = accounts_for((key, currency) for key, currency, _a in entries)
    tx = new_id()
    with transaction.atomic():
        for key, currency, amount in entries:
            Entry.objects.create(
                transaction_id=tx,
                account=accounts[key, currency],
                currency=currency,
                amount_minor=amount,
            )
        Transaction.objects.create(
            id=tx,
            reference=f"test:{tx}",
            kind="test",
            posted_at="2026-11-30T10:00:00Z",
            entries_count=len(entries) if count is None else count,
        )
    return tx


@pytest.mark.django_db
def test_a_balanced_transaction_is_posted_and_moves_the_balances():
    write([("bank", "EUR", 1000), ("commission_revenue", "EUR", -1000)])
    assert balance("bank", "EUR") == 10 and balance("commission_revenue", "EUR") == -10
    assert ledger_problems() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "entries, count",
    [
        ([("bank", "EUR", 1000), ("commission_revenue", "EUR", -999)], None),
        ([("bank", "EUR", 1000)], None),  # one entry
        ([("fx", "EUR", 1000), ("fx", "CNY", -1000)], None),  # sums per currency
        ([("bank", "EUR", 5), ("commission_revenue", "EUR", -5)], 3),  # a missing entry
    ],
)
def test_the_database_refuses_a_transaction_that_does_not_balance(entries, count):
    with pytest.raises(DatabaseError, match="ledger: "):
        write(entries, count)
    assert Entry.objects.count() == Transaction.objects.count() == 0
    assert balance("bank", "EUR") == 0


@pytest.mark.django_db
def test_posted_entries_never_change_and_take_no_company():
    tx = write([("bank", "EUR", 1000), ("commission_revenue", "EUR", -1000)])
    entry = Entry.objects.filter(transaction_id=tx).first()
    with pytest.raises(DatabaseError, match="never change"), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(amount_minor=1)
    with pytest.raises(DatabaseError, match="never change"), transaction.atomic():
        Transaction.objects.filter(pk=tx).update(memo="rewritten")
    with pytest.raises(DatabaseError, match="reversing"), transaction.atomic():
        Entry.objects.create(
            transaction_id=tx, account=entry.account, currency="EUR", amount_minor=0
        )
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="never change"), transaction.atomic():
            Entry.objects.filter(pk=entry.pk).delete()


@pytest.mark.django_db
def test_an_entry_is_in_its_accounts_currency():
    accounts_for([("bank", "EUR")])
    bank = Account.objects.get(key="bank")
    tx = new_id()
    with pytest.raises(DatabaseError, match="currency"), transaction.atomic():
        Entry.objects.create(
            transaction_id=tx, account=bank, currency="CNY", amount_minor=5
        )
    with pytest.raises(ValueError, match="kept in EUR"):
        accounts_for([("bank", "CNY")])


@pytest.mark.django_db
def test_a_cause_posts_once():
    legs = [Leg("bank", "EUR", 700), Leg("provider_fees", "EUR", -700)]
    assert post(reference="x:1", kind="test", legs=legs) is not None
    assert post(reference="x:1", kind="test", legs=legs) is None
    assert balance("bank", "EUR") == 7


@pytest.mark.django_db
def test_the_check_recomputes_every_balance_from_its_entries():
    write([("bank", "EUR", 1000), ("commission_revenue", "EUR", -1000)])
    Account.objects.filter(key="bank").update(balance_minor=999)  # tampered with
    assert ledger_problems() == [
        "ledger: bank EUR reads 9.99, its entries sum to 10.00"
    ]
