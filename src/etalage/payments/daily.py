"""The payments' daily totals (``DailyPayments``): what buyers paid by day in
Brussels and currency, added to in the transaction in which each payment
succeeds (``payments_paid``, by an atomic increment), rebuilt from the payments
by the migration that created them, compared with the payments by ``etalage
check``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps as django_apps
from django.utils import timezone

from etalage.core.increments import rows_added
from etalage.money import Money
from etalage.payments.models import DailyPayments

Totals = dict[tuple[Any, ...], list[int]]  # (day, currency) → [payments, amount]


def _summed(payments: Iterable[tuple[Any, Any, str]]) -> Totals:
    """(paid at, amount, currency) triples by day in Brussels and currency."""
    totals: Totals = defaultdict(lambda: [0, 0])
    for paid_at, amount, currency in payments:
        row = totals[(timezone.localtime(paid_at).date(), currency)]
        row[0] += 1
        row[1] += Money(amount, currency).minor_units()
    return dict(totals)


def payments_paid(payments: Iterable[Any]) -> None:
    """Add payments that just succeeded to their days, in the caller's
    transaction (``notifications``; the dashboards' bench's bulk copy)."""
    rows_added(
        DailyPayments,
        ("day", "currency"),
        ("payments", "amount_minor"),
        _summed((p.paid_at, p.amount, p.currency) for p in payments),
    )


def from_payments(apps: Any = django_apps) -> Totals:
    payment = apps.get_model("payments", "Payment")
    return _summed(
        payment.objects.filter(state="succeeded")
        .values_list("paid_at", "amount", "currency")
        .iterator(chunk_size=5000)
    )


def rebuilt(apps: Any = django_apps) -> int:
    """Make the totals again from the payments (the migration that created them,
    for the payments made before); return the days written."""
    totals = from_payments(apps)
    daily = apps.get_model("payments", "DailyPayments")
    daily.objects.all().delete()
    daily.objects.bulk_create(
        daily(day=day, currency=currency, payments=n, amount_minor=amount)
        for (day, currency), (n, amount) in totals.items()
    )
    return len(totals)


def daily_payment_problems() -> list[str]:
    """Each day's totals against the payments that succeeded that day."""
    expected = from_payments()
    kept = {
        (r.day, r.currency): [r.payments, r.amount_minor]
        for r in DailyPayments.objects.all()
    }
    return [
        f"payments: the day's payments {day} {currency} read "
        f"{kept.get((day, currency))}, the payments make "
        f"{expected.get((day, currency))}"
        for day, currency in sorted(kept.keys() | expected.keys())
        if kept.get((day, currency), [0, 0]) != expected.get((day, currency), [0, 0])
    ]
