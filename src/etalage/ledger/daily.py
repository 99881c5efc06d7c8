"""The ledger's daily roll-up of its books (``DailySales``, ``DailyCategorySales``):
kept by the postings, in their transaction, by atomic increments; rebuilt from the
books by the migration that created it; compared with the books by ``etalage
check``. One rule for a book's day (``day_of``: its payment's day in Brussels) and
one for what a book adds (``_summed``), whoever calls."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps as django_apps
from django.utils import timezone

from etalage.core.increments import rows_added
from etalage.ledger.models import DailyCategorySales, DailySales
from etalage.money import Money

Sales = dict[tuple[Any, ...], list[int]]  # key → [books, goods paid, goods EUR, …]

SALES_KEY = ("day", "merchant", "currency")
SALES_VALUES = (
    "books",
    "goods_paid",
    "goods_eur",
    "refunded_goods_paid",
    "refunded_goods_eur",
)
CATEGORY_KEY = ("day", "merchant", "category", "currency")
CATEGORY_VALUES = ("books", "goods_paid", "goods_eur")


def day_of(instant: datetime) -> date:
    """The day a book counts in: its payment's day in the marketplace's time zone
    (Brussels), as the dashboards show days."""
    return timezone.localtime(instant).date()


def _cents(amount: Decimal, currency: str) -> int:
    return Money(amount, currency).minor_units()


def _summed(
    books: Iterable[tuple[Any, str]], lines: Iterable[tuple[Any, ...]]
) -> tuple[Sales, Sales]:
    """What ``books`` ((book, buyers' currency) pairs) and their order lines
    ((sub-order id, category id, unit price, unit price EUR, quantity)) add to
    the roll-up: the day's books and goods, and the same by category."""
    sales: Sales = defaultdict(lambda: [0] * len(SALES_VALUES))
    where: dict[Any, tuple[date, Any, str]] = {}
    for book, currency in books:
        key = (day_of(book.paid_at), book.merchant_id, currency)
        where[book.sub_order_id] = key
        row = sales[key]
        row[0] += 1
        row[1] += book.goods_paid
        row[2] += book.goods_eur
        row[3] += book.refunded_goods_paid
        row[4] += book.refunded_goods_eur
    categories: Sales = defaultdict(lambda: [0] * len(CATEGORY_VALUES))
    counted: set[tuple[Any, Any]] = set()
    for sub_order_id, category_id, unit_price, unit_price_eur, quantity in lines:
        day, merchant_id, currency = where[sub_order_id]
        row = categories[(day, merchant_id, category_id, currency)]
        if (sub_order_id, category_id) not in counted:
            counted.add((sub_order_id, category_id))
            row[0] += 1
        row[1] += _cents(unit_price * quantity, currency)
        row[2] += _cents(unit_price_eur * quantity, "EUR")
    return dict(sales), dict(categories)


def _lines(sub_order_ids: list[Any], apps: Any = django_apps) -> list[tuple[Any, ...]]:
    line = apps.get_model("orders", "OrderLine")
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(sub_order_ids), 500):
        found += line.objects.filter(
            sub_order_id__in=sub_order_ids[start : start + 500]
        ).values_list(
            "sub_order_id",
            "variant__product__category_id",
            "unit_price",
            "unit_price_eur",
            "quantity",
        )
    return found


def books_paid(books: Iterable[tuple[Any, str]]) -> None:
    """Add parcels just paid ((book, buyers' currency) pairs) to the roll-up, in
    the caller's transaction (``capture_post``; the bench's bulk copy)."""
    books = list(books)
    if not books:
        return
    sales, categories = _summed(books, _lines([b.sub_order_id for b, _c in books]))
    rows_added(DailySales, SALES_KEY, SALES_VALUES, sales)
    rows_added(DailyCategorySales, CATEGORY_KEY, CATEGORY_VALUES, categories)


def book_refunded(book: Any, currency: str, goods_paid: int, goods_eur: int) -> None:
    """Add what a refund gave back of a book's goods to the day it was paid."""
    if goods_paid or goods_eur:
        key = (day_of(book.paid_at), book.merchant_id, currency)
        rows_added(
            DailySales,
            SALES_KEY,
            SALES_VALUES,
            {key: [0, 0, 0, goods_paid, goods_eur]},
        )


def from_books(apps: Any = django_apps) -> tuple[Sales, Sales]:
    """The roll-up as the books make it (every book and its lines read)."""
    book = apps.get_model("ledger", "SubOrderBook")
    rows = book.objects.values_list(
        "sub_order_id",
        "merchant_id",
        "paid_at",
        "goods_paid",
        "goods_eur",
        "refunded_goods_paid",
        "refunded_goods_eur",
        "sub_order__order__currency",
    ).iterator(chunk_size=5000)
    books = [(_Book(*row[:7]), row[7]) for row in rows]
    line = apps.get_model("orders", "OrderLine")
    lines = line.objects.filter(sub_order__book__isnull=False).values_list(
        "sub_order_id",
        "variant__product__category_id",
        "unit_price",
        "unit_price_eur",
        "quantity",
    )
    return _summed(books, lines.iterator(chunk_size=5000))


class _Book:
    __slots__ = (
        "sub_order_id",
        "merchant_id",
        "paid_at",
        "goods_paid",
        "goods_eur",
        "refunded_goods_paid",
        "refunded_goods_eur",
    )

    def __init__(self, *values: Any) -> None:
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)


