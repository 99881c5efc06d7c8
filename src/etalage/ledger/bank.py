"""The bank's camt.053 statement, imported: payouts booked are settled, payouts the
bank returned go back to the merchant's available balance with the bank's reason,
and the providers' settlements arriving are matched with their reports.

The file is read by ``camt`` (validated against the ISO schema of its version,
elements by namespace URI). Only statements of the payout account are taken. A run
the bank booked as one entry is matched by its ``PmtInfId`` (or ``MsgId``): every
payout it still has on the way is paid when the entry is its total; a run none of
whose payouts is still on the way is settled. A credit is a return only when it
carries the bank's return information (``RtrInf``); any other credit naming a
payout, and every entry that matches nothing, is left for the operator. A large
file is imported in the background (``statement_receive``).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from etalage.ledger import chart
from etalage.ledger.camt import Line, StatementRefused, entry_lines, statement_parse
from etalage.ledger.chart import account_key
from etalage.ledger.journal import post
from etalage.ledger.models import BankLine, BankStatement, Payout, PayoutRun
from etalage.ledger.payouts import payout_runs_settle
from etalage.ledger.posting import transfer_legs
from etalage.money import Money
from etalage.payments.models import SettlementLine, SettlementReport

__all__ = ["StatementRefused", "statement_import", "statement_receive"]

# Larger files are imported in the background, not in the operator's request.
IMPORT_NOW_MAX_BYTES = 1_000_000


def _iban(text: str) -> str:
    return "".join(text.split()).upper()


def statement_lines(data: bytes) -> tuple[str, str, list[Line]]:
    """The statement's id, account IBAN and the lines to match, once the file is
    read and its every statement found to be of the payout account."""
    statements = statement_parse(data)
    if not statements:
        raise StatementRefused(_("The file holds no statement (Stmt)."))
    payout_iban = _iban(settings.ETALAGE_PAYOUT_DEBTOR.get("IBAN") or "")
    if not payout_iban:
        raise StatementRefused(
            _("No payout account is set (ETALAGE_PAYOUT_IBAN) to compare it with.")
        )
    for statement in statements:
        if _iban(statement.iban) != payout_iban:
            raise StatementRefused(
                _("Statement %(id)s is of account %(iban)s, not of the payout "
                  "account %(payout)s; nothing was imported.")
                % {"id": statement.id, "iban": statement.iban or "?",
                   "payout": payout_iban}
            )  # fmt: skip
    lines = [
        line
        for statement in statements
        for entry in statement.entries
        for line in entry_lines(entry)
    ]
    return statements[0].id, payout_iban, lines


def _duplicate(digest: str) -> None:
    if (
        BankStatement.objects.filter(digest=digest)
        .exclude(state=BankStatement.State.REFUSED)
        .exists()
    ):
        raise StatementRefused(_("This statement was imported already."))


def statement_import(*, name: str, data: bytes) -> BankStatement:
    """Import a statement now, once: match every booked line, post what it proves
    (the payouts it pays in one transaction; each return and settlement on its
    own). Nothing is written when it is refused."""
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        _duplicate(digest)
        statement_id, iban, lines = statement_lines(data)
        statement = _create(
            name=name[:200], digest=digest, statement_id=statement_id, iban=iban
        )
        _book(statement, lines)
    return statement


def _create(**fields: object) -> BankStatement:
    """The statement's row; the same file imported at the same moment is refused."""
    try:
        with transaction.atomic():
            return BankStatement.objects.create(**fields)
    except IntegrityError:
        raise StatementRefused(_("This statement was imported already.")) from None


def statement_receive(*, name: str, data: bytes) -> BankStatement:
    """Import a statement now, or queue it for the background when it is large
    (its state says which)."""
    if len(data) <= IMPORT_NOW_MAX_BYTES:
        return statement_import(name=name, data=data)
    return statement_enqueue(name=name, data=data)


def statement_enqueue(*, name: str, data: bytes) -> BankStatement:
    """Keep the file and import it in the background."""
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        _duplicate(digest)
        statement = _create(
            name=name[:200], digest=digest, state=BankStatement.State.QUEUED, data=data
        )
        pk = str(statement.pk)
        transaction.on_commit(lambda: bank_statement_import_task.enqueue(pk))
    return statement


def statement_import_queued(*, statement_id: str) -> BankStatement:
    """Import a queued statement (the background task's body; safe to repeat)."""
    with transaction.atomic():
        statement = (
            BankStatement.objects.select_for_update(skip_locked=True)
            .filter(pk=statement_id, state=BankStatement.State.QUEUED)
            .first()
        )
        if statement is None:  # done already, or being done by another worker
            return BankStatement.objects.get(pk=statement_id)
        data = bytes(statement.data or b"")
        try:
            with transaction.atomic():
                statement.statement_id, statement.iban, lines = statement_lines(data)
                statement.state = BankStatement.State.IMPORTED
                _book(statement, lines)
        except StatementRefused as refused:
            statement.state, statement.refusal = (
                BankStatement.State.REFUSED,
                str(refused),
            )
        statement.data = None
        statement.save()
    return statement


