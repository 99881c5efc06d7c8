"""The bank's camt.053 statement, read as banks write it: versions .02, .08 and .10,
elements found by their namespace URI (a prefix or none), the file first validated
against the official ISO 20022 schema of its version (``xsd/``), so that a bad
amount or date is refused with the element named, never half-read.

An entry is what the bank booked; its transfers (``TxDtls``) are kept with their
own amounts when they have them. ``entry_lines`` makes the lines Étalage matches:
one per transfer when the transfers' amounts add up to the entry, the entry whole
otherwise (a batch the bank booked as one debit, matched by its ``PmtInfId`` or
``MsgId``, never each of its transfers given the batch's total).

``pycamt`` is not used for this: it looks elements up by the file's own prefixes
(a prefixed file reads as empty) and gives a transfer without an amount its entry's.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from etalage.money import Money, MoneyError

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001."
VERSIONS = ("02", "08", "10")
XSD = Path(__file__).parent / "xsd"


class StatementRefused(ValueError):
    """The file is not a camt.053 statement Étalage can read (reason for the
    operator)."""


@dataclass(frozen=True, slots=True)
class Transfer:
    """One transfer inside an entry (``TxDtls``)."""

    end_to_end_id: str
    amount: Decimal | None  # in the entry's currency; None when the bank gave none
    credit: bool | None  # None: the entry's
    counterparty: str
    reference: str
    return_reason: str
    references: tuple[str, ...]  # its PmtInfId and MsgId, when given


@dataclass(frozen=True, slots=True)
class Entry:
    """One booked entry (``Ntry``)."""

    number: int
    booked_on: date | None
    credit: bool
    reversal: bool
    amount: Decimal
    currency: str
    information: str
    batch: tuple[str, ...]  # Btch/PmtInfId and Btch/MsgId, when given
    batch_count: int | None
    transfers: tuple[Transfer, ...]


@dataclass(frozen=True, slots=True)
class Statement:
    id: str
    iban: str
    entries: tuple[Entry, ...]  # booked ones only


@dataclass(frozen=True, slots=True)
class Line:
    """What Étalage matches: a transfer, or an entry that cannot be split."""

    entry: Entry
    amount: Decimal
    credit: bool
    end_to_end_id: str
    return_reason: str
    reference: str
    counterparty: str
    batch: tuple[str, ...]  # references to match a whole run by
    whole: bool  # the entry's whole amount (not one of its transfers)
    note: str  # why an entry with transfers was kept whole


_schemas = threading.local()  # one per thread: a validator keeps its own error log


def _schema(version: str) -> etree.XMLSchema:
    loaded: dict[str, etree.XMLSchema] = _schemas.__dict__.setdefault("by", {})
    if version not in loaded:
        path = XSD / f"camt.053.001.{version}.xsd"
        loaded[version] = etree.XMLSchema(etree.parse(str(path)))
    return loaded[version]


def statement_parse(data: bytes) -> list[Statement]:
    """The statements of a camt.053 file, once its ISO schema says it is valid."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        tree = etree.fromstring(data, parser).getroottree()
    except etree.XMLSyntaxError as error:
        raise StatementRefused(
            _("This is not an XML file: %(error)s") % {"error": error}
        ) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise StatementRefused(_("A statement with a DOCTYPE is refused."))
    root = tree.getroot()
    namespace = etree.QName(root).namespace or ""
    version = namespace.removeprefix(NAMESPACE)
    if not namespace.startswith(NAMESPACE) or etree.QName(root).localname != "Document":
        raise StatementRefused(
            _("This is not a camt.053 statement (its root is %(root)s).")
            % {"root": root.tag}
        )
    if version not in VERSIONS:
        raise StatementRefused(
            _(
                "camt.053.001.%(version)s is not read; ask the bank for version "
                ".02, .08 or .10."
            )
            % {"version": version}
        )
    schema = _schema(version)
    if not schema.validate(tree):
        invalid = schema.error_log.last_error
        raise StatementRefused(
            _(
                "The statement is not valid camt.053.001.%(version)s (line %(line)s): "
                "%(error)s"
            )
            % {"version": version, "line": invalid.line, "error": invalid.message}
        )
    reader = _Reader(namespace)
    return [reader.statement(stmt) for stmt in root.iterfind(reader.p("*/Stmt"))]


