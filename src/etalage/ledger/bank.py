"""The bank's camt.053 statement, imported: payouts booked are settled, payouts the
bank returned go back to the merchant's available balance with the bank's reason,
and the providers' settlements arriving are matched with their reports.

Entries are read with ``pycamt`` (a maintained camt.053 parser over lxml, with
entities and network access off); the return reason (``RtrInf``), which it does
not extract, is read from the same parsed tree.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from lxml import etree
from pycamt.parser import Camt053ParseError, Camt053Parser

from etalage.ledger import chart
from etalage.ledger.chart import account_key
from etalage.ledger.journal import post
from etalage.ledger.models import BankLine, BankStatement, Payout
from etalage.ledger.posting import transfer_legs
from etalage.money import Money, MoneyError
from etalage.payments.models import SettlementLine, SettlementReport


class StatementRefused(ValueError):
    """The file is not a camt.053 statement Étalage can read (reason for the
    operator)."""


@dataclass(frozen=True, slots=True)
class Booked:
    """One booked movement of a statement."""

    booked_on: date | None
    credit: bool
    amount: Decimal
    currency: str
    end_to_end_id: str
    reference: str
    counterparty: str
    return_reason: str


def statement_read(data: bytes) -> tuple[str, str, list[Booked]]:
    """The statement's id, account IBAN and booked movements."""
    try:
        parser = Camt053Parser(data)
        transactions = parser.get_transactions()
        info = parser.get_statement_info()
    except (
        etree.XMLSyntaxError,
        Camt053ParseError,
        ValueError,
        AttributeError,
    ) as error:
        raise StatementRefused(
            _("This is not a camt.053 statement: %(error)s")
            % {"error": str(error) or _("no statement (BkToCstmrStmt) in it")}
        ) from None
    reasons = _return_reasons(parser)
    booked = []
    for number, tx in enumerate(transactions, start=1):
        if tx.get("Status") not in ("BOOK", None):
            continue  # pending or information only
        try:
            amount = Decimal(tx["Amount"])
        except (KeyError, TypeError, InvalidOperation):
            raise StatementRefused(
                _("Entry %(n)s has no amount.") % {"n": number}
            ) from None
        currency = tx.get("Currency") or "EUR"
        try:
            Money(amount, currency)
        except MoneyError:
            raise StatementRefused(
                _("Entry %(n)s: %(currency)s is not a currency.")
                % {"n": number, "currency": currency}
            ) from None
        e2e = tx.get("EndToEndId") or ""
        credit = tx.get("CreditDebitIndicator") == "CRDT"
        booked.append(
            Booked(
                booked_on=date.fromisoformat(tx["BookingDate"][:10])
                if tx.get("BookingDate")
                else None,
                credit=credit,
                amount=amount,
                currency=currency,
                end_to_end_id="" if e2e == "NOTPROVIDED" else e2e,
                reference=(
                    tx.get("RemittanceInformationFull")
                    or tx.get("AdditionalEntryInformation")
                    or ""
                )[:140],
                counterparty=(
                    (tx.get("DebtorName") if credit else tx.get("CreditorName")) or ""
                )[:140],
                return_reason=reasons.get(e2e, "") if credit else "",
            )
        )
    statements = info if isinstance(info, list) else [info]
    first = statements[0] if statements else {}
    # The statement's own id (pycamt does not read it): camt.053's Stmt/Id.
    ns = {"c": parser.tree.nsmap.get(None, "")}
    statement_id = parser.tree.findtext(".//c:Stmt/c:Id", namespaces=ns) or ""
    return statement_id[:35], str(first.get("IBAN") or "")[:34], booked


def _return_reasons(parser: Camt053Parser) -> dict[str, str]:
    """End-to-end id: ISO return reason code, for the transactions that carry one."""
    ns = {"c": parser.tree.nsmap.get(None, "")}
    reasons = {}
    for details in parser.tree.iterfind(".//c:TxDtls", namespaces=ns):
        code = details.findtext("c:RtrInf/c:Rsn/c:Cd", namespaces=ns)
        e2e = details.findtext("c:Refs/c:EndToEndId", namespaces=ns)
        if code and e2e:
            reasons[e2e] = code
    return reasons


@transaction.atomic
def statement_import(*, name: str, data: bytes) -> BankStatement:
    """Import a statement once: match every booked movement, post what it proves
    (the payouts it pays in one transaction; each return and settlement on its
    own)."""
    digest = hashlib.sha256(data).hexdigest()
    if BankStatement.objects.filter(digest=digest).exists():
        raise StatementRefused(_("This statement was imported already."))
    statement_id, iban, booked = statement_read(data)
    statement = BankStatement.objects.create(
        name=name[:200], digest=digest, statement_id=statement_id, iban=iban
    )
    lines: list[BankLine] = []
    paid: list[Payout] = []
    waiting = settlements_waiting()
    for movement in booked:
        line = BankLine(
            statement=statement,
            booked_on=movement.booked_on,
            credit=movement.credit,
            amount_minor=Money(movement.amount, movement.currency).minor_units(),
            currency=movement.currency,
            reference=movement.reference,
            end_to_end_id=movement.end_to_end_id,
            return_reason=movement.return_reason,
            counterparty=movement.counterparty,
        )
        line.outcome = _match(line, paid, waiting)
        lines.append(line)
    if paid:
        total = sum(payout.amount_minor for payout in paid)
        post(
            reference=f"payouts-paid:{digest[:32]}",
            kind="payout_settled",
            legs=transfer_legs(chart.PAYOUTS_IN_TRANSIT, chart.BANK, "EUR", total),
            memo=f"{len(paid)} payouts booked by the bank ({name[:100]})",
        )
    BankLine.objects.bulk_create(lines)
    statement.lines_count = len(lines)
    statement.unmatched_count = sum(
        1 for line in lines if not (line.payout_id or line.settlement_id)
    )
    statement.save(update_fields=["lines_count", "unmatched_count", "updated_at"])
    return statement


