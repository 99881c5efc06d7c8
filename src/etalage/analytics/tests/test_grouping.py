"""The dashboards' local days and months, grouped by the database's own functions,
give the days and months Django's ``TruncDate`` and ``TruncMonth`` give, around
midnight and the changes to and from summer time in Brussels."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from etalage.analytics.grouping import LocalDate, LocalMonth, offset_changes
from etalage.analytics.periods import as_day
from etalage.ledger.models import SubOrderBook
from etalage.ledger.tests.conftest import Books

SINCE = datetime(2025, 12, 1, tzinfo=UTC)
UNTIL = datetime(2026, 12, 8, tzinfo=UTC)
TRICKY = [
    datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC),  # 01:59:59 winter time
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 03:00 summer time
    datetime(2026, 3, 31, 21, 59, 59, tzinfo=UTC),  # 23:59:59, 31 March
    datetime(2026, 3, 31, 22, 0, tzinfo=UTC),  # midnight, 1 April
    datetime(2026, 10, 24, 22, 30, tzinfo=UTC),  # 00:30, 25 October
    datetime(2026, 10, 25, 0, 59, 59, tzinfo=UTC),  # 02:59:59 summer time
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),  # 02:00 winter time
    datetime(2026, 10, 31, 23, 0, tzinfo=UTC),  # midnight, 1 November
    datetime(2026, 11, 30, 22, 59, 59, tzinfo=UTC),  # 23:59:59, 30 November
    datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
]


def test_the_offset_changes_of_brussels_in_a_year_are_found_to_the_second():
    first, changes = offset_changes(SINCE, UNTIL, timezone.get_current_timezone())
    assert first == 60
    assert changes == (
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), 120),
        (datetime(2026, 10, 25, 1, 0, tzinfo=UTC), 60),
    )


def test_a_zone_without_summer_time_has_no_changes():
    from zoneinfo import ZoneInfo

    assert offset_changes(SINCE, UNTIL, ZoneInfo("Asia/Shanghai")) == (480, ())


@pytest.mark.django_db
@pytest.mark.parametrize("instant", TRICKY, ids=lambda at: at.isoformat())
def test_local_days_and_months_are_those_of_django(shopping, instant):
    books = Books(shopping, shopping.buyer())
    books.pay(books.place([(shopping.products["a"], 1)]))
    SubOrderBook.objects.update(paid_at=instant)
    local = timezone.localtime(instant)

    def grouped(expression):
        return list(
            SubOrderBook.objects.annotate(at=expression).values_list("at", flat=True)
        )

    day = grouped(LocalDate("paid_at", since=SINCE, until=UNTIL))
    month = grouped(LocalMonth("paid_at", since=SINCE, until=UNTIL))
    assert day == grouped(TruncDate("paid_at")) == [local.date()]
    django_month = [as_day(m) for m in grouped(TruncMonth("paid_at"))]
    assert django_month == month == [date(local.year, local.month, 1)]
