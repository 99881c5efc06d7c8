"""The dashboards' sales read from the ledger's daily roll-up are the figures the
books give when read the old way (a year of books grouped by day and month, the
30 days' books joined to their orders and lines): orders paid through the
services on several days, some refunded, in several categories."""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db.models import Count, F, Sum
from django.utils import timezone

from etalage.analytics.grouping import LocalDate, LocalMonth
from etalage.analytics.merchant_figures import merchant_figures
from etalage.analytics.operator_figures import operator_figures
from etalage.analytics.periods import as_day, period
from etalage.ledger.models import SubOrderBook
from etalage.ledger.tests.conftest import Books
from etalage.money.money import Money
from etalage.orders.models import OrderLine
from etalage.payments.models import Payment

pytestmark = pytest.mark.django_db


@contextmanager
def clock_at(moment):
    with mock.patch.object(timezone, "now", lambda: moment):
        yield


@pytest.fixture
def history(shopping):
    """Orders paid today, 3, 20, 40 and 200 days ago (and one at 23:30 the
    evening before, Brussels), across both merchants and three categories; two
    refunded in part, one in full."""
    books = Books(shopping, shopping.buyer())
    p = shopping.products
    now = timezone.now()
    carts = [
        (0, [(p["a"], 2), (p["b"], 1), (p["c"], 1)]),
        (0, [(p["c"], 3)]),
        (3, [(p["a"], 1), (p["c"], 1)]),
        (20, [(p["b"], 2)]),
        (40, [(p["a"], 1)]),
        (200, [(p["a"], 1), (p["b"], 1), (p["c"], 2)]),
    ]
    paid = []
    for days_ago, lines in carts:
        order = books.place(lines)
        with clock_at(now - timedelta(days=days_ago)):
            paid.append(books.pay(order))
    evening = timezone.localtime(now).replace(hour=23, minute=30) - timedelta(days=1)
    order = books.place([(p["b"], 1)])
    with clock_at(evening):
        paid.append(books.pay(order))
    books.refund(paid[0], Decimal("5.00"))
    books.refund(paid[2], Decimal("3.00"), parcels=list(paid[2].sub_orders.all()))
    books.refund(paid[3], paid[3].total)
    return shopping


def _old_merchant(merchant, when):
    """A merchant's sales (cents) and parcels by day and month, as they were read
    before the roll-up: its books grouped by the database."""

    def grouped(books, trunc):
        rows = (
            books.annotate(when=trunc)
            .values("when")
            .annotate(sales=Sum("goods_eur"), orders=Count("*"))
            .values_list("when", "sales", "orders")
        )
        return {as_day(w): (s, n) for w, s, n in rows}

    books = SubOrderBook.objects.filter(merchant=merchant)
    days = grouped(
        books.filter(paid_at__gte=when.since_day),
        LocalDate("paid_at", since=when.since_day, until=when.until),
    )
    months = grouped(
        books.filter(paid_at__gte=when.since_month),
        LocalMonth("paid_at", since=when.since_month, until=when.until),
    )
    return days, months


def _old_operator(when):
    """Goods by merchant and by category (cents, parcels), as they were read
    before the roll-up: the 30 days' books joined to their orders and lines."""
    books = SubOrderBook.objects.filter(paid_at__gte=when.since_day).values(
        "sub_order_id"
    )
    merchants = {
        (r["merchant_id"], r["sub_order__order__currency"]): (r["goods"], r["n"])
        for r in SubOrderBook.objects.filter(sub_order_id__in=books)
        .values("merchant_id", "sub_order__order__currency")
        .annotate(goods=Sum("goods_paid"), n=Count("*"))
    }
    categories = {
        (r["variant__product__category_id"], r["sub_order__order__currency"]): (
            Money(Decimal(r["goods"]), r["sub_order__order__currency"]).minor_units(),
            r["n"],
        )
        for r in OrderLine.objects.filter(sub_order_id__in=books)
        .values("variant__product__category_id", "sub_order__order__currency")
        .annotate(
            goods=Sum(F("unit_price") * F("quantity")),
            n=Count("sub_order_id", distinct=True),
        )
    }
    return merchants, categories


def _cents(money):
    return money.minor_units()


def test_the_merchants_sales_from_the_roll_up_are_those_of_its_books(history):
    when = period()
    for product in ("a", "c"):
        merchant = history.products[product].merchant
        figures = merchant_figures(merchant=merchant, language="en")
        old_days, old_months = _old_merchant(merchant, when)
        assert {
            d.when: (_cents(d.sales), d.orders) for d in figures.days if d.orders
        } == old_days
        assert {
            m.when: (_cents(m.sales), m.orders) for m in figures.months if m.orders
        } == old_months
    assert len(old_months) == 2 and sum(n for _s, n in old_days.values()) == 3


def test_the_operators_goods_by_merchant_and_category_are_those_of_the_books(
    history,
):
    figures = operator_figures(language="en")
    merchants, categories = _old_operator(period())
    found = defaultdict(dict)
    for currency, named in figures.by_merchant.items():
        for n in named:
            found["merchants"][(n.key, currency)] = (_cents(n.amount), n.parcels)
        for n in figures.by_category[currency]:
            found["categories"][(n.key, currency)] = (_cents(n.amount), n.parcels)
    assert found["merchants"] == {(str(m), c): v for (m, c), v in merchants.items()}
    assert found["categories"] == {(str(k), c): v for (k, c), v in categories.items()}
    assert len(categories) == 3


def test_what_buyers_paid_by_day_and_month_is_what_the_payments_make(history):
    """The payments' daily totals against a year of payments grouped the old way."""
    when = period()
    figures = operator_figures(language="en")
    paid = Payment.objects.filter(state=Payment.State.SUCCEEDED)

    def old(rows, trunc):
        return {
            (as_day(w), c): (n, Money(Decimal(t), c).minor_units())
            for w, c, n, t in rows.annotate(when=trunc)
            .values("when", "currency")
            .annotate(n=Count("*"), t=Sum("amount"))
            .values_list("when", "currency", "n", "t")
        }

    def new(grouped):
        return {
            (p.when, currency): (p.orders, p.amount.minor_units())
            for currency, slots in grouped.items()
            for p in slots
            if p.orders
        }

    assert new(figures.days) == old(
        paid.filter(paid_at__gte=when.since_day),
        LocalDate("paid_at", since=when.since_day, until=when.until),
    )
    assert new(figures.months) == old(
        paid.filter(paid_at__gte=when.since_month),
        LocalMonth("paid_at", since=when.since_month, until=when.until),
    )
    assert sum(p.orders for p in figures.months["CNY"]) == 7
