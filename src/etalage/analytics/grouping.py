"""Group instants by the marketplace's local day or month in the database itself.

Django's ``TruncDate`` and ``TruncMonth`` are native SQL on PostgreSQL
(``AT TIME ZONE``), but on SQLite they call a Python function for every row
(``django_datetime_cast_date``): at 100,000 orders that function, not the
reading, was most of the dashboards' time. ``LocalDate`` and ``LocalMonth`` are
the same groupings, giving the same days, with SQLite's own ``date()`` and
``strftime()`` shifted by the zone's offset from UTC. The zone may change its
offset (Europe/Brussels: summer time), so the shift is a ``CASE`` over the
instants where it changes between ``since`` and ``until``: exact for every instant
in that span, which is what the dashboards filter on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from django.db.models import DateField, Expression
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

_STEP = timedelta(hours=6)  # no zone changes its offset twice in six hours


@lru_cache(maxsize=64)  # the same few periods all day: computed once each
def offset_changes(
    since: datetime, until: datetime, zone: tzinfo
) -> tuple[int, tuple[tuple[datetime, int], ...]]:
    """The zone's offset from UTC (minutes) at ``since``, and each instant (UTC) in
    ``(since, until]`` where it changes with the offset from then on."""

    def minutes(at: datetime) -> int:
        offset = at.astimezone(zone).utcoffset() or timedelta(0)
        return int(offset.total_seconds()) // 60

    at = since.astimezone(UTC)
    first = current = minutes(at)
    changes: list[tuple[datetime, int]] = []
    while at < until:
        later = min(at + _STEP, until)
        if minutes(later) != current:
            low, high = at, later  # the change is in (low, high]: halve to the second
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if minutes(middle) == current:
                    low = middle
                else:
                    high = middle
            high = high.replace(microsecond=0)
            if minutes(high) == current:
                high += timedelta(seconds=1)
            current = minutes(high)
            changes.append((high, current))
        at = later
    return first, tuple(changes)


def _shifted_sqlite(
    template: str, sql: str, params: list[Any], since: datetime, until: datetime,
    connection: Any,
) -> tuple[str, list[Any]]:  # fmt: skip
    """``template`` (SQL with ``{sql}`` and ``{shift}``) applied to ``sql`` with the
    offset the zone had at each instant: a ``CASE`` over the changes between
    ``since`` and ``until``."""
    first, changes = offset_changes(since, until, timezone.get_current_timezone())

    def shifted(offset: int) -> str:
        return template.format(sql=sql, shift=f"'{offset:+d} minutes'")

    if not changes:
        return shifted(first), list(params)
    parts, out, offset = ["CASE"], [], first
    for at, after in changes:
        parts.append(f"WHEN {sql} < %s THEN {shifted(offset)}")
        out += [*params, connection.ops.adapt_datetimefield_value(at), *params]
        offset = after
    parts.append(f"ELSE {shifted(offset)} END")
    return " ".join(parts), out + list(params)


class LocalDate(TruncDate):
    """The local day of an instant, as ``TruncDate``; native SQL on SQLite, exact
    for the instants between ``since`` and ``until``."""

    def __init__(
        self, expression: str | Expression, *, since: datetime, until: datetime
    ) -> None:
        super().__init__(expression)
        self.since, self.until = since, until

    def as_sqlite(
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.lhs)
        return _shifted_sqlite(
            "date({sql}, {shift})", sql, params, self.since, self.until, connection
        )


class LocalMonth(TruncMonth):
    """The first day of the local month of an instant (a date), as ``TruncMonth``;
    native SQL on SQLite, exact for the instants between ``since`` and ``until``."""

    def __init__(
        self, expression: str | Expression, *, since: datetime, until: datetime
    ) -> None:
        super().__init__(expression, output_field=DateField())
        self.since, self.until = since, until

    def as_sqlite(
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.lhs)
        return _shifted_sqlite(
            "strftime('%%Y-%%m-01', {sql}, {shift})",
            sql, params, self.since, self.until, connection,
        )  # fmt: skip
