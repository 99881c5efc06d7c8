"""What a walk through reviews in four languages found: the days shown in Beijing
time like the order's, a fully refunded line refused, the languages named in the
reader's own, labels punctuated as the language writes them."""

from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from etalage.orders.returned import sub_order_returned
from etalage.reviews.exceptions import ReviewError
from etalage.reviews.languages import language_name
from etalage.reviews.models import Review
from etalage.reviews.rating import beijing_day
from etalage.reviews.selectors import review_view
from etalage.reviews.services import review_refusal, review_write
from etalage.reviews.tests.conftest import delivered_order, line_of, paid_order


def test_a_moment_late_in_the_european_evening_is_the_next_day_in_beijing():
    assert beijing_day(datetime(2026, 12, 7, 20, 30, tzinfo=UTC)) == date(2026, 12, 8)
    assert beijing_day(datetime(2026, 12, 7, 15, 59, tzinfo=UTC)) == date(2026, 12, 7)


def test_a_review_s_days_are_beijing_s(delivered):
    buyer, line = delivered
    review = review_write(line=line, buyer=buyer, stars=4, text="", language="en")
    late = datetime(2026, 12, 7, 20, 30, tzinfo=UTC)
    Review.objects.filter(pk=review.pk).update(
        created_at=late, replied_at=late, follow_up_at=late
    )
    review.refresh_from_db()
    view = review_view(review, "en")
    assert view.written_on == view.replied_on == view.follow_up_on == date(2026, 12, 8)


def test_a_line_returned_in_full_cannot_be_reviewed_and_says_why(delivered):
    buyer, line = delivered
    sub_order_returned(sub_order=line.sub_order, quantities={line.pk: line.quantity})
    line.refresh_from_db()
    with translation.override("fr"):
        why = review_refusal(line)
        with pytest.raises(ReviewError) as refused:
            review_write(line=line, buyer=buyer, stars=1, text="", language="fr")
    assert why and "rembours" in why
    assert refused.value.message_dict == {"line": [why]}
    assert not Review.objects.exists()


def test_a_line_partly_returned_can_still_be_reviewed(delivered):
    buyer, line = delivered
    assert line.quantity > 1
    sub_order_returned(sub_order=line.sub_order, quantities={line.pk: 1})
    line.refresh_from_db()
    assert review_refusal(line) == ""
    assert review_write(line=line, buyer=buyer, stars=3, text="", language="en")


def test_an_undelivered_line_says_it_can_be_reviewed_once_delivered(shopping):
    buyer = shopping.buyer()
    line = line_of(paid_order(shopping, buyer), shopping.products["a"])
    with translation.override("nl"):
        assert "geleverd" in review_refusal(line)


def test_a_parcel_refunded_whole_after_delivery_cannot_be_reviewed(shopping):
    from etalage.orders import states
    from etalage.orders.services import sub_order_move

    buyer = shopping.buyer()
    line = line_of(delivered_order(shopping, buyer), shopping.products["a"])
    sub_order_move(sub_order=line.sub_order, to=states.REFUNDED, reason="broken")
    line.refresh_from_db()
    assert "refunded in full" in review_refusal(line)


@pytest.mark.parametrize(
    ("reader", "name"),
    [("zh-hans", "中文（繁体）"), ("fr", "chinois (traditionnel)"),
     ("nl", "Chinees (traditioneel)"), ("en", "Chinese (Traditional)")],
)  # fmt: skip
def test_traditional_chinese_is_named_in_the_reader_s_language(reader, name):
    assert language_name("zh-hant", reader) == name