class _Reader:
    """Finds elements by the namespace URI, whatever prefix the file uses."""

    def __init__(self, namespace: str) -> None:
        self.ns = namespace

    def p(self, path: str) -> str:
        return "/".join(
            step if step in ("*", ".", "..") else f"{{{self.ns}}}{step}"
            for step in path.split("/")
        )

    def text(self, element: etree._Element, path: str) -> str:
        return (element.findtext(self.p(path)) or "").strip()

    def statement(self, stmt: etree._Element) -> Statement:
        iban = self.text(stmt, "Acct/Id/IBAN")
        entries = []
        for number, ntry in enumerate(stmt.iterfind(self.p("Ntry")), start=1):
            status = self.text(ntry, "Sts/Cd") or self.text(ntry, "Sts")
            if status == "BOOK":  # pending and information-only entries skipped
                entries.append(self.entry(ntry, number))
        return Statement(
            id=self.text(stmt, "Id")[:35], iban=iban, entries=tuple(entries)
        )

    def entry(self, ntry: etree._Element, number: int) -> Entry:
        amount, currency = _amount(ntry.find(self.p("Amt")), number, "Amt")
        booked = ntry.find(self.p("BookgDt"))
        count = self.text(ntry, "NtryDtls/Btch/NbOfTxs")
        return Entry(
            number=number,
            booked_on=_day(booked, number) if booked is not None else None,
            credit=self.text(ntry, "CdtDbtInd") == "CRDT",
            reversal=self.text(ntry, "RvslInd") == "true",
            amount=amount,
            currency=currency,
            information=self.text(ntry, "AddtlNtryInf")[:140],
            batch=tuple(
                ref
                for ref in (
                    self.text(ntry, "NtryDtls/Btch/PmtInfId"),
                    self.text(ntry, "NtryDtls/Btch/MsgId"),
                )
                if ref
            ),
            batch_count=int(count) if count.isdigit() else None,
            transfers=tuple(
                self.transfer(tx, number, currency)
                for tx in ntry.iterfind(self.p("NtryDtls/TxDtls"))
            ),
        )

    def transfer(self, tx: etree._Element, number: int, currency: str) -> Transfer:
        amount = None
        # .08 and .10 give the transfer's amount; .02 only its amounts' details.
        for path in ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"):
            element = tx.find(self.p(path))
            if element is not None and element.get("Ccy") == currency:
                amount = _amount(element, number, path)[0]
                break
        indicator = self.text(tx, "CdtDbtInd")
        credit = None if not indicator else indicator == "CRDT"
        e2e = self.text(tx, "Refs/EndToEndId")
        names = [
            self.text(tx, f"RltdPties/{role}/{path}")
            for role in ("Cdtr", "Dbtr")
            for path in ("Pty/Nm", "Nm")
        ]
        if credit:
            names.reverse()
        remittance = " ".join(
            (t.text or "").strip() for t in tx.iterfind(self.p("RmtInf/Ustrd"))
        ) or self.text(tx, "RmtInf/Strd/CdtrRefInf/Ref")
        return Transfer(
            end_to_end_id="" if e2e == "NOTPROVIDED" else e2e[:35],
            amount=amount,
            credit=credit,
            counterparty=next((n for n in names if n), "")[:140],
            reference=remittance[:140],
            return_reason=(
                self.text(tx, "RtrInf/Rsn/Cd") or self.text(tx, "RtrInf/Rsn/Prtry")
            )[:8],
            references=tuple(
                ref
                for ref in (self.text(tx, "Refs/PmtInfId"), self.text(tx, "Refs/MsgId"))
                if ref
            ),
        )


def _amount(
    element: etree._Element | None, number: int, field: str
) -> tuple[Decimal, str]:
    """An amount and its currency; finer than the currency's minor unit is refused
    (never rounded)."""
    text = (element.text or "").strip() if element is not None else ""
    currency = element.get("Ccy", "") if element is not None else ""
    try:
        amount = Decimal(text)
        money = Money(amount, currency)
    except (ArithmeticError, MoneyError):
        raise StatementRefused(
            _("Entry %(n)s, %(field)s: %(amount)s %(currency)s is not an amount.")
            % {"n": number, "field": field, "amount": text, "currency": currency}
        ) from None
    if money.rounded().amount != amount or amount < 0:
        raise StatementRefused(
            _(
                "Entry %(n)s, %(field)s: %(amount)s has more decimals than "
                "%(currency)s has."
            )
            % {"n": number, "field": field, "amount": text, "currency": currency}
        )
    return amount, currency


def _day(element: etree._Element, number: int) -> date:
    text = "".join(element.itertext()).strip()
    try:
        if "T" in text:
            return datetime.fromisoformat(text).date()
        return date.fromisoformat(text[:10])
    except ValueError:
        raise StatementRefused(
            _("Entry %(n)s, BookgDt: %(date)s is not a date.")
            % {"n": number, "date": text}
        ) from None


def entry_lines(entry: Entry) -> list[Line]:
    """The lines of an entry: each transfer with its own amount when the amounts
    add up to the entry, the entry whole otherwise."""
    transfers = entry.transfers
    sign = 1 if entry.credit else -1

    def signed(transfer: Transfer) -> Decimal:
        credit = entry.credit if transfer.credit is None else transfer.credit
        return (transfer.amount or Decimal(0)) * (1 if credit else -1)

    if len(transfers) == 1:
        only = transfers[0]
        return [_line(entry, entry.amount, entry.credit, only, "")]
    if transfers and all(t.amount is not None for t in transfers):
        if sum((signed(t) for t in transfers), Decimal(0)) == sign * entry.amount:
            return [
                _line(entry, abs(signed(t)), signed(t) > 0, t, "", whole=False)
                for t in transfers
            ]
        note = "its transfers' amounts do not add up to it"
    else:
        note = "its transfers have no amounts" if transfers else ""
    references = entry.batch + tuple(
        ref for t in transfers for ref in t.references if ref not in entry.batch
    )
    whole = Transfer(
        end_to_end_id="",
        amount=entry.amount,
        credit=entry.credit,
        counterparty="",
        reference=entry.information,
        return_reason="",
        references=references,
    )
    return [_line(entry, entry.amount, entry.credit, whole, note)]


def _line(
    entry: Entry,
    amount: Decimal,
    credit: bool,
    transfer: Transfer,
    note: str,
    *,
    whole: bool = True,
) -> Line:
    return Line(
        entry=entry,
        amount=amount,
        credit=credit,
        end_to_end_id=transfer.end_to_end_id,
        return_reason=transfer.return_reason if credit else "",
        reference=transfer.reference or entry.information,
        counterparty=transfer.counterparty,
        batch=entry.batch + transfer.references,
        whole=whole,
        note=note,
    )
