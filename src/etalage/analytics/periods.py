"""The dashboards' periods: the last 30 days and the last 12 months, in the
marketplace's time zone, and their empty days filled in. Read by the selectors
that group by day or month in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

DAYS = 30
MONTHS = 12


@dataclass(frozen=True, slots=True)
class Period:
    """The days and months a dashboard shows, oldest first, and the instants that
    bound them (``since_day``: the first day's midnight; ``since_month``: the first
    month's; ``until``: the midnight after the last day)."""

    today: date
    days: tuple[date, ...]
    months: tuple[date, ...]
    since_day: datetime
    since_month: datetime
    until: datetime  # the midnight after today


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def period(today: date | None = None) -> Period:
    """The last ``DAYS`` days and ``MONTHS`` months up to ``today`` (local)."""
    today = today or timezone.localtime().date()
    days = tuple(today - timedelta(days=back) for back in range(DAYS - 1, -1, -1))
    months = []
    for back in range(MONTHS - 1, -1, -1):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        months.append(date(year, month + 1, 1))
    return Period(
        today=today,
        days=days,
        months=tuple(months),
        since_day=_midnight(days[0]),
        since_month=_midnight(months[0]),
        until=_midnight(today + timedelta(days=1)),
    )


def as_day(value: date | datetime) -> date:
    """A truncated date as SQLite or PostgreSQL give it back."""
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).date()
            if timezone.is_aware(value)
            else (value.date())
        )
    return value
