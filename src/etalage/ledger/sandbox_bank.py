"""The embedded bank sandbox: a stand-in for the operator's bank that reads a payout
run's pain.001 file and writes the camt.053.001.08 statement the bank would send
back. A batch the file asks to be booked as one (``BtchBookg`` true, as Étalage's
are) is one debit entry naming the file's ``MsgId``, ``PmtInfId`` and number of
transfers, with each transfer's details and amount (or, with ``details=False``, as
some banks do, without them); a file asking otherwise gets an entry per transfer.
The transfers the tester says bounce come back as credits with the ISO return
reason (``RtrInf``), and the providers' settlements are credited. It is never the
real bank and every page that offers it says so.

Its statements validate against the ISO 20022 schema (``xsd/camt.053.001.08.xsd``),
so the importer (``bank``) reads what a bank writes, not what Étalage expects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from lxml import etree

from etalage.core.sequences import sequence_next
from etalage.ledger.bank import settlements_waiting
from etalage.ledger.models import PayoutRun, to_decimal

CAMT = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
PAIN = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
# The ISO 20022 schema of the statements it writes (checked in the tests).
SCHEMA = Path(__file__).parent / "xsd" / "camt.053.001.08.xsd"


@dataclass(frozen=True, slots=True)
class Credit:
    """Money coming in (a provider's settlement): amount, payer, remittance."""

    amount: Decimal
    payer: str
    remittance: str


def _el(
    parent: etree._Element, tag: str, text: str | None = None, **attrs: str
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CAMT}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _path(parent: etree._Element, path: str, text: str) -> None:
    for tag in path.split("/"):
        parent = _el(parent, tag)
    parent.text = text


@dataclass(frozen=True, slots=True)
class Booking:
    """One entry the bank books: its amount, direction and transfers."""

    amount: Decimal
    credit: bool
    transfers: list[dict[str, str]]
    batch: dict[str, str] = field(default_factory=dict)  # MsgId, PmtInfId, NbOfTxs


def transfers_of(pain: bytes) -> list[dict[str, str]]:
    """The transfers a pain.001.001.09 file asks for, as the bank reads them."""
    return [t for _batch, transfers in batches_of(pain) for t in transfers]


def batches_of(pain: bytes) -> list[tuple[dict[str, str], list[dict[str, str]]]]:
    """Each payment information block of a pain.001.001.09 file: its batch ids
    (empty unless it asks for batch booking) and its transfers."""
    root = etree.fromstring(
        pain, etree.XMLParser(resolve_entities=False, no_network=True)
    )
    ns = {"p": PAIN}
    message_id = root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", namespaces=ns)
    batches = []
    for block in root.iterfind(".//p:PmtInf", namespaces=ns):
        transfers = [
            {
                "end_to_end_id": tx.findtext("p:PmtId/p:EndToEndId", namespaces=ns),
                "amount": tx.findtext("p:Amt/p:InstdAmt", namespaces=ns),
                "name": tx.findtext("p:Cdtr/p:Nm", namespaces=ns),
                "iban": tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=ns),
                "remittance": tx.findtext("p:RmtInf/p:Ustrd", namespaces=ns) or "",
            }
            for tx in block.iterfind("p:CdtTrfTxInf", namespaces=ns)
        ]
        batch = {}
        if block.findtext("p:BtchBookg", namespaces=ns) != "false":
            batch = {
                "MsgId": message_id or "",
                "PmtInfId": block.findtext("p:PmtInfId", namespaces=ns) or "",
                "NbOfTxs": str(len(transfers)),
            }
        batches.append((batch, transfers))
    return batches


def statement(
    *,
    iban: str,
    day: date,
    opening: Decimal,
    runs: Sequence[PayoutRun] = (),
    returns: Mapping[str, str] | None = None,
    credits: Sequence[Credit] = (),
    number: int = 1,
    details: bool = True,
) -> bytes:
    """The day's camt.053 statement: the runs' transfers booked (a batch as one
    entry, with each transfer's details unless ``details`` is false), those named
    in ``returns`` (end-to-end id: ISO reason code) bounced back, ``credits`` in."""
    returns = returns or {}
    root = etree.Element(f"{{{CAMT}}}Document", nsmap={None: CAMT})
    body = _el(root, "BkToCstmrStmt")
    header = _el(body, "GrpHdr")
    stamp = datetime.combine(day, datetime.min.time()).replace(hour=18)
    _el(header, "MsgId", f"SANDBOX-{day:%Y%m%d}-{number}")
    _el(header, "CreDtTm", stamp.isoformat())
    stmt = _el(body, "Stmt")
    _el(stmt, "Id", f"SANDBOX-STMT-{day:%Y%m%d}-{number}")
    _el(stmt, "ElctrncSeqNb", str(number))
    _el(stmt, "CreDtTm", stamp.isoformat())
    account = _el(stmt, "Acct")
    _path(account, "Id/IBAN", iban)
    _el(account, "Ccy", "EUR")
    entries: list[Booking] = []
    bounced: list[Booking] = []
    for run in runs:
        for batch, transfers in batches_of(bytes(run.file)):
            amounts = [Decimal(t["amount"]) for t in transfers]
            if batch:
                entries.append(
                    Booking(sum(amounts, Decimal(0)), False, transfers, batch)
                )
            else:
                entries += [
                    Booking(a, False, [t])
                    for a, t in zip(amounts, transfers, strict=True)
                ]
            bounced += [
                Booking(a, True, [{**t, "reason": returns[t["end_to_end_id"]]}])
                for a, t in zip(amounts, transfers, strict=True)
                if t["end_to_end_id"] in returns
            ]
    entries += bounced
    for credit in credits:
        payer = {
            "name": credit.payer,
            "remittance": credit.remittance,
            "amount": f"{credit.amount:.2f}",
        }
        entries.append(Booking(credit.amount, True, [payer]))
    closing = opening + sum(
        (e.amount if e.credit else -e.amount for e in entries), Decimal(0)
    )
    for code, amount in (("OPBD", opening), ("CLBD", closing)):
        balance = _el(stmt, "Bal")
        _path(balance, "Tp/CdOrPrtry/Cd", code)
        _el(balance, "Amt", f"{abs(amount):.2f}", Ccy="EUR")
        _el(balance, "CdtDbtInd", "CRDT" if amount >= 0 else "DBIT")
        _path(balance, "Dt/Dt", day.isoformat())
    for index, booking in enumerate(entries, start=1):
        _entry(stmt, index, day, booking, details)
    written: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return written