def _match(
    line: BankLine, paid: list[Payout], waiting: dict[SettlementReport, int]
) -> str:
    if line.currency != "EUR":
        return "not in EUR: for the operator"
    if line.end_to_end_id:
        payout = (
            Payout.objects.select_for_update()
            .select_related("merchant")
            .filter(end_to_end_id=line.end_to_end_id)
            .first()
        )
        if payout is not None:
            line.payout = payout
            if line.credit:
                return _returned(payout, line)
            return _settled(payout, line, paid)
    if line.credit:
        return _settlement_arrived(line, waiting)
    return "no payout matches"


def _settled(payout: Payout, line: BankLine, paid: list[Payout]) -> str:
    if payout.amount_minor != line.amount_minor:
        return f"booked {line.amount}, the payout is {payout.amount}: for the operator"
    if payout.state != Payout.State.SENT:
        return f"the payout is {payout.state}: nothing to do"
    payout.state, payout.settled_on = Payout.State.SETTLED, line.booked_on
    payout.save(update_fields=["state", "settled_on", "updated_at"])
    paid.append(payout)
    return "payout paid"


def _returned(payout: Payout, line: BankLine) -> str:
    """The bank sent the transfer back: the merchant is owed it again (available),
    and sees why."""
    if payout.amount_minor != line.amount_minor:
        return (
            f"returned {line.amount}, the payout is {payout.amount}: for the operator"
        )
    if payout.state not in (Payout.State.SENT, Payout.State.SETTLED):
        return f"the payout is {payout.state}: nothing to do"
    # Booked and then returned: the money came back to the bank; returned before
    # it was booked: it never left payouts in transit.
    source = (
        chart.BANK if payout.state == Payout.State.SETTLED else chart.PAYOUTS_IN_TRANSIT
    )
    post(
        reference=f"payout-returned:{payout.end_to_end_id}",
        kind="payout_returned",
        legs=transfer_legs(
            source,
            account_key(chart.MERCHANT_AVAILABLE, payout.merchant_id),
            "EUR",
            payout.amount_minor,
        ),
        memo=f"{payout.end_to_end_id} returned ({line.return_reason or '?'})",
        merchant=payout.merchant,
    )
    payout.state = Payout.State.RETURNED
    payout.return_reason = line.return_reason or "?"
    payout.save(update_fields=["state", "return_reason", "updated_at"])
    return f"payout returned ({payout.return_reason})"


def _line_net(line: SettlementLine) -> int:
    """What one settled line brings into the bank (cents): a payment its settled
    amount, a refund less it, both less the fee."""
    sign = 1 if line.kind == "payment" else -1
    settled = Money(line.settlement_amount, line.settlement_currency)
    fee = Money(line.fee, line.settlement_currency)
    return sign * settled.minor_units() - fee.minor_units()


def _settled_lines() -> QuerySet[SettlementLine]:
    return SettlementLine.objects.filter(settlement_currency="EUR").exclude(
        Q(payment=None) & Q(refund=None)
    )


def settlement_net(report: SettlementReport) -> int:
    """What the provider pays into the bank for a report: settled payments less
    refunds, less fees (cents)."""
    lines = _settled_lines().filter(report=report)
    return sum((_line_net(line) for line in lines), 0)


def settlements_waiting() -> dict[SettlementReport, int]:
    """The providers' reports not yet seen arriving in the bank, each with what it
    pays in (cents), read in one query."""
    banked = BankLine.objects.exclude(settlement=None).values("settlement_id")
    waiting: dict[SettlementReport, int] = {}
    lines = _settled_lines().exclude(report__in=banked).select_related("report")
    for line in lines.order_by("report__created_at", "pk"):
        waiting[line.report] = waiting.get(line.report, 0) + _line_net(line)
    return waiting


def _settlement_arrived(line: BankLine, waiting: dict[SettlementReport, int]) -> str:
    """A provider's transfer: the report it pays is named in the remittance, or is
    the only one waiting for exactly this amount. A report is matched once."""
    waiting_for = [r for r, net in waiting.items() if net == line.amount_minor]
    named = [r for r in waiting_for if r.name and r.name in line.reference]
    chosen = named[0] if named else (waiting_for[0] if len(waiting_for) == 1 else None)
    if chosen is None:
        return "no payout or settlement matches: for the operator"
    del waiting[chosen]
    line.settlement = chosen
    post(
        reference=f"settlement-banked:{chosen.pk}",
        kind="settlement_banked",
        legs=transfer_legs(
            chart.BANK,
            account_key(chart.PROVIDER_SETTLEMENT, chosen.provider),
            "EUR",
            line.amount_minor,
        ),
        memo=f"{chosen.provider} settlement {chosen.name} in the bank",
    )
    return f"settlement {chosen.name} arrived"
