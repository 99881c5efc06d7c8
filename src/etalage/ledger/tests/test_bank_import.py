"""Importing the bank's statements in the back-office: a large file in the
background (the task, or the clock when the task was lost), a refused one with its
reason and nothing written, never an error page."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from etalage.ledger import bank
from etalage.ledger.models import BankStatement
from etalage.ledger.tests.test_bank_conformance import (
    Entry,
    camt,
    one_by_one,
    states,
)


@pytest.fixture
def operator(client, db):
    user = get_user_model().objects.create_superuser("op", "op@example.com", "pw")
    client.force_login(user)
    return user


def upload(client, data, name="camt053.xml"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(
        "/backoffice/ledger/bankstatement/import/", {"file": file}, follow=True
    )


def test_a_large_statement_is_imported_in_the_background(
    client, operator, run, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(bank, "IMPORT_NOW_MAX_BYTES", 100)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        page = upload(client, camt("08", one_by_one(run)))
    assert "imported in the background" in page.content.decode()
    statement = BankStatement.objects.get()
    assert statement.state == "queued" and states(run) == {"sent"}
    for callback in queued:
        callback()  # the task, enqueued once the upload committed
    statement.refresh_from_db()
    assert (statement.state, statement.lines_count, statement.data) == (
        "imported",
        2,
        None,
    )
    assert states(run) == {"settled"}


def test_the_clock_imports_a_queued_statement_whose_task_was_lost(run):
    statement = bank.statement_enqueue(name="big.xml", data=camt("02", one_by_one(run)))
    assert bank.queued_statements_imported() == 0  # its task may still be on the way
    BankStatement.objects.filter(pk=statement.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    assert bank.queued_statements_imported() == 1
    statement.refresh_from_db()
    assert statement.state == "imported" and states(run) == {"settled"}
    with pytest.raises(bank.StatementRefused, match="imported already"):
        bank.statement_enqueue(name="big.xml", data=camt("02", one_by_one(run)))


def test_a_queued_statement_that_is_refused_keeps_its_reason(run):
    data = camt("08", one_by_one(run), iban="BE71096123456769")
    statement = bank.statement_enqueue(name="other.xml", data=data)
    statement = bank.statement_import_queued(statement_id=str(statement.pk))
    assert statement.state == "refused" and "BE71096123456769" in statement.refusal
    assert statement.lines_count == 0 and not statement.lines.exists()
    assert states(run) == {"sent"}
    # Refused, it may be given again (once the setting is right, for instance).
    assert bank.statement_enqueue(name="other.xml", data=data).state == "queued"


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (b"<Dt>2024-08-05</Dt>", b"<Dt>2024-02-30</Dt>", "2024-02-30"),
        (b'<Amt Ccy="EUR">', b'<Amt Ccy="EUR">12,', "Amt"),
        (b"<Document", b'<!DOCTYPE x [<!ENTITY e "e">]><Document', "DOCTYPE"),
    ],
)
def test_a_bad_statement_is_a_clear_refusal_on_the_page_not_an_error(
    client, operator, run, old, new, says
):
    data = camt("08", one_by_one(run)).replace(old, new, 1)
    page = upload(client, data)
    assert page.status_code == 200
    assert says in page.content.decode()
    assert not BankStatement.objects.exists() and states(run) == {"sent"}


def test_a_version_not_read_is_named(run):
    data = camt("08", one_by_one(run)).replace(b"camt.053.001.08", b"camt.053.001.04")
    with pytest.raises(bank.StatementRefused, match=r"camt\.053\.001\.04"):
        bank.statement_import(name="x.xml", data=data)


def test_a_payout_booked_twice_and_an_unknown_debit_go_to_the_operator(run):
    bank.statement_import(name="a.xml", data=camt("08", one_by_one(run)))
    again = bank.statement_import(
        name="b.xml", data=camt("10", one_by_one(run)[:1] + [Entry(run.total)])
    )
    assert (again.lines_count, again.unmatched_count) == (2, 2)
    assert states(run) == {"settled"}


def test_a_transfer_naming_no_payout_never_pays_one_through_its_batch(run):
    from etalage.ledger.tests.test_bank_conformance import Tx, pain, payouts

    first, second = payouts(run)
    details = [
        Tx(first.end_to_end_id, first.amount, "First"),
        Tx("SOMEONE-ELSE-1", second.amount, "Someone else"),
    ]
    batch = {"PmtInfId": pain(run, ".//p:PmtInfId")}  # no NbOfTxs
    statement = bank.statement_import(
        name="x.xml", data=camt("08", [Entry(run.total, details=details, batch=batch)])
    )
    second.refresh_from_db()
    assert second.state == "sent" and statement.unmatched_count == 1
