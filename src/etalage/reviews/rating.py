"""Ratings and the rules of a review's life, as plain values. Pure.

A rating is a count of stars by value (the distribution 1–5): its average, count
and shares follow from it. A review's write, edit, hiding or showing again moves
one review from one value to another (or in or out), so the stored tally changes
by a ``RatingDelta`` that the services apply with one conditional update.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from etalage.core.time_zones import BEIJING

STARS = (1, 2, 3, 4, 5)
MAX_TEXT = 2000
MAX_REPLY = 1000
MAX_PHOTOS = 6


@dataclass(frozen=True)
class Rating:
    """How many reviews gave each number of stars (index 0: one star)."""

    distribution: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)

    @property
    def count(self) -> int:
        return sum(self.distribution)

    @property
    def total(self) -> int:
        return sum(stars * n for stars, n in zip(STARS, self.distribution, strict=True))

    @property
    def average(self) -> Decimal | None:
        """The mean of the stars to one decimal, half up (None: no review)."""
        if not self.count:
            return None
        mean = Decimal(self.total) / Decimal(self.count)
        return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def share(self, stars: int) -> int:
        """The percentage of reviews that gave ``stars`` (rounded half up)."""
        if not self.count:
            return 0
        part = Decimal(100 * self.distribution[stars - 1]) / Decimal(self.count)
        return int(part.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def moved(self, delta: RatingDelta) -> Rating:
        """The rating after ``delta``."""
        values = list(self.distribution)
        for stars, change in delta.changes:
            values[stars - 1] += change
        if min(values) < 0:
            raise ValueError("a rating cannot count fewer than no reviews")
        return Rating((values[0], values[1], values[2], values[3], values[4]))


@dataclass(frozen=True)
class RatingDelta:
    """What one review's change does to a tally: (stars, +1 or -1) pairs."""

    changes: tuple[tuple[int, int], ...]

    @property
    def empty(self) -> bool:
        return not self.changes


def stars_check(stars: object) -> int:
    """The stars as an int of 1 to 5, or ValueError."""
    if isinstance(stars, bool) or not isinstance(stars, int) or stars not in STARS:
        raise ValueError("stars are a whole number from 1 to 5")
    return stars


def rating_delta(before: int | None, after: int | None) -> RatingDelta:
    """The tally's change when a review counted with ``before`` stars (None: not
    counted, e.g. hidden or new) comes to count with ``after`` (None: no longer)."""
    if before == after:
        return RatingDelta(())
    changes: list[tuple[int, int]] = []
    if before is not None:
        changes.append((stars_check(before), -1))
    if after is not None:
        changes.append((stars_check(after), +1))
    return RatingDelta(tuple(changes))


def edit_open(written_at: datetime, now: datetime, days: int) -> bool:
    """A review may be edited for ``days`` days after it was written."""
    return now <= written_at + timedelta(days=days)


def edit_ends(written_at: datetime, days: int) -> datetime:
    return written_at + timedelta(days=days)


def beijing_day(at: datetime) -> date:
    """The day a moment falls on in Beijing time: the dates a review's pages show
    (written, followed up, answered, changeable until) agree with the order's."""
    return at.astimezone(BEIJING).date()
