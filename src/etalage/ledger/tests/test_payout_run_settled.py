"""A payout run reads *settled* once the bank's statements account for every one of
its payouts (booked, or returned with the bank's reason), and not before."""

from __future__ import annotations

from etalage.ledger import bank
from etalage.ledger.models import PayoutRun
from etalage.ledger.tests.test_bank_conformance import (
    Entry,
    Tx,
    camt,
    one_by_one,
    pain,
    payouts,
)


def state(run: PayoutRun) -> str:
    run.refresh_from_db()
    return run.state


def test_a_run_reads_settled_once_its_statement_books_every_payout(run):
    assert state(run) == "sent"
    first, second = one_by_one(run)
    bank.statement_import(name="monday.xml", data=camt("08", [first]))
    assert state(run) == "sent"  # one payout still on its way
    bank.statement_import(name="tuesday.xml", data=camt("08", [second]))
    assert state(run) == "settled"
    assert run.get_state_display() == "settled by the bank"


def test_a_run_booked_as_one_entry_by_its_batch_reference_reads_settled(run):
    batch = {"PmtInfId": pain(run, ".//p:PmtInfId"), "NbOfTxs": "2"}
    bank.statement_import(
        name="x.xml", data=camt("02", [Entry(run.total, batch=batch)])
    )
    assert state(run) == "settled"


def test_a_run_with_a_transfer_returned_reads_settled_the_return_on_its_payout(run):
    first, second = payouts(run)
    back = Entry(
        second.amount,
        credit=True,
        details=[Tx(second.end_to_end_id, second.amount, "Second", reason="AC04")],
    )
    bank.statement_import(name="x.xml", data=camt("08", [one_by_one(run)[0], back]))
    assert state(run) == "settled"
    assert {p.state for p in run.payouts.all()} == {"settled", "returned"}


def test_a_statement_that_matches_nothing_of_the_run_leaves_it_sent(run):
    bank.statement_import(name="x.xml", data=camt("08", [Entry(run.total)]))
    assert state(run) == "sent"


def test_the_back_office_lists_the_run_as_settled(run, admin_client):
    bank.statement_import(name="x.xml", data=camt("08", one_by_one(run)))
    page = admin_client.get("/backoffice/ledger/payoutrun/").content.decode()
    assert "settled by the bank" in page