def _entry(
    stmt: etree._Element, index: int, day: date, booking: Booking, details: bool
) -> None:
    returned = any("reason" in tx for tx in booking.transfers)
    entry = _el(stmt, "Ntry")
    _el(entry, "NtryRef", str(index))
    _el(entry, "Amt", f"{booking.amount:.2f}", Ccy="EUR")
    _el(entry, "CdtDbtInd", "CRDT" if booking.credit else "DBIT")
    _path(entry, "Sts/Cd", "BOOK")
    _path(entry, "BookgDt/Dt", day.isoformat())
    _path(entry, "ValDt/Dt", day.isoformat())
    _el(entry, "AcctSvcrRef", f"SBX{day:%Y%m%d}{index:06d}")
    family = "ICDT" if not booking.credit or returned else "RCDT"
    sub_family = "RRTN" if returned else "ESCT"
    code = _el(entry, "BkTxCd")
    domain = _el(code, "Domn")
    _el(domain, "Cd", "PMNT")
    fmly = _el(domain, "Fmly")
    _el(fmly, "Cd", family)
    _el(fmly, "SubFmlyCd", sub_family)
    entry_details = _el(entry, "NtryDtls")
    if booking.batch:
        batch = _el(entry_details, "Btch")
        for tag in ("MsgId", "PmtInfId", "NbOfTxs"):
            _el(batch, tag, booking.batch[tag])
        _el(batch, "TtlAmt", f"{booking.amount:.2f}", Ccy="EUR")
        _el(batch, "CdtDbtInd", "DBIT")
        if not details:
            return
    for tx in booking.transfers:
        _transfer(entry_details, booking.credit, tx)


def _transfer(parent: etree._Element, credit: bool, tx: dict[str, str]) -> None:
    returned = "reason" in tx
    details = _el(parent, "TxDtls")
    if tx.get("end_to_end_id"):
        _path(details, "Refs/EndToEndId", tx["end_to_end_id"])
    amount = Decimal(tx["amount"]) if tx.get("amount") else None
    if amount is not None:
        _el(details, "Amt", f"{amount:.2f}", Ccy="EUR")
        _el(details, "CdtDbtInd", "CRDT" if credit else "DBIT")
    parties = _el(details, "RltdPties")
    if credit and not returned:
        _path(parties, "Dbtr/Pty/Nm", tx["name"][:140])
    else:
        _path(parties, "Cdtr/Pty/Nm", tx["name"][:140])
        if tx.get("iban"):
            _path(parties, "CdtrAcct/Id/IBAN", tx["iban"])
    if tx.get("remittance"):
        _path(details, "RmtInf/Ustrd", tx["remittance"][:140])
    if returned:
        info = _el(details, "RtrInf")
        _path(info, "Rsn/Cd", tx["reason"])


# The sandbox bank's own numbering of the statements it writes.
STATEMENT_SEQUENCE = "ledger.sandbox_bank.statement"


def sandbox_statement_write(
    *,
    run: PayoutRun,
    returns: Mapping[str, str] | None = None,
    settlements: bool = True,
    opening: Decimal = Decimal("0.00"),
) -> bytes:
    """The sandbox bank's next statement of the account payouts leave from: the
    run booked on its execution day, the transfers named in ``returns`` (end-to-end
    id: ISO reason code) bounced, and with ``settlements`` the providers'
    settlements not yet in the bank credited. Each statement takes the next number
    of the bank's sequence, never one another statement has."""
    credits = [
        Credit(to_decimal(net), report.provider, f"Settlement {report.name}")
        for report, net in (settlements_waiting().items() if settlements else ())
        if net > 0
    ]
    with transaction.atomic():
        return statement(
            iban=settings.ETALAGE_PAYOUT_DEBTOR["IBAN"],
            day=run.execution_date,
            opening=opening,
            runs=[run],
            returns=returns,
            credits=credits,
            number=sequence_next(STATEMENT_SEQUENCE),
        )
