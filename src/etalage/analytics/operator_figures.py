"""The operator's figures for the back-office's first page, read where they are
kept and grouped by the database: buyers' payments (orders and what was paid, by
day), the ledger's book of each paid parcel (goods by merchant), the order lines
(goods by category), payment attempts by outcome, customs' verdicts, parcels late
at each step (logistics' own rule), refunds, and the product page views analytics
counts (the pavilion's traffic). Amounts are what buyers paid, in their currency
(CNY for China), per currency."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum, Value

from etalage.analytics.grouping import LocalDate, LocalMonth
from etalage.analytics.merchant_figures import percent
from etalage.analytics.models import ProductViewDay
from etalage.analytics.periods import Period, as_day, period
from etalage.catalog.models import CategoryTranslation
from etalage.core.languages import pick_translation
from etalage.declarations.models import Declaration
from etalage.ledger.selectors import sales_by_category, sales_by_merchant
from etalage.logistics.selectors import LATE_AFTER, parcels_late
from etalage.money.money import Money
from etalage.payments.models import Payment, Refund
from etalage.payments.selectors import paid_by_day

TOP_MERCHANTS = 10


@dataclass(frozen=True, slots=True)
class Paid:
    """Orders paid on a day (or in a month) and what their buyers paid."""

    when: date
    orders: int
    amount: Money


@dataclass(frozen=True, slots=True)
class Named:
    """A merchant's or a category's goods sold (what buyers paid for the goods)."""

    key: str
    name: str
    amount: Money
    parcels: int


@dataclass(frozen=True, slots=True)
class OperatorFigures:
    period: Period
    currencies: tuple[str, ...]  # the buyers' currencies seen, CNY first
    days: dict[str, tuple[Paid, ...]]  # by currency
    months: dict[str, tuple[Paid, ...]]
    refunds: dict[str, tuple[Paid, ...]]  # refunds made, by day
    by_merchant: dict[str, tuple[Named, ...]]
    by_category: dict[str, tuple[Named, ...]]
    payments: dict[str, int]  # attempts started in the 30 days, by state
    customs: dict[str, int]  # parcels decided in the 30 days: released, refused
    late: dict[str, int]  # parcels late now, by step
    views: tuple[tuple[date, int], ...]  # product page views, by day

    @property
    def payment_success(self) -> Decimal | None:
        """Of the payment attempts that ended (paid or failed), the share paid."""
        ended = self.payments.get("succeeded", 0) + self.payments.get("failed", 0)
        return percent(self.payments.get("succeeded", 0), ended)

    @property
    def customs_released(self) -> Decimal | None:
        return percent(self.customs["released"], sum(self.customs.values()))

    @property
    def customs_refused(self) -> Decimal | None:
        return percent(self.customs["refused"], sum(self.customs.values()))


def operator_figures(*, language: str, today: date | None = None) -> OperatorFigures:
    """The marketplace's figures for the 30 days and 12 months to ``today``;
    category names in ``language``."""
    when = period(today)
    days, months = _paid_days_and_months(when)
    refunds = _paid(
        Refund.objects.filter(
            state=Refund.State.SUCCEEDED, created_at__gte=when.since_day
        ),
        "created_at",
        when,
    )
    currencies = sorted(
        set(days) | set(months) | {"CNY"}, key=lambda c: (c != "CNY", c)
    )
    views = dict(
        ProductViewDay.objects.filter(day__gte=when.days[0])
        .values("day")
        .annotate(n=Sum("views"))
        .values_list("day", "n")
    )
    return OperatorFigures(
        period=when,
        currencies=tuple(currencies),
        days=days,
        months=months,
        refunds=refunds,
        by_merchant=_by_merchant(when),
        by_category=_by_category(when, language),
        payments=dict(
            Payment.objects.filter(created_at__gte=when.since_day)
            .values("state")
            .annotate(n=Count("*"))
            .values_list("state", "n")
        ),
        customs=_customs(when),
        late=_late(),
        views=tuple((day, views.get(day, 0)) for day in when.days),
    )


def _paid(
    rows: Any, field: str, when: Period, by_month: bool = False
) -> dict[str, tuple[Paid, ...]]:
    """Count and sum ``rows`` by day (or month) and currency, every slot filled."""
    trunc: LocalMonth | LocalDate
    if by_month:
        slots = when.months
        trunc = LocalMonth(field, since=when.since_month, until=when.until)
    else:
        slots = when.days
        trunc = LocalDate(field, since=when.since_day, until=when.until)
    grouped: dict[str, dict[date, tuple[int, Decimal]]] = defaultdict(dict)
    for day, currency, n, total in (
        rows.annotate(when=trunc)
        .values("when", "currency")
        .annotate(n=Count("*"), total=Sum("amount"))
        .values_list("when", "currency", "n", "total")
    ):
        grouped[currency][as_day(day)] = (n, Decimal(total))
    return {
        currency: tuple(
            Paid(slot, *_counted(found.get(slot), currency)) for slot in slots
        )
        for currency, found in grouped.items()
    }


def _paid_days_and_months(
    when: Period,
) -> tuple[dict[str, tuple[Paid, ...]], dict[str, tuple[Paid, ...]]]:
    """Orders paid and what buyers paid by day and by month and currency, from
    the payments' daily totals (a year: at most 365 rows per currency)."""
    days: dict[str, dict[date, tuple[int, Decimal]]] = defaultdict(dict)
    months: dict[str, dict[date, tuple[int, Decimal]]] = defaultdict(dict)
    for day, currency, n, minor in paid_by_day(since=when.months[0]):
        amount = Money.from_minor_units(minor, currency).amount
        month = day.replace(day=1)
        had, total = months[currency].get(month, (0, Decimal(0)))
        months[currency][month] = (had + n, total + amount)
        if day >= when.days[0]:
            had, total = days[currency].get(day, (0, Decimal(0)))
            days[currency][day] = (had + n, total + amount)
    return (
        _filled(days, when.days, months.keys()),
        _filled(months, when.months, months.keys()),
    )


