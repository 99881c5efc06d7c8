"""Named sequences: each number given out once, even to callers at the same time."""

import contextlib
import threading

import pytest
from django.db import OperationalError, transaction

from etalage.core.sequences import sequence_next


@pytest.mark.django_db
def test_a_sequence_counts_from_1_and_each_name_on_its_own():
    assert [sequence_next("a") for _ in range(3)] == [1, 2, 3]
    assert sequence_next("b") == 1
    assert sequence_next("a") == 4


@pytest.mark.django_db
def test_a_number_taken_by_a_transaction_that_rolls_back_is_given_again():
    assert sequence_next("statements") == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert sequence_next("statements") == 2
        raise RuntimeError("the statement could not be written")
    assert sequence_next("statements") == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_callers_at_the_same_time_never_get_the_same_number():
    numbers, start = [], threading.Barrier(8)

    def take():
        from django.db import connection

        start.wait()
        try:
            for _ in range(5):
                # SQLite's shared in-memory test database may answer "locked".
                with contextlib.suppress(OperationalError):
                    numbers.append(sequence_next("race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(numbers) >= 5 and len(numbers) == len(set(numbers))
    assert sorted(numbers) == list(range(1, len(numbers) + 1))  # and no gap
