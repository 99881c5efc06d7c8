"""Reconciliation: a provider's daily settlement report matched, line by line, with
the payments and refunds Étalage recorded; what differs is listed for the operator."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from etalage.events.outbox import event_record
from etalage.events.types import SettlementImported
from etalage.payments.adapters import adapter
from etalage.payments.models import Payment, Refund, SettlementLine, SettlementReport
from etalage.payments.provider import Malformed, SettlementRow


class ReportRefused(ValueError):
    """The file cannot be read as the provider's report (the reason is for the
    operator)."""


@transaction.atomic
def settlement_import(*, provider: str, name: str, text: str) -> SettlementReport:
    """Read a settlement report, match each line, record the settled amounts in EUR
    on the payments; a file already imported is refused."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    if SettlementReport.objects.filter(digest=digest).exists():
        raise ReportRefused(_("This report was imported already."))
    try:
        rows = adapter(provider).settlement_read(text)
    except Malformed as malformed:
        raise ReportRefused(str(malformed)) from None
    report = SettlementReport.objects.create(
        provider=provider, name=name[:200], digest=digest
    )
    seen: set[tuple[str, str]] = set()
    lines = [_line(report, row, seen) for row in rows]
    SettlementLine.objects.bulk_create(lines)
    report.lines_count = len(lines)
    report.differences_count = sum(bool(line.difference) for line in lines)
    report.save(update_fields=["lines_count", "differences_count", "updated_at"])
    event_record(SettlementImported(report_id=report.pk))
    return report


def _line(
    report: SettlementReport, row: SettlementRow, seen: set[tuple[str, str]]
) -> SettlementLine:
    line = SettlementLine(
        report=report,
        kind=row.kind,
        request_id=row.request_id,
        provider_id=row.provider_id,
        amount=row.amount.amount,
        currency=row.amount.currency,
        settlement_amount=row.settlement.amount,
        settlement_currency=row.settlement.currency,
        fee=row.fee.amount,
        rate=row.rate,
    )
    differences = []
    if (row.kind, row.request_id) in seen or SettlementLine.objects.filter(
        kind=row.kind, request_id=row.request_id
    ).exists():
        differences.append("settled twice")
    seen.add((row.kind, row.request_id))
    if row.kind == "payment":
        payment = Payment.objects.filter(request_id=row.request_id).first()
        line.payment = payment
        if payment is None:
            differences.append("no such payment")
        else:
            differences += _compare(payment.amount, payment.currency, row)
            if payment.state != Payment.State.SUCCEEDED:
                differences.append(f"the payment is {payment.state}")
            Payment.objects.filter(pk=payment.pk).update(
                settlement_amount=row.settlement.amount,
                settlement_currency=row.settlement.currency,
            )
    else:
        refund = Refund.objects.filter(request_id=row.request_id).first()
        line.refund = refund
        if refund is None:
            differences.append("no such refund")
        else:
            differences += _compare(refund.amount, refund.currency, row)
            if refund.state != Refund.State.SUCCEEDED:
                differences.append(f"the refund is {refund.state}")
    line.difference = "; ".join(differences)
    return line


def _compare(amount: Decimal, currency: str, row: SettlementRow) -> list[str]:
    if (amount, currency) != (row.amount.amount, row.amount.currency):
        return [f"settled {row.amount}, recorded {amount} {currency}"]
    return []
