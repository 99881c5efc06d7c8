"""``core.increments.rows_added`` under concurrent writers: two transactions
adding to the same day's row that neither has made yet both count (the second
waits for the first's row, then adds to it). Real threads with their own
connections on PostgreSQL; SQLite has one writer at a time."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from etalage.core.increments import rows_added
from etalage.payments.models import DailyPayments

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DAY = date(2026, 12, 8)


def _add(amount):
    rows_added(
        DailyPayments, ("day", "currency"), ("payments", "amount_minor"),
        {(DAY, "CNY"): [1, amount]},
    )  # fmt: skip


def test_two_transactions_adding_to_a_missing_row_both_count():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are PostgreSQL's; SQLite has one at a time")
    first_added, other_done = threading.Event(), threading.Event()
    errors = []

    def first():
        from django.db import connection as own

        try:
            with transaction.atomic():
                _add(100)
                first_added.set()  # the row made, not yet committed
                other_done.wait(timeout=2)  # the other waits for it meanwhile
        except Exception as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)
        finally:
            own.close()

    def second():
        from django.db import connection as own

        try:
            first_added.wait(timeout=30)
            with transaction.atomic():
                _add(23)
        except Exception as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)
        finally:
            other_done.set()
            own.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    row = DailyPayments.objects.get(day=DAY, currency="CNY")
    assert (row.payments, row.amount_minor) == (2, 123)


def test_adding_makes_the_row_then_adds_to_it():
    _add(100)
    _add(23)
    row = DailyPayments.objects.get(day=DAY, currency="CNY")
    assert (row.payments, row.amount_minor) == (2, 123)