def _filled(
    found: dict[str, dict[date, tuple[int, Decimal]]],
    slots: tuple[date, ...],
    currencies: Any,
) -> dict[str, tuple[Paid, ...]]:
    return {
        currency: tuple(
            Paid(slot, *_counted(found[currency].get(slot), currency)) for slot in slots
        )
        for currency in currencies
        if currency in found
    }


def _counted(found: tuple[int, Decimal] | None, currency: str) -> tuple[int, Money]:
    n, total = found or (0, Decimal(0))
    return n, Money(total, currency).rounded()


def _by_merchant(when: Period) -> dict[str, tuple[Named, ...]]:
    """Goods paid by buyers for each merchant's parcels in the 30 days, the
    largest first (the rest summed as one row), from the ledger's daily roll-up
    of its books."""
    found: dict[str, list[Named]] = defaultdict(list)
    for row in sales_by_merchant(since=when.days[0]):
        currency = row["currency"]
        found[currency].append(
            Named(
                key=str(row["merchant_id"]),
                name=row["merchant__name"],
                amount=Money.from_minor_units(row["goods"], currency),
                parcels=row["parcels"],
            )
        )
    return {currency: _top(named) for currency, named in found.items()}


def _top(named: list[Named]) -> tuple[Named, ...]:
    if len(named) <= TOP_MERCHANTS:
        return tuple(named)
    head, rest = named[: TOP_MERCHANTS - 1], named[TOP_MERCHANTS - 1 :]
    others = Named(
        key="others",
        name="…",
        amount=sum((n.amount for n in rest), Money.zero(rest[0].amount.currency)),
        parcels=sum(n.parcels for n in rest),
    )
    return (*head, others)


def _by_category(when: Period, language: str) -> dict[str, tuple[Named, ...]]:
    """Goods paid by buyers in the 30 days by the products' category (at
    payment), from the ledger's daily roll-up of its books' order lines."""
    rows = sales_by_category(since=when.days[0])
    names: dict[Any, list[CategoryTranslation]] = defaultdict(list)
    for translation in CategoryTranslation.objects.filter(
        category_id__in={row["category_id"] for row in rows}
    ):
        names[translation.category_id].append(translation)
    found: dict[str, list[Named]] = defaultdict(list)
    for row in rows:
        category, currency = row["category_id"], row["currency"]
        chosen = pick_translation(names.get(category, []), language)
        found[currency].append(
            Named(
                key=str(category),
                name=chosen.name if chosen else str(category),
                amount=Money.from_minor_units(row["goods"], currency),
                parcels=row["parcels"],
            )
        )
    return {currency: tuple(named) for currency, named in found.items()}


def _late() -> dict[str, int]:
    """Parcels late now at each step (logistics' own rule, ``parcels_late``), the
    five counts in one query (``UNION ALL``)."""
    counts = [
        parcels_late(step)
        .order_by()
        .annotate(step=Value(step))
        .values("step")
        .annotate(n=Count("pk"))
        .values_list("step", "n")
        for step in LATE_AFTER
    ]
    found = dict(counts[0].union(*counts[1:], all=True))
    return {step: found.get(step, 0) for step in LATE_AFTER}


def _customs(when: Period) -> dict[str, int]:
    """Parcels customs decided on in the 30 days: released (their inventory) or
    refused (any of their documents, malformed ones included)."""
    decided = dict(
        Declaration.objects.filter(
            state__in=[
                Declaration.State.RELEASED,
                Declaration.State.REFUSED,
                Declaration.State.ERROR,
            ],
            status_at__gte=when.since_day,
        )
        .values("state")
        .annotate(n=Count("sub_order_id", distinct=True))
        .values_list("state", "n")
    )
    return {
        "released": decided.get(Declaration.State.RELEASED, 0),
        "refused": decided.get(Declaration.State.REFUSED, 0)
        + decided.get(Declaration.State.ERROR, 0),
    }
