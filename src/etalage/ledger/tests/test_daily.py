"""The ledger's daily roll-up of its books: kept by the postings (payment and
refunds), rebuilt the same from the books by the migration's backfill, and
compared with the books by ``etalage check``, which sees a corrupted row."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone

from etalage.ledger.checks import ledger_problems
from etalage.ledger.daily import daily_problems, day_of, rebuilt
from etalage.ledger.models import DailyCategorySales, DailySales, SubOrderBook
from etalage.ledger.tests.conftest import Books
from etalage.payments.checks import payment_problems
from etalage.payments.daily import rebuilt as payments_rebuilt
from etalage.payments.models import DailyPayments

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold(shopping):
    books = Books(shopping, shopping.buyer())
    p = shopping.products
    first = books.pay(books.place([(p["a"], 2), (p["b"], 1), (p["c"], 1)]))
    second = books.pay(books.place([(p["a"], 1), (p["c"], 2)]))
    books.refund(first, Decimal("7.00"))
    books.refund(second, second.total)
    return shopping


def _rows():
    return (
        sorted(
            DailySales.objects.values_list(
                "day",
                "merchant_id",
                "currency",
                "books",
                "goods_paid",
                "goods_eur",
                "refunded_goods_paid",
                "refunded_goods_eur",
            )
        ),
        sorted(
            map(
                str,
                DailyCategorySales.objects.values_list(
                    "day", "merchant_id", "category_id", "currency", "books",
                    "goods_paid", "goods_eur",
                ),
            )
        ),
    )  # fmt: skip


def test_the_postings_keep_the_roll_up_equal_to_the_books(sold):
    today = day_of(timezone.now())
    rows = DailySales.objects.filter(day=today)
    assert sum(r.books for r in rows) == SubOrderBook.objects.count() == 4
    for row in rows:
        books = SubOrderBook.objects.filter(merchant=row.merchant_id)
        assert row.goods_paid == sum(b.goods_paid for b in books)
        assert row.refunded_goods_paid == sum(b.refunded_goods_paid for b in books)
        assert row.refunded_goods_eur == sum(b.refunded_goods_eur for b in books)
        assert row.refunded_goods_paid > 0
    assert DailyCategorySales.objects.count() == 3  # a, b and c's categories
    assert daily_problems() == [] and ledger_problems() == []


def test_the_backfill_makes_from_the_books_what_the_postings_kept(sold):
    kept = _rows()
    DailySales.objects.all().delete()
    DailyCategorySales.objects.all().delete()
    assert daily_problems()  # the books without their roll-up
    assert rebuilt() == 2
    assert _rows() == kept
    assert daily_problems() == []


def test_check_sees_a_day_that_disagrees_with_its_books(sold):
    row = DailySales.objects.order_by("merchant_id").first()
    DailySales.objects.filter(pk=row.pk).update(goods_eur=F("goods_eur") + 1)
    problems = ledger_problems()
    assert len(problems) == 1 and "the books make" in problems[0]


def test_check_sees_a_category_day_that_disagrees_with_the_lines(sold):
    row = DailyCategorySales.objects.order_by("category_id").first()
    DailyCategorySales.objects.filter(pk=row.pk).update(goods_paid=F("goods_paid") - 1)
    problems = ledger_problems()
    assert len(problems) == 1 and "the order lines make" in problems[0]
    DailyCategorySales.objects.filter(pk=row.pk).update(
        goods_paid=F("goods_paid") + 1, books=F("books") + 5
    )
    assert ["parcels" in p for p in ledger_problems()] == [True]


def test_the_payments_daily_totals_are_rebuilt_the_same_and_checked(sold):
    """What buyers paid by day (``payments.daily``), kept as a notification's
    payment succeeds: rebuilt the same from the payments, and a corrupted day
    seen by the payments' check."""
    kept = sorted(
        DailyPayments.objects.values_list("day", "currency", "payments", "amount_minor")
    )
    assert [n for _d, _c, n, _a in kept] == [2]
    assert payment_problems() == []
    DailyPayments.objects.all().delete()
    assert payments_rebuilt() == 1
    assert (
        sorted(
            DailyPayments.objects.values_list(
                "day", "currency", "payments", "amount_minor"
            )
        )
        == kept
    )
    DailyPayments.objects.update(amount_minor=F("amount_minor") + 1)
    problems = payment_problems()
    assert len(problems) == 1 and "the payments make" in problems[0]
