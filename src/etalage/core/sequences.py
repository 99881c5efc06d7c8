"""Numbers given out once: a named sequence, safe under concurrency.

``sequence_next`` raises the counter with one conditional UPDATE, which locks its
row (PostgreSQL) or the database (SQLite) until the caller's transaction ends, so
two callers never get the same number; a transaction that rolls back gives its
number back, so the numbers have no gaps. Not for a number many transactions ask
for each second: they queue on the one row.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from etalage.core.models import Sequence


def sequence_next(name: str) -> int:
    """The next number of the sequence ``name`` (1 the first time)."""
    with transaction.atomic():
        if not Sequence.objects.filter(name=name).update(last=F("last") + 1):
            try:
                with transaction.atomic():  # another may create it at the same time
                    Sequence.objects.create(name=name, last=1)
                    return 1
            except IntegrityError:
                Sequence.objects.filter(name=name).update(last=F("last") + 1)
        return Sequence.objects.values_list("last", flat=True).get(name=name)
