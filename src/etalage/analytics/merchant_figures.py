"""A merchant's figures for its dashboard, read where they are kept: sales and
orders from the ledger's book of each paid parcel (``SubOrderBook``: the goods at
the merchant's own prices, in EUR), payouts from the ledger's payouts, products
from the order lines, returns from the returns, views from the product views
counted by analytics. Every query is filtered by the merchant and grouped by the
database (``GROUP BY`` day or month): five queries, however many orders. Sales
and parcels by day and month are read from the ledger's daily roll-up of its books
(``ledger.selectors.daily_sales``: one row per day and currency, kept by the
postings and checked against the books)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Sum

from etalage.analytics.grouping import LocalMonth
from etalage.analytics.models import ProductViewDay
from etalage.analytics.periods import Period, as_day, period
from etalage.ledger.models import Payout
from etalage.ledger.selectors import daily_sales
from etalage.merchants.models import Merchant
from etalage.money.money import Money
from etalage.orders.models import OrderLine
from etalage.returns.models import ReturnRequest

TOP_PRODUCTS = 10
CURRENCY = "EUR"  # merchants list and are paid in euros


@dataclass(frozen=True, slots=True)
class Sales:
    """One day's or month's sales (the goods at the merchant's prices, EUR, of the
    parcels paid that day), parcels paid and payouts sent."""

    when: date
    sales: Money
    orders: int
    payouts: Money


@dataclass(frozen=True, slots=True)
class TopProduct:
    product_id: str
    name: str
    units: int
    sales: Money
    orders: int
    views: int

    @property
    def conversion(self) -> Decimal | None:
        return percent(self.orders, self.views)


@dataclass(frozen=True, slots=True)
class ReturnReason:
    reason: str
    count: int


@dataclass(frozen=True, slots=True)
class MerchantFigures:
    period: Period
    days: tuple[Sales, ...]
    months: tuple[Sales, ...]
    views: int  # product page views in the last 30 days
    top_products: tuple[TopProduct, ...]
    returns: tuple[ReturnReason, ...]  # the last 12 months, by reason

    @property
    def orders(self) -> int:
        return sum(day.orders for day in self.days)

    @property
    def sales(self) -> Money:
        return sum((day.sales for day in self.days), Money.zero(CURRENCY))

    @property
    def conversion(self) -> Decimal | None:
        """Parcels paid per 100 product page views, the last 30 days."""
        return percent(self.orders, self.views)

    @property
    def returns_count(self) -> int:
        return sum(r.count for r in self.returns)


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal (None: no whole)."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"))


def _eur(cents: int | None) -> Money:
    return Money.from_minor_units(cents or 0, CURRENCY)


def merchant_figures(
    *, merchant: Merchant, language: str, today: date | None = None
) -> MerchantFigures:
    """``merchant``'s figures (its own only) for the 30 days and 12 months to
    ``today``; product names in ``language`` (Chinese or the merchant's own, as
    the order lines keep them)."""
    when = period(today)
    by_day, by_month = _sales_grouped(merchant, when)
    payouts = {
        as_day(month): total
        for month, total in Payout.objects.filter(
            merchant=merchant, created_at__gte=when.since_month
        )
        .exclude(state=Payout.State.RETURNED)
        .annotate(
            month=LocalMonth("created_at", since=when.since_month, until=when.until)
        )
        .values("month")
        .annotate(total=Sum("amount_minor"))
        .values_list("month", "total")
    }
    views = dict(
        ProductViewDay.objects.filter(product__merchant=merchant, day__gte=when.days[0])
        .values("product_id")
        .annotate(n=Sum("views"))
        .values_list("product_id", "n")
    )
    return MerchantFigures(
        period=when,
        days=tuple(_sales(day, by_day.get(day), None) for day in when.days),
        months=tuple(
            _sales(month, by_month.get(month), payouts.get(month))
            for month in when.months
        ),
        views=sum(views.values()),
        top_products=_top_products(merchant, when, language, views),
        returns=tuple(
            ReturnReason(reason, n)
            for reason, n in ReturnRequest.objects.filter(
                sub_order__merchant=merchant, created_at__gte=when.since_month
            )
            .values("reason")
            .annotate(n=Count("pk"))
            .order_by("-n", "reason")
            .values_list("reason", "n")
        ),
    )


def _sales_grouped(
    merchant: Merchant, when: Period
) -> tuple[dict[date, tuple[int, int]], dict[date, tuple[int, int]]]:
    """The merchant's sales (EUR cents) and parcels by day and by month, from the
    ledger's daily roll-up of its books: a year is at most 365 rows per
    currency, summed here into days and months."""
    by_day: dict[date, tuple[int, int]] = {}
    by_month: dict[date, tuple[int, int]] = {}
    first_day = when.days[0]
    for day, _currency, books, _paid, eur in daily_sales(
        since=when.months[0], merchant=merchant
    ):
        month = day.replace(day=1)
        sales, orders = by_month.get(month, (0, 0))
        by_month[month] = (sales + eur, orders + books)
        if day >= first_day:
            sales, orders = by_day.get(day, (0, 0))
            by_day[day] = (sales + eur, orders + books)
    return by_day, by_month


def _sales(when: date, figures: tuple[int, int] | None, payouts: int | None) -> Sales:
    sales, orders = figures or (0, 0)
    return Sales(when=when, sales=_eur(sales), orders=orders, payouts=_eur(payouts))


def _top_products(
    merchant: Merchant, when: Period, language: str, views: dict[Any, int]
) -> tuple[TopProduct, ...]:
    """The products that sold the most (EUR) in the 30 days, with their units,
    parcels and page views."""
    name = "name_zh" if language == "zh-hans" else "name_merchant"
    rows = (
        # The merchant's books of the 30 days (their merchant is the sub-order's)
        # first, by their index, then those parcels' lines.
        OrderLine.objects.filter(
            sub_order__book__merchant=merchant,
            sub_order__book__paid_at__gte=when.since_day,
        )
        .values("variant__product_id")
        .annotate(
            units=Sum("quantity"),
            sales=Sum(F("unit_price_eur") * F("quantity")),
            orders=Count("sub_order_id", distinct=True),
            name=Max(name),
        )
        .order_by("-sales", "variant__product_id")[:TOP_PRODUCTS]
    )
    counted: dict[str, int] = defaultdict(int)
    for product_id, n in views.items():
        counted[str(product_id)] += n
    return tuple(
        TopProduct(
            product_id=str(row["variant__product_id"]),
            name=row["name"],
            units=row["units"],
            sales=Money(Decimal(row["sales"]), CURRENCY).rounded(),
            orders=row["orders"],
            views=counted[str(row["variant__product_id"])],
        )
        for row in rows
    )
