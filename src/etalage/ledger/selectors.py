"""What the ledger shows: a merchant's money (balances, statement lines, payouts,
months) and the operator's trial balance and monthly results."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from etalage.ledger import chart
from etalage.ledger.chart import CHART, Kind, account_key
from etalage.ledger.models import (
    Account,
    CommissionCharge,
    DailyCategorySales,
    DailySales,
    Entry,
    Payout,
    SubOrderBook,
    to_decimal,
)
from etalage.merchants.models import Merchant
from etalage.pricing.core import NoRateInForce
from etalage.pricing.selectors import rate_in_force


@dataclass(frozen=True, slots=True)
class Balances:
    pending: Decimal
    available: Decimal
    in_transit: Decimal

    @property
    def owed(self) -> Decimal:
        return self.pending + self.available


def merchant_balances(merchant: Merchant) -> Balances:
    """What the merchant is owed (liabilities read as positive amounts)."""
    keys = {
        account_key(chart.MERCHANT_PENDING, merchant.pk): "pending",
        account_key(chart.MERCHANT_AVAILABLE, merchant.pk): "available",
    }
    values = {name: Decimal("0.00") for name in keys.values()}
    for account in Account.objects.filter(key__in=keys, currency="EUR"):
        values[keys[account.key]] = -account.balance
    in_transit = Payout.objects.filter(
        merchant=merchant, state__in=[Payout.State.PREPARED, Payout.State.SENT]
    ).aggregate(total=Sum("amount_minor"))["total"]
    return Balances(in_transit=to_decimal(in_transit or 0), **values)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = month.replace(day=1)
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end, time.min, tzinfo=zone),
    )


def merchant_statement(merchant: Merchant, month: date) -> QuerySet[SubOrderBook]:
    """The merchant's sub-orders paid in ``month``, each with its goods, refunds,
    commission, VAT on it and net (``SubOrderBook``)."""
    start, end = month_bounds(month)
    return (
        SubOrderBook.objects.filter(
            merchant=merchant, paid_at__gte=start, paid_at__lt=end
        )
        .select_related("sub_order")
        .order_by("paid_at", "sub_order__number")
    )


def statement_totals(books: QuerySet[SubOrderBook]) -> dict[str, Decimal]:
    sums = books.aggregate(
        goods=Sum("goods_eur"),
        refunded=Sum("refunded_goods_eur"),
        commission=Sum("commission_eur"),
        vat=Sum("commission_vat_eur"),
        net=Sum("net_eur"),
    )
    return {name: to_decimal(value or 0) for name, value in sums.items()}


def commission_of_month(merchant: Merchant, month: date) -> dict[str, int]:
    """The commission charged (and given back) to the merchant in ``month``."""
    start, end = month_bounds(month)
    sums = CommissionCharge.objects.filter(
        merchant=merchant, at__gte=start, at__lt=end
    ).aggregate(
        goods=Sum("goods_minor"),
        commission=Sum("commission_minor"),
        vat=Sum("vat_minor"),
    )
    return {name: value or 0 for name, value in sums.items()}


def merchant_months(merchant: Merchant, count: int = 12) -> list[dict[str, Any]]:
    """Sales (goods paid, EUR) and payouts (sent or paid) of the last ``count``
    months, oldest first, for the chart."""
    sales = dict(
        SubOrderBook.objects.filter(merchant=merchant)
        .annotate(month=TruncMonth("paid_at"))
        .values("month")
        .annotate(total=Sum("goods_eur"))
        .values_list("month", "total")
    )
    paid = dict(
        Payout.objects.filter(merchant=merchant)
        .exclude(state=Payout.State.RETURNED)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(total=Sum("amount_minor"))
        .values_list("month", "total")
    )
    by_month: dict[date, dict[str, int]] = defaultdict(
        lambda: {"sales": 0, "payouts": 0}
    )
    for when, total in sales.items():
        by_month[_day(when)]["sales"] += total
    for when, total in paid.items():
        by_month[_day(when)]["payouts"] += total
    this = timezone.localtime().date().replace(day=1)
    months = []
    for back in range(count - 1, -1, -1):
        year, month = divmod(this.year * 12 + this.month - 1 - back, 12)
        day = date(year, month + 1, 1)
        months.append(
            {"month": day, **{k: to_decimal(v) for k, v in by_month[day].items()}}
        )
    return months


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


@dataclass(frozen=True, slots=True)
class TrialRow:
    name: str
    label: str
    kind: str
    currency: str
    debit: Decimal
    credit: Decimal
    accounts: int


def trial_balance() -> list[TrialRow]:
    """Every chart account's balance per currency (the per-merchant and
    per-provider accounts summed), as debit or credit; each currency's debits equal
    its credits."""
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for key, currency, balance in Account.objects.values_list(
        "key", "currency", "balance_minor"
    ):
        name = key.split(":", 1)[0]
        totals[name, currency][0] += balance
        totals[name, currency][1] += 1
    order = list(CHART)
    rows = []
    for (name, currency), (balance, count) in sorted(
        totals.items(), key=lambda item: (item[0][1], order.index(item[0][0]))
    ):
        rows.append(
            TrialRow(
                name=name,
                label=CHART[name].label,
                kind=str(CHART[name].kind),
                currency=currency,
                debit=to_decimal(max(balance, 0)),
                credit=to_decimal(max(-balance, 0)),
                accounts=count,
            )
        )
    return rows


def monthly_results(count: int = 12) -> list[dict[str, Any]]:
    """Each month's commission earned (net of what refunds gave back), provider fees,
    the FX position's movements, and the month's FX result (a gain is positive):
    the change in what the position is worth in EUR, its foreign side valued at the
    ECB rate of each month's last day (marked to market: what is converted is
    realized, what is still open valued at that rate). Newest first."""
    names = {
        chart.COMMISSION: "commission",
        chart.PROVIDER_FEES: "fees",
        chart.FX: "fx",
    }
    rows = (
        Entry.objects.filter(account__key__in=names)
        .annotate(month=TruncMonth("transaction__posted_at"))
        .values("month", "account__key", "currency")
        .annotate(total=Sum("amount_minor"))
    )
    months: dict[date, dict[str, Any]] = {}
    for row in rows:
        month = months.setdefault(_day(row["month"]), {})
        name = names[row["account__key"]]
        # Revenue reads positive; fees (an expense) and the FX position as booked.
        sign = -1 if CHART[row["account__key"]].kind == Kind.REVENUE else 1
        key = f"{name}_{row['currency'].lower()}" if name == "fx" else name
        month[key] = to_decimal(sign * row["total"])
    held: dict[str, Decimal] = defaultdict(Decimal)  # the position, cumulated
    worth: Decimal | None = Decimal(0)
    for start in sorted(months):
        month = months[start]
        for key, amount in month.items():
            if key.startswith("fx_"):
                held[key.removeprefix("fx_").upper()] += amount
        now_worth = _position_worth(held, month_bounds(start)[1].date())
        month["fx_result"] = (
            None if now_worth is None or worth is None else now_worth - worth
        )
        worth = now_worth
    return [{"month": m, **v} for m, v in sorted(months.items(), reverse=True)[:count]]


def _position_worth(held: dict[str, Decimal], end: date) -> Decimal | None:
    """What the FX position is worth in EUR on the day before ``end``, its foreign
    currencies at the ECB rate in force (None without one)."""
    worth = -held.get("EUR", Decimal(0))
    for currency, amount in held.items():
        if currency == "EUR":
            continue
        try:
            rate = rate_in_force(currency=currency, on=end - timedelta(days=1))
        except NoRateInForce:
            return None
        worth -= amount / rate.rate
    return worth.quantize(Decimal("0.01"))


def owed_summary() -> dict[str, Decimal]:
    """What the platform owes now: to customs, to carriers, to merchants, to buyers."""
    sums = dict(
        Account.objects.filter(
            Q(
                key__in=[
                    chart.CBEC_TAX_PAYABLE,
                    chart.FREIGHT_PAYABLE,
                    chart.REFUNDS_DUE,
                ]
            )
            | Q(key__startswith=f"{chart.MERCHANT_PENDING}:")
            | Q(key__startswith=f"{chart.MERCHANT_AVAILABLE}:")
        )
        .values("key")
        .annotate(total=Sum("balance_minor"))
        .values_list("key", "total")
    )
    merchants = sum(v for k, v in sums.items() if k.startswith("merchant_"))
    return {
        "customs": to_decimal(-sums.get(chart.CBEC_TAX_PAYABLE, 0)),
        "carriers": to_decimal(-sums.get(chart.FREIGHT_PAYABLE, 0)),
        "merchants": to_decimal(-merchants),
        "buyers": to_decimal(-sums.get(chart.REFUNDS_DUE, 0)),
    }


def merchants_with_bounced_account(merchant_ids: list[Any] | None = None) -> set[Any]:
    """Merchants whose latest payout to the account they still have came back
    from the bank: no payout goes there again until they give another account (the
    one rule for the payout run and the operator's to-do)."""
    payouts = Payout.objects.filter(merchant__iban=F("iban"))
    if merchant_ids is not None:
        payouts = payouts.filter(merchant_id__in=merchant_ids)
    latest: dict[Any, str] = {}
    for merchant_id, state in payouts.order_by(
        "merchant_id", "-created_at"
    ).values_list("merchant_id", "state"):
        latest.setdefault(merchant_id, state)
    return {m for m, state in latest.items() if state == Payout.State.RETURNED}


def payouts_returned_count() -> int:
    """Merchants whose payouts are held because the bank returned the last one to
    their account: someone must ask them for a working one."""
    return len(merchants_with_bounced_account())


# The daily roll-up of the books (``DailySales``, ``DailyCategorySales``, kept by
# the postings, checked against the books): the dashboards' sales read from it.


def daily_sales(
    *, since: date, merchant: Merchant | None = None
) -> list[tuple[date, str, int, int, int]]:
    """(day, buyers' currency, parcels paid, goods paid in that currency, goods
    at the merchants' prices in EUR) for each day from ``since`` with sales, of
    ``merchant``'s books or everybody's; minor units."""
    rows = DailySales.objects.filter(day__gte=since)
    if merchant is not None:
        rows = rows.filter(merchant=merchant)
    return list(
        rows.values("day", "currency")
        .annotate(n=Sum("books"), paid=Sum("goods_paid"), eur=Sum("goods_eur"))
        .order_by("day", "currency")
        .values_list("day", "currency", "n", "paid", "eur")
    )


def sales_by_merchant(*, since: date) -> list[dict[str, Any]]:
    """Each merchant's parcels and goods paid (minor units, by buyers' currency)
    from ``since``, the largest first: ``merchant_id``, ``merchant__name``,
    ``currency``, ``goods``, ``parcels``."""
    return list(
        DailySales.objects.filter(day__gte=since)
        .values("merchant_id", "merchant__name", "currency")
        .annotate(goods=Sum("goods_paid"), parcels=Sum("books"))
        .order_by("-goods", "merchant_id")
    )


def sales_by_category(*, since: date) -> list[dict[str, Any]]:
    """Each category's goods paid (its order lines', minor units, by buyers'
    currency) and the parcels with a line of it, from ``since``, the largest
    first: ``category_id``, ``currency``, ``goods``, ``parcels``."""
    return list(
        DailyCategorySales.objects.filter(day__gte=since)
        .values("category_id", "currency")
        .annotate(goods=Sum("goods_paid"), parcels=Sum("books"))
        .order_by("-goods", "category_id")
    )