def rebuilt(apps: Any = django_apps) -> int:
    """Make the roll-up again from the books (the migration that created it, for
    the books kept before it); return the rows of days written."""
    sales, categories = from_books(apps)
    for name, key_fields, value_fields, rows in (
        ("DailySales", SALES_KEY, SALES_VALUES, sales),
        ("DailyCategorySales", CATEGORY_KEY, CATEGORY_VALUES, categories),
    ):
        model = apps.get_model("ledger", name)
        model.objects.all().delete()
        model.objects.bulk_create(
            [
                model(
                    **{
                        f"{n}_id" if n in ("merchant", "category") else n: v
                        for n, v in zip(key_fields, key, strict=True)
                    },
                    **dict(zip(value_fields, numbers, strict=True)),
                )  # fmt: skip
                for key, numbers in rows.items()
            ],
            batch_size=1000,
        )
    return len(sales)


def daily_problems() -> list[str]:
    """The roll-up against the books: each day's row equal to its books summed;
    by category, each day's goods equal to its lines' and no category counting
    more parcels than the day had (the split by category is the products' at
    payment, which the books do not keep)."""
    sales, categories = from_books()
    problems = []
    kept = {
        (r.day, r.merchant_id, r.currency): [getattr(r, n) for n in SALES_VALUES]
        for r in DailySales.objects.all()
    }
    for key in sorted(kept.keys() | sales.keys(), key=lambda k: tuple(map(str, k))):
        expected = sales.get(key, [0] * len(SALES_VALUES))
        if kept.get(key, [0] * len(SALES_VALUES)) != expected:
            problems.append(
                f"ledger: the day's sales {_named(key)} read {kept.get(key)}, "
                f"the books make {expected}"
            )
    kept_goods: Sales = defaultdict(lambda: [0, 0])
    for r in DailyCategorySales.objects.all():
        key = (r.day, r.merchant_id, r.currency)
        kept_goods[key][0] += r.goods_paid
        kept_goods[key][1] += r.goods_eur
        if r.books > sales.get(key, [0])[0]:
            problems.append(
                f"ledger: the day's sales {_named(key)} in category {r.category_id} "
                f"count {r.books} parcels, the day has {sales.get(key, [0])[0]}"
            )
    lines_goods: Sales = defaultdict(lambda: [0, 0])
    for (day, merchant, _category, currency), numbers in categories.items():
        lines_goods[(day, merchant, currency)][0] += numbers[1]
        lines_goods[(day, merchant, currency)][1] += numbers[2]
    for key in sorted(
        kept_goods.keys() | lines_goods.keys(), key=lambda k: tuple(map(str, k))
    ):
        if kept_goods.get(key, [0, 0]) != lines_goods.get(key, [0, 0]):
            problems.append(
                f"ledger: the day's sales by category {_named(key)} read "
                f"{kept_goods.get(key)}, the order lines make {lines_goods.get(key)}"
            )
    return problems


def _named(key: tuple[Any, ...]) -> str:
    return " ".join(str(part) for part in key)