def queued_statements_imported(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Import the queued statements whose task was lost (the clock's chore)."""
    waiting = BankStatement.objects.filter(
        state=BankStatement.State.QUEUED, created_at__lt=timezone.now() - older_than
    ).values_list("pk", flat=True)
    done = 0
    for pk in list(waiting[:10]):
        statement = statement_import_queued(statement_id=str(pk))
        done += statement.state != BankStatement.State.QUEUED
    return done


@task()
def bank_statement_import_task(statement_id: str) -> str:
    """Import a bank statement that the operator uploaded (queued as large)."""
    return str(statement_import_queued(statement_id=statement_id).state)


def _book(statement: BankStatement, lines: list[Line]) -> None:
    """Match every line and post what the statement proves."""
    rows: list[BankLine] = []
    paid: list[Payout] = []
    waiting = settlements_waiting()
    for line in lines:
        row = BankLine(
            statement=statement,
            booked_on=line.entry.booked_on,
            credit=line.credit,
            amount_minor=Money(line.amount, line.entry.currency).minor_units(),
            currency=line.entry.currency,
            reference=line.reference,
            end_to_end_id=line.end_to_end_id,
            return_reason=line.return_reason,
            counterparty=line.counterparty,
        )
        outcome = _match(row, line, paid, waiting)
        row.for_operator = outcome.endswith(OPERATOR)
        row.outcome = outcome[:200]
        rows.append(row)
    if paid:
        total = sum(payout.amount_minor for payout in paid)
        post(
            reference=f"payouts-paid:{statement.digest[:32]}",
            kind="payout_settled",
            legs=transfer_legs(chart.PAYOUTS_IN_TRANSIT, chart.BANK, "EUR", total),
            memo=f"{len(paid)} payouts booked by the bank ({statement.name[:100]})",
        )
    BankLine.objects.bulk_create(rows)
    runs = {row.payout.run_id for row in rows if row.payout}
    payout_runs_settle(run_ids=runs | {payout.run_id for payout in paid})
    statement.lines_count = len(rows)
    statement.unmatched_count = sum(1 for row in rows if row.for_operator)
    statement.save()


OPERATOR = ": for the operator"


def _match(
    row: BankLine,
    line: Line,
    paid: list[Payout],
    waiting: dict[SettlementReport, int],
) -> str:
    if row.currency != "EUR":
        return "not in EUR" + OPERATOR
    if line.entry.reversal:
        return "a reversal by the bank" + OPERATOR
    if row.end_to_end_id:
        payout = (
            Payout.objects.select_for_update(of=("self",))
            .select_related("merchant")
            .filter(end_to_end_id=row.end_to_end_id)
            .first()
        )
        if payout is not None:
            row.payout = payout
            if row.credit:
                return _returned(payout, row)
            return _settled(payout, row, paid)
    if not row.credit and line.batch and line.whole:
        return _batch_settled(row, line, paid)
    if row.credit:
        return _settlement_arrived(row, waiting)
    return "no payout matches" + (f" ({line.note})" if line.note else "") + OPERATOR


def _settled(payout: Payout, row: BankLine, paid: list[Payout]) -> str:
    if payout.amount_minor != row.amount_minor:
        return f"booked {row.amount}, the payout is {payout.amount}" + OPERATOR
    if payout.state == Payout.State.RETURNED and payout.settled_on is None:
        # returned before its booking reached us: the money never left transit
        payout.settled_on = row.booked_on
        payout.save(update_fields=["settled_on", "updated_at"])
        return "booked, already returned: nothing to do"
    if payout.state != Payout.State.SENT:
        return f"the payout is {payout.state}, booked again" + OPERATOR
    _settle(payout, row, paid)
    return "payout paid"


def _settle(payout: Payout, row: BankLine, paid: list[Payout]) -> None:
    payout.state, payout.settled_on = Payout.State.SETTLED, row.booked_on
    payout.save(update_fields=["state", "settled_on", "updated_at"])
    paid.append(payout)


def _batch_settled(row: BankLine, line: Line, paid: list[Payout]) -> str:
    """A run booked as one debit: every payout it still has on the way is paid
    when the entry is their total (and their number, when the bank gives it)."""
    run = PayoutRun.objects.filter(
        Q(payment_info_id__in=line.batch) | Q(message_id__in=line.batch)
    ).first()
    if run is None:
        return f"no payout run {' / '.join(line.batch)}" + OPERATOR
    payouts = list(
        run.payouts.select_for_update()
        .select_related("merchant")
        .filter(state=Payout.State.SENT)
        .order_by("pk")
    )
    total = sum(p.amount_minor for p in payouts)
    count = line.entry.batch_count
    if not payouts or total != row.amount_minor or count not in (None, len(payouts)):
        return (
            f"run {run.number} booked as one entry of {row.amount}, its payouts on "
            f"the way are {len(payouts)} for {Money.from_minor_units(total, 'EUR')}"
            + OPERATOR
        )
    for payout in payouts:
        _settle(payout, row, paid)
    row.reference = row.reference or run.number
    return f"run {run.number}: {len(payouts)} payouts paid"


def _returned(payout: Payout, row: BankLine) -> str:
    """The bank sent the transfer back: the merchant is owed it again (available),
    and sees why. A credit without the bank's return information is not taken for
    a return."""
    if not row.return_reason:
        return f"a credit naming payout {payout.end_to_end_id}, not a return" + OPERATOR
    if payout.amount_minor != row.amount_minor:
        return f"returned {row.amount}, the payout is {payout.amount}" + OPERATOR
    if payout.state not in (Payout.State.SENT, Payout.State.SETTLED):
        return f"the payout is {payout.state}, returned again" + OPERATOR
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
        memo=f"{payout.end_to_end_id} returned ({row.return_reason})",
        merchant=payout.merchant,
    )
    payout.state = Payout.State.RETURNED
    payout.return_reason = row.return_reason
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
        return "no payout or settlement matches" + OPERATOR
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
