"""Order numbers: short, unambiguous, readable aloud."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from etalage.orders.numbers import ALPHABET, order_number, sub_order_number


def test_a_number_shows_the_month_and_three_groups_of_four():
    number = order_number(date(2026, 11, 27), randbits=lambda bits: 0)
    assert number == "E2611-0000-0000-0000"
    assert sub_order_number(number, 2) == "E2611-0000-0000-0000-2"


@given(st.integers(min_value=0, max_value=2**60 - 1))
def test_every_number_uses_only_unambiguous_characters(value):
    number = order_number(date(2026, 1, 1), randbits=lambda bits: value)
    assert len(number) == 20 <= 60
    assert set(number[6:].replace("-", "")) <= set(ALPHABET)
    assert not set(number) & set("ILOU")


def test_different_random_bits_give_different_numbers():
    numbers = {
        order_number(date(2026, 1, 1), randbits=lambda b, n=n: n) for n in range(2000)
    }
    assert len(numbers) == 2000
