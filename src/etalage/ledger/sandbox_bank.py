"""The embedded bank sandbox: a stand-in for the operator's bank that reads a payout
run's pain.001 file and writes the camt.053.001.08 statement the bank would send
back: each transfer booked as a debit, the ones the tester says bounce returned as
credits with an ISO return reason, and the providers' settlements credited. It is
never the real bank and every page that offers it says so.

Its statements validate against the ISO 20022 schema (``data/camt.053.001.08.xsd``),
so the importer (``bank``) reads what a bank writes, not what Étalage expects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree

from etalage.ledger.models import PayoutRun

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


def transfers_of(pain: bytes) -> list[dict[str, str]]:
    """The transfers a pain.001.001.09 file asks for, as the bank reads them."""
    root = etree.fromstring(
        pain, etree.XMLParser(resolve_entities=False, no_network=True)
    )
    ns = {"p": PAIN}
    return [
        {
            "end_to_end_id": tx.findtext("p:PmtId/p:EndToEndId", namespaces=ns),
            "amount": tx.findtext("p:Amt/p:InstdAmt", namespaces=ns),
            "name": tx.findtext("p:Cdtr/p:Nm", namespaces=ns),
            "iban": tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=ns),
            "remittance": tx.findtext("p:RmtInf/p:Ustrd", namespaces=ns) or "",
        }
        for tx in root.iterfind(".//p:CdtTrfTxInf", namespaces=ns)
    ]


def statement(
    *,
    iban: str,
    day: date,
    opening: Decimal,
    runs: Sequence[PayoutRun] = (),
    returns: Mapping[str, str] | None = None,
    credits: Sequence[Credit] = (),
    number: int = 1,
) -> bytes:
    """The day's camt.053 statement: the runs' transfers booked, those named in
    ``returns`` (end-to-end id: ISO reason code) bounced back, ``credits`` in."""
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
    entries: list[tuple[Decimal, bool, dict[str, str]]] = []
    for run in runs:
        for transfer in transfers_of(bytes(run.file)):
            amount = Decimal(transfer["amount"])
            entries.append((amount, False, transfer))
            if transfer["end_to_end_id"] in returns:
                entries.append(
                    (
                        amount,
                        True,
                        {**transfer, "reason": returns[transfer["end_to_end_id"]]},
                    )
                )
    for credit in credits:
        entries.append(
            (
                credit.amount,
                True,
                {"name": credit.payer, "remittance": credit.remittance},
            )
        )
    closing = opening + sum((a if c else -a for a, c, _t in entries), Decimal(0))
    for code, amount in (("OPBD", opening), ("CLBD", closing)):
        balance = _el(stmt, "Bal")
        _path(balance, "Tp/CdOrPrtry/Cd", code)
        _el(balance, "Amt", f"{abs(amount):.2f}", Ccy="EUR")
        _el(balance, "CdtDbtInd", "CRDT" if amount >= 0 else "DBIT")
        _path(balance, "Dt/Dt", day.isoformat())
    for index, (amount, incoming, tx) in enumerate(entries, start=1):
        _entry(stmt, index, day, amount, incoming, tx)
    written: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return written


def _entry(
    stmt: etree._Element,
    index: int,
    day: date,
    amount: Decimal,
    credit: bool,
    tx: dict[str, str],
) -> None:
    returned = "reason" in tx
    entry = _el(stmt, "Ntry")
    _el(entry, "NtryRef", str(index))
    _el(entry, "Amt", f"{amount:.2f}", Ccy="EUR")
    _el(entry, "CdtDbtInd", "CRDT" if credit else "DBIT")
    _path(entry, "Sts/Cd", "BOOK")
    _path(entry, "BookgDt/Dt", day.isoformat())
    _path(entry, "ValDt/Dt", day.isoformat())
    _el(entry, "AcctSvcrRef", f"SBX{day:%Y%m%d}{index:06d}")
    family = "ICDT" if not credit or returned else "RCDT"
    sub_family = "RRTN" if returned else "ESCT"
    code = _el(entry, "BkTxCd")
    domain = _el(code, "Domn")
    _el(domain, "Cd", "PMNT")
    fmly = _el(domain, "Fmly")
    _el(fmly, "Cd", family)
    _el(fmly, "SubFmlyCd", sub_family)
    details = _el(_el(entry, "NtryDtls"), "TxDtls")
    if tx.get("end_to_end_id"):
        _path(details, "Refs/EndToEndId", tx["end_to_end_id"])
    _el(details, "Amt", f"{amount:.2f}", Ccy="EUR")
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
