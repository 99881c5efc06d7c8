"""The bank sandbox's statements: written by one service for the back-office and
the demo, each numbered once by the sandbox bank's own sequence."""

import xmlschema
from lxml import etree

from etalage.ledger import bank, sandbox_bank

CAMT = {"c": sandbox_bank.CAMT}


def numbers(statement: bytes) -> tuple[str, str]:
    root = etree.fromstring(statement)
    return (
        root.findtext("c:BkToCstmrStmt/c:Stmt/c:ElctrncSeqNb", namespaces=CAMT),
        root.findtext("c:BkToCstmrStmt/c:Stmt/c:Id", namespaces=CAMT),
    )


def test_each_statement_of_the_sandbox_bank_has_a_number_of_its_own(run):
    first = sandbox_bank.sandbox_statement_write(run=run)
    again = sandbox_bank.sandbox_statement_write(run=run, settlements=False)
    assert numbers(first) == ("1", f"SANDBOX-STMT-{run.execution_date:%Y%m%d}-1")
    assert numbers(again)[0] == "2"
    xmlschema.XMLSchema(str(sandbox_bank.SCHEMA)).validate(first.decode())


def test_a_statement_returns_the_transfers_named_and_imports_whole(run):
    returned = run.payouts.order_by("end_to_end_id").last()
    statement = sandbox_bank.sandbox_statement_write(
        run=run, returns={returned.end_to_end_id: "AC04"}
    )
    imported = bank.statement_import(name="sandbox.xml", data=statement)
    assert imported.unmatched_count == 0
    returned.refresh_from_db()
    assert (returned.state, returned.return_reason) == ("returned", "AC04")
