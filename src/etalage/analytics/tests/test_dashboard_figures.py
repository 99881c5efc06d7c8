"""The dashboards' figures, read from the ledger and the orders through the real
services: a merchant's are its own only, summed by day and month in euros; the
operator's are the buyers' yuan; both in a fixed number of queries however many
orders there are."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from etalage.analytics.merchant_figures import merchant_figures
from etalage.analytics.models import ProductViewDay
from etalage.analytics.operator_figures import operator_figures
from etalage.analytics.product_views import (
    product_view_count,
    product_views_flush,
    product_views_pending,
)
from etalage.ledger.tests.conftest import Books
from etalage.money.money import Money
from etalage.returns.models import ReturnRequest

pytestmark = pytest.mark.django_db


@contextmanager
def paid_at(moment):
    """The services' clock at ``moment`` while a payment is applied."""
    with mock.patch.object(timezone, "now", lambda: moment):
        yield


@pytest.fixture
def sold(shopping):
    """First sells 2 × a (10 EUR) + 1 × b (20 EUR) today and 1 × a 40 days ago;
    Second 1 × c (30 EUR) today; one of First's parcels is asked back as damaged."""
    books = Books(shopping, shopping.buyer())
    p = shopping.products
    today = books.pay(books.place([(p["a"], 2), (p["b"], 1), (p["c"], 1)]))
    then = timezone.now() - timedelta(days=40)
    older = books.place([(p["a"], 1)])
    with paid_at(then):  # the ledger's roll-up is kept by the posting, on its day
        books.pay(older)
    first = today.sub_orders.get(merchant__name="First")
    ReturnRequest.objects.create(sub_order=first, number="R-1", reason="damaged")
    return shopping


def test_a_merchant_sees_its_own_sales_by_day_and_month_in_euros(sold):
    first = sold.products["a"].merchant
    figures = merchant_figures(merchant=first, language="en")
    assert len(figures.days) == 30 and len(figures.months) == 12
    assert figures.days[-1].sales == Money("40.00", "EUR")  # not Second's 30
    assert figures.days[-1].orders == 1 and figures.orders == 1
    assert figures.sales == Money("40.00", "EUR")
    # 40 days ago is in the months, not in the days.
    assert sum(m.orders for m in figures.months) == 2
    assert sum((m.sales for m in figures.months), Money.zero("EUR")) == Money(
        "50.00", "EUR"
    )
    top = figures.top_products
    assert [(t.units, t.sales) for t in top] == [
        (2, Money("20.00", "EUR")),
        (1, Money("20.00", "EUR")),
    ]
    assert [(r.reason, r.count) for r in figures.returns] == [("damaged", 1)]
    second = merchant_figures(merchant=sold.products["c"].merchant, language="en")
    assert second.sales == Money("30.00", "EUR") and second.returns == ()


def test_views_counted_in_memory_are_written_once_flushed_and_give_conversion(sold):
    a, c = sold.products["a"], sold.products["c"]
    product_views_flush()  # whatever an earlier test left in this process
    for _ in range(8):
        product_view_count(a.pk)
    product_view_count(c.pk)
    assert product_views_pending() == 9
    assert not ProductViewDay.objects.exists()  # nothing written per view
    assert product_views_flush() == 9
    product_view_count(a.pk)
    assert product_views_flush() == 1  # added to the day's row
    assert ProductViewDay.objects.get(product=a).views == 9
    figures = merchant_figures(merchant=a.merchant, language="en")
    assert figures.views == 9
    assert figures.conversion == Decimal("11.1")  # 1 parcel per 9 views
    assert {t.product_id: t.views for t in figures.top_products}[str(a.pk)] == 9
    operator = operator_figures(language="en")
    assert operator.views[-1][1] == 10


def test_the_operator_sees_the_buyers_payments_in_yuan_by_merchant(sold):
    figures = operator_figures(language="en")
    assert figures.currencies[0] == "CNY"
    today = figures.days["CNY"][-1]
    assert today.orders == 1 and today.amount.currency == "CNY"
    assert today.amount.amount > 0
    merchants = {n.name: n for n in figures.by_merchant["CNY"]}
    assert set(merchants) == {"First", "Second"}
    assert merchants["First"].amount > merchants["Second"].amount
    assert sum(c.amount.amount for c in figures.by_category["CNY"]) == sum(
        m.amount.amount for m in figures.by_merchant["CNY"]
    )
    assert figures.payments == {"succeeded": 1}
    assert figures.payment_success == Decimal("100.0")
    assert figures.customs == {"released": 0, "refused": 0}
    assert figures.customs_released is None
    assert sum(p.orders for p in figures.months["CNY"]) == 2
    assert set(figures.late) == {"hub", "departure", "arrival", "release", "delivery"}


def test_the_figures_take_the_same_queries_for_one_order_or_many(sold):
    merchant = sold.products["a"].merchant

    def count():
        with CaptureQueriesContext(connection) as merchant_side:
            merchant_figures(merchant=merchant, language="en")
        with CaptureQueriesContext(connection) as operator_side:
            operator_figures(language="en")
        return len(merchant_side), len(operator_side)

    before = count()
    books = Books(sold, sold.buyer())
    for _ in range(3):
        books.pay(books.place([(sold.products["b"], 1), (sold.products["c"], 2)]))
    assert count() == before == (5, 9)


def test_the_operator_counts_the_parcels_late_at_each_step_as_logistics_does(
    shopping,
):
    """The five counts, asked in one query, are logistics' own lists' counts."""
    from etalage.logistics.models import Parcel
    from etalage.logistics.selectors import LATE_AFTER, parcels_late
    from etalage.logistics.services import hub_receive, parcel_hand_over, parcel_pack
    from etalage.orders.services import order_pay

    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 2)])
    paid = order_pay(order=shopping.place(buyer).order).sub_orders.get()

    def logistics():
        return {step: parcels_late(step).count() for step in LATE_AFTER}

    parcel = parcel_hand_over(parcel=parcel_pack(sub_order=paid, grams=650))
    assert (
        operator_figures(language="en").late
        == logistics()
        == dict.fromkeys(LATE_AFTER, 0)
    )
    three_days_ago = timezone.now() - timedelta(days=3)
    Parcel.objects.filter(pk=parcel.pk).update(handed_over_at=three_days_ago)
    assert operator_figures(language="en").late == logistics()
    assert logistics()["hub"] == 1
    hub_receive(code=parcel.code, grams=650)
    Parcel.objects.filter(pk=parcel.pk).update(received_at=three_days_ago)
    assert operator_figures(language="en").late == logistics()
    assert logistics()["departure"] == 1 and logistics()["hub"] == 0
