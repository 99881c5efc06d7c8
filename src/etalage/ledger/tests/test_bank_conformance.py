"""The bank's own formats decide: camt.053 statements written as Belgian banks send
them (.02, .08 and .10; the default namespace or a prefix; a batch booked as one
entry, with or without each transfer's details; returns with ``RtrInf``), each
validated against the official ISO 20022 schema before it is imported, and our
pain.001 files validated against the ISO schema shipped by another package than
``sepaxml`` (``ledger/xsd/``, see its README)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from etalage.ledger import bank
from etalage.ledger.checks import ledger_problems
from etalage.ledger.models import BankStatement, Payout, PayoutRun
from etalage.ledger.payouts import payout_run
from etalage.ledger.tests.conftest import balance
from etalage.merchants.models import Merchant

XSD = Path(bank.__file__).parent / "xsd"
PAYOUT_IBAN = "BE68539007547034"  # the (sandbox) operator's account in the tests
D = Decimal
VERSIONS = ("02", "08", "10")


def _fmt(amount: Decimal) -> str:
    """As banks write amounts: two decimals (more only when there are more)."""
    return f"{amount:.2f}" if amount == round(amount, 2) else str(amount)


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD / f"{name}.xsd")))


def official(data: bytes, name: str) -> bytes:
    """``data``, once the official ISO schema ``name`` says it is valid."""
    schema = _schema(name)
    if not schema.validate(etree.fromstring(data)):
        raise AssertionError(f"not a valid {name}: {schema.error_log}")
    return data


# --- statements as banks write them --------------------------------------------


@dataclass
class Tx:
    """One transfer inside an entry (TxDtls)."""

    end_to_end_id: str = ""
    amount: Decimal | None = None
    name: str = ""
    iban: str = ""
    reason: str = ""  # RtrInf/Rsn/Cd
    payment_info_id: str = ""


@dataclass
class Entry:
    amount: Decimal
    credit: bool = False
    details: list[Tx] = field(default_factory=list)
    batch: dict[str, str] = field(default_factory=dict)  # MsgId, PmtInfId, NbOfTxs
    booked: str = "2024-08-05"


class Writer:
    def __init__(self, version: str, prefix: str | None):
        self.version, self.prefix = version, prefix
        self.ns = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"

    def el(self, parent, tag, text=None, **attrs):
        element = etree.SubElement(parent, f"{{{self.ns}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    def path(self, parent, path, text=None, **attrs):
        *heads, last = path.split("/")
        for tag in heads:
            parent = self.el(parent, tag)
        return self.el(parent, last, text, **attrs)

    def party(self, parent, role, name):
        # .02: PartyIdentification32 (Nm); .08 and .10: Party40Choice (Pty/Nm)
        self.path(
            parent, f"{role}/Nm" if self.version == "02" else f"{role}/Pty/Nm", name
        )

    def amount(self, parent, amount, credit):
        if self.version == "02":  # .02 has no TxDtls/Amt: the amounts' details
            self.path(parent, "AmtDtls/TxAmt/Amt", _fmt(amount), Ccy="EUR")
        else:
            self.el(parent, "Amt", _fmt(amount), Ccy="EUR")
            self.el(parent, "CdtDbtInd", "CRDT" if credit else "DBIT")

    def tx(self, parent, tx: Tx, credit: bool):
        details = self.el(parent, "TxDtls")
        refs = self.el(details, "Refs")
        if tx.payment_info_id:
            self.el(refs, "PmtInfId", tx.payment_info_id)
        self.el(refs, "EndToEndId", tx.end_to_end_id or "NOTPROVIDED")
        if tx.amount is not None:
            self.amount(details, tx.amount, credit)
        if tx.name:
            parties = self.el(details, "RltdPties")
            self.party(parties, "Cdtr", tx.name)
            if tx.iban:
                self.path(parties, "CdtrAcct/Id/IBAN", tx.iban)
        if tx.reason:
            info = self.el(details, "RtrInf")
            self.path(info, "Rsn/Cd", tx.reason)
            self.el(info, "AddtlInf", "RETURN OF SEPA CREDIT TRANSFER")

    def entry(self, stmt, n, entry: Entry):
        ntry = self.el(stmt, "Ntry")
        self.el(ntry, "NtryRef", str(n))
        self.el(ntry, "Amt", _fmt(entry.amount), Ccy="EUR")
        self.el(ntry, "CdtDbtInd", "CRDT" if entry.credit else "DBIT")
        if self.version == "02":
            self.el(ntry, "Sts", "BOOK")
        else:
            self.path(ntry, "Sts/Cd", "BOOK")
        self.path(ntry, "BookgDt/Dt", entry.booked)
        self.path(ntry, "ValDt/Dt", entry.booked)
        self.el(ntry, "AcctSvcrRef", f"0805{n:06d}")
        code = self.el(ntry, "BkTxCd")
        domain = self.el(code, "Domn")
        self.el(domain, "Cd", "PMNT")
        family = self.el(domain, "Fmly")
        self.el(family, "Cd", "ICDT")
        returned = any(tx.reason for tx in entry.details)
        self.el(family, "SubFmlyCd", "RRTN" if returned else "ESCT")
        self.path(code, "Prtry/Cd", "01500000" if not entry.credit else "01010000")
        if entry.batch or entry.details:
            details = self.el(ntry, "NtryDtls")
            if entry.batch:
                batch = self.el(details, "Btch")
                for tag in ("MsgId", "PmtInfId", "NbOfTxs"):
                    if entry.batch.get(tag):
                        self.el(batch, tag, entry.batch[tag])
                self.el(batch, "TtlAmt", _fmt(entry.amount), Ccy="EUR")
                self.el(batch, "CdtDbtInd", "CRDT" if entry.credit else "DBIT")
            for tx in entry.details:
                self.tx(details, tx, entry.credit)
        self.el(ntry, "AddtlNtryInf", "EUROPEAN TRANSFER")

    def write(self, entries: list[Entry], iban: str) -> bytes:
        nsmap = {self.prefix: self.ns}
        root = etree.Element(f"{{{self.ns}}}Document", nsmap=nsmap)
        body = self.el(root, "BkToCstmrStmt")
        header = self.el(body, "GrpHdr")
        self.el(header, "MsgId", "CAMT053-20240805-0001")
        self.el(header, "CreDtTm", "2024-08-05T21:10:04")
        self.path(header, "MsgPgntn/PgNb", "1")
        self.el(header.find(f"{{{self.ns}}}MsgPgntn"), "LastPgInd", "true")
        stmt = self.el(body, "Stmt")
        self.el(stmt, "Id", "BE68539007547034-2024-152")
        self.el(stmt, "ElctrncSeqNb", "152")
        self.el(stmt, "LglSeqNb", "152")
        self.el(stmt, "CreDtTm", "2024-08-05T21:10:04")
        account = self.el(stmt, "Acct")
        self.path(account, "Id/IBAN", iban)
        self.el(account, "Ccy", "EUR")
        self.path(account, "Ownr/Nm", "ETALAGE DEMO OPERATOR")
        closing = D("1000.00") + sum(
            (e.amount if e.credit else -e.amount for e in entries), D(0)
        )
        for code, amount in (("OPBD", D("1000.00")), ("CLBD", closing)):
            balance_ = self.el(stmt, "Bal")
            self.path(balance_, "Tp/CdOrPrtry/Cd", code)
            self.el(balance_, "Amt", f"{abs(amount):.2f}", Ccy="EUR")
            self.el(balance_, "CdtDbtInd", "CRDT" if amount >= 0 else "DBIT")
            self.path(balance_, "Dt/Dt", "2024-08-05")
        for n, entry in enumerate(entries, start=1):
            self.entry(stmt, n, entry)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def camt(
    version: str,
    entries: list[Entry],
    *,
    prefix: str | None = None,
    iban: str = PAYOUT_IBAN,
) -> bytes:
    """A camt.053.001.<version> statement of ``entries``, valid by the ISO schema."""
    data = Writer(version, prefix).write(entries, iban)
    return official(data, f"camt.053.001.{version}")


def imported(data: bytes) -> BankStatement:
    return bank.statement_import(name="camt053.xml", data=data)


# --- a run of two payouts, sent to the bank ------------------------------------


def payouts(run: PayoutRun) -> list[Payout]:
    return list(run.payouts.order_by("end_to_end_id"))


def pain(run: PayoutRun, path: str) -> str:
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
    return etree.fromstring(bytes(run.file)).findtext(path, namespaces=ns)


def one_by_one(run: PayoutRun) -> list[Entry]:
    """Each transfer its own entry, with its details."""
    return [
        Entry(p.amount, details=[Tx(p.end_to_end_id, p.amount, p.merchant.name)])
        for p in payouts(run)
    ]


def states(run: PayoutRun) -> set[str]:
    return {p.state for p in run.payouts.all()}


# --- the tests ---------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("prefix", [None, "camt", "ns2"])
def test_a_statement_is_read_by_its_namespace_uri_in_any_version_and_prefix(
    run, version, prefix
):
    statement = imported(camt(version, one_by_one(run), prefix=prefix))
    assert (statement.lines_count, statement.unmatched_count) == (2, 0)
    assert states(run) == {"settled"}
    assert statement.iban == PAYOUT_IBAN
    assert balance("payouts_in_transit", "EUR") == 0
    assert ledger_problems() == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("reference", ["PmtInfId", "MsgId"])
def test_a_batch_booked_as_one_entry_without_details_settles_the_run(
    run, version, reference
):
    ids = {"PmtInfId": pain(run, ".//p:PmtInfId"), "MsgId": pain(run, ".//p:MsgId")}
    batch = {reference: ids[reference], "NbOfTxs": "2"}
    statement = imported(camt(version, [Entry(run.total, batch=batch)]))
    assert states(run) == {"settled"}
    assert statement.unmatched_count == 0
    assert balance("bank", "EUR") == -run.total
    assert ledger_problems() == []


@pytest.mark.parametrize("version", VERSIONS)
def test_a_batch_entry_with_each_transfer_and_its_amount_settles_each(run, version):
    details = [
        Tx(p.end_to_end_id, p.amount, p.merchant.name, p.iban) for p in payouts(run)
    ]
    batch = {"PmtInfId": pain(run, ".//p:PmtInfId"), "NbOfTxs": "2"}
    statement = imported(
        camt(version, [Entry(run.total, details=details, batch=batch)])
    )
    assert states(run) == {"settled"}
    lines = statement.lines.order_by("end_to_end_id")
    assert [line.amount for line in lines] == [p.amount for p in payouts(run)]


@pytest.mark.parametrize("version", VERSIONS)
def test_details_without_amounts_are_never_each_given_the_batch_total(run, version):
    """Banks sending .02 often list a batch's transfers with their references only:
    the entry is matched whole by its batch reference, not split."""
    details = [Tx(p.end_to_end_id, None, p.merchant.name) for p in payouts(run)]
    batch = {"PmtInfId": pain(run, ".//p:PmtInfId"), "NbOfTxs": "2"}
    statement = imported(
        camt(version, [Entry(run.total, details=details, batch=batch)])
    )
    assert sum(line.amount for line in statement.lines.all()) == run.total
    assert states(run) == {"settled"} and statement.unmatched_count == 0


def test_details_without_amounts_and_no_batch_reference_go_to_the_operator(run):
    details = [Tx(p.end_to_end_id, None, p.merchant.name) for p in payouts(run)]
    statement = imported(camt("02", [Entry(run.total, details=details)]))
    (line,) = statement.lines.all()
    assert line.amount == run.total and statement.unmatched_count == 1
    assert states(run) == {"sent"}
    assert ledger_problems() == []


def test_details_whose_amounts_do_not_add_up_to_the_entry_are_not_split(run):
    first, second = payouts(run)
    details = [
        Tx(first.end_to_end_id, first.amount, "A"),
        Tx(second.end_to_end_id, first.amount, "B"),  # a wrong amount
    ]
    statement = imported(camt("08", [Entry(run.total, details=details)]))
    assert statement.lines_count == 1 and statement.unmatched_count == 1
    assert states(run) == {"sent"}


def test_a_statement_for_another_account_is_refused_and_imports_nothing(run):
    data = camt("08", one_by_one(run), iban="BE71096123456769")
    with pytest.raises(bank.StatementRefused, match="BE71096123456769"):
        imported(data)
    assert not BankStatement.objects.exists() and states(run) == {"sent"}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("prefix", [None, "camt"])
def test_a_return_with_its_reason_gives_the_money_back(run, version, prefix):
    first, second = payouts(run)
    back = Entry(
        second.amount,
        credit=True,
        details=[
            Tx(second.end_to_end_id, second.amount, second.merchant.name, reason="AC04")
        ],
    )
    imported(camt(version, [*one_by_one(run), back], prefix=prefix))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state, second.return_reason) == (
        "settled",
        "returned",
        "AC04",
    )
    assert balance(f"merchant_available:{second.merchant_id}", "EUR") == -second.amount
    assert ledger_problems() == []


def test_a_credit_without_return_information_never_returns_a_settled_payout(run):
    first, _second = payouts(run)
    imported(camt("08", one_by_one(run)))
    again = Entry(
        first.amount,
        credit=True,
        details=[Tx(first.end_to_end_id, first.amount, first.merchant.name)],
    )
    statement = bank.statement_import(name="next.xml", data=camt("08", [again]))
    first.refresh_from_db()
    assert first.state == "settled" and statement.unmatched_count == 1
    assert balance(f"merchant_available:{first.merchant_id}", "EUR") == 0
    assert ledger_problems() == []


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("<Dt>2024-08-05</Dt>", "<Dt>2024-02-30</Dt>", "date"),
        ('<Amt Ccy="EUR">', '<Amt Ccy="EUR">-', "amount"),
    ],
)
def test_a_bad_date_or_amount_is_refused_with_its_reason(run, old, new, field):
    data = camt("08", one_by_one(run)).replace(old.encode(), new.encode(), 1)
    with pytest.raises(bank.StatementRefused) as refused:
        imported(data)
    assert refused.type is bank.StatementRefused
    assert not BankStatement.objects.exists() and states(run) == {"sent"}


def test_an_amount_finer_than_the_cent_is_refused_not_rounded(run):
    first, second = payouts(run)
    entries = one_by_one(run)
    entries[0].amount = first.amount + D("0.004")  # valid ISO (5 decimals), not EUR
    entries[0].details[0].amount = entries[0].amount
    with pytest.raises(bank.StatementRefused, match="Entry 1"):
        imported(camt("08", entries))
    assert states(run) == {"sent"}


@pytest.mark.parametrize("details", [True, False])
def test_the_sandbox_books_a_run_as_one_entry_as_a_bank_does(run, details):
    from etalage.ledger import sandbox_bank

    first, second = payouts(run)
    data = sandbox_bank.statement(
        iban=PAYOUT_IBAN,
        day=date(2024, 8, 5),
        opening=D("1000.00"),
        runs=[run],
        returns={second.end_to_end_id: "AC04"},
        details=details,
    )
    root = etree.fromstring(official(data, "camt.053.001.08"))
    ns = {"c": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"}
    (batch,) = root.iterfind(".//c:Ntry/c:NtryDtls/c:Btch", ns)
    assert batch.findtext("c:PmtInfId", namespaces=ns) == pain(run, ".//p:PmtInfId")
    assert batch.findtext("c:NbOfTxs", namespaces=ns) == "2"
    statement = imported(data)
    second.refresh_from_db()
    assert (statement.lines_count, statement.unmatched_count) == (
        3 if details else 2,
        0,
    )
    assert (second.state, second.return_reason) == ("returned", "AC04")
    assert balance("bank", "EUR") == -first.amount
    assert ledger_problems() == []


# --- pain.001 ----------------------------------------------------------------------


def test_the_payout_file_is_valid_by_the_iso_schema_of_another_package(run):
    official(bytes(run.file), "pain.001.001.09")


def test_names_and_remittances_keep_to_the_epc_character_set(books, settings):
    settings.ETALAGE_PAYOUT_MINIMUM_EUR = D("1")
    Merchant.objects.update(iban="BE71096123456769")
    Merchant.objects.filter(name="First").update(
        name="Dupont & Fils_1", legal_name="Dupont & Fils <Chocolatiers> SRL"
    )
    p = books.shopping.products
    order = books.pay(books.place([(p["a"], 1), (p["c"], 1)]))
    for sub in order.sub_orders.all():
        books.deliver(sub)
    books.mature()
    file = bytes(payout_run(by="operator", today=date(2024, 8, 2)).file)
    official(file, "pain.001.001.09")
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
    texts = [
        t.text
        for t in etree.fromstring(file).iterfind(".//p:CdtTrfTxInf//*", ns)
        if t.text and t.tag.split("}")[1] in ("Nm", "Ustrd", "StrtNm", "TwnNm")
    ]
    allowed = set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ "
    )
    assert all(set(text) <= allowed for text in texts), texts
    assert any(text.startswith("Dupont + Fils") for text in texts), texts


@pytest.mark.parametrize(
    ("today", "executed"),
    [
        (date(2026, 12, 24), date(2026, 12, 28)),  # 25 Dec, then the weekend
        (date(2027, 3, 25), date(2027, 3, 30)),  # Good Friday to Easter Monday
        (date(2027, 4, 30), date(2027, 5, 3)),  # 1 May is a Saturday: Monday
        (date(2026, 4, 30), date(2026, 5, 4)),  # 1 May (Friday), the weekend
        (date(2026, 12, 31), date(2027, 1, 4)),  # New Year, then the weekend
    ],
)
def test_the_execution_date_skips_target2_closing_days(
    books, settings, today, executed
):
    settings.ETALAGE_PAYOUT_MINIMUM_EUR = D("1")
    Merchant.objects.update(iban="BE71096123456769")
    p = books.shopping.products
    order = books.pay(books.place([(p["a"], 1)]))
    for sub in order.sub_orders.all():
        books.deliver(sub)
    books.mature()
    run = payout_run(by="operator", today=today)
    assert run.execution_date == executed
    assert pain(run, ".//p:ReqdExctnDt/p:Dt") == executed.isoformat()
