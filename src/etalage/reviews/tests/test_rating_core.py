"""The rating's arithmetic, without a database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etalage.reviews.rating import Rating, rating_delta, stars_check


def test_no_review_has_no_average():
    assert Rating().average is None and Rating().share(5) == 0


def test_the_average_rounds_half_up_to_one_decimal():
    assert Rating((0, 0, 0, 3, 1)).average == Decimal("4.3")  # 4.25
    assert Rating((1, 0, 0, 0, 1)).average == Decimal("3.0")


def test_a_move_that_would_count_below_zero_is_refused():
    with pytest.raises(ValueError):
        Rating().moved(rating_delta(3, None))


@pytest.mark.parametrize("stars", [0, 6, 4.5, "5", True, None])
def test_stars_are_whole_numbers_from_one_to_five(stars):
    with pytest.raises(ValueError):
        stars_check(stars)


STARS_OR_NONE = st.sampled_from([None, 1, 2, 3, 4, 5])


@given(st.lists(st.tuples(STARS_OR_NONE, STARS_OR_NONE), max_size=30))
def test_moves_add_up_to_the_rating_of_the_reviews_left(changes):
    rating, counted = Rating(), []
    for before, after in changes:
        if before is not None and before not in counted:
            continue
        if before is not None:
            counted.remove(before)
        if after is not None:
            counted.append(after)
        rating = rating.moved(rating_delta(before, after))
    assert rating.count == len(counted)
    assert rating.total == sum(counted)
