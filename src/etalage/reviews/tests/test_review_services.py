"""A buyer reviews each delivered line once, changes it within the window, adds
one follow-up; the merchant answers once; reports go to the operator, who hides a
review with a reason and its author is told. The ratings follow every change."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from etalage.events.models import OutboxEvent
from etalage.reviews.exceptions import ReviewError
from etalage.reviews.models import MerchantRating, ProductRating, Review, ReviewReport
from etalage.reviews.selectors import merchant_rating, product_rating
from etalage.reviews.services import (
    review_edit,
    review_follow_up,
    review_hide,
    review_reply,
    review_report,
    review_write,
)
from etalage.reviews.tests.conftest import delivered_order, line_of, paid_order, png


def _write(buyer, line, stars=5, **extra):
    values = {"text": "Très bon chocolat", "language": "fr", **extra}
    return review_write(line=line, buyer=buyer, stars=stars, **values)


def _operator():
    return get_user_model().objects.create_user("operator", is_staff=True)


def test_a_buyer_reviews_a_delivered_line_and_the_ratings_count_it(
    delivered, django_capture_on_commit_callbacks
):
    buyer, line = delivered
    review = _write(buyer, line, stars=4, photos=[png(), png((400, 250))])
    assert review.language == "fr" and review.product_id == line.variant.product_id
    photos = list(review.photos.all())
    assert len(photos) == 2 and photos[0].thumbnail.name.endswith("-320.webp")
    assert photos[1].image.name.endswith("-800.webp")
    rating = product_rating(review.product_id)
    assert (rating.count, rating.average, rating.distribution) == (
        1, Decimal("4.0"), (0, 0, 0, 1, 0)
    )  # fmt: skip
    assert merchant_rating(review.merchant).count == 1
    topics = set(OutboxEvent.objects.values_list("topic", flat=True))
    assert {"ReviewWritten", "ProductsChanged"} <= topics


def test_a_line_not_yet_delivered_cannot_be_reviewed(shopping):
    buyer = shopping.buyer()
    line = line_of(paid_order(shopping, buyer), shopping.products["a"])
    with pytest.raises(ReviewError) as refused:
        _write(buyer, line)
    assert "line" in refused.value.message_dict
    assert not Review.objects.exists() and not ProductRating.objects.exists()


def test_another_buyer_cannot_review_someone_else_s_line(shopping, delivered):
    _buyer, line = delivered
    with pytest.raises(ReviewError, match="Only the buyer"):
        _write(shopping.buyer(), line)


def test_a_line_is_reviewed_once(delivered):
    buyer, line = delivered
    _write(buyer, line)
    with pytest.raises(ReviewError, match="already"):
        _write(buyer, line, stars=1)
    assert product_rating(line.variant.product_id).count == 1


def test_stars_text_language_and_photos_are_checked_field_by_field(delivered):
    buyer, line = delivered
    cases = [
        ({"stars": 0}, "stars"),
        ({"stars": 6}, "stars"),
        ({"text": "x" * 2001}, "text"),
        ({"language": "klingon!"}, "language"),
        ({"photos": [png()] * 7}, "photos"),
        ({"photos": [b"not an image"]}, "photos"),
        ({"photos": [png((100, 100))]}, "photos"),
    ]
    for values, field in cases:
        with pytest.raises(ReviewError) as refused:
            _write(buyer, line, **{"stars": 5, **values})
        assert field in refused.value.message_dict, values
    assert not Review.objects.exists()


def test_any_language_is_recorded(delivered):
    buyer, line = delivered
    assert _write(buyer, line, text="Sehr gut", language="DE").language == "de"


def test_the_author_edits_within_the_window_and_the_ratings_move(delivered):
    buyer, line = delivered
    review = _write(buyer, line, stars=2, photos=[png()])
    gone = review.photos.get()
    edited = review_edit(
        review=review, buyer=buyer, stars=5, text="Finalement excellent",
        language="fr", photos=[png(), png()], remove_photo_ids=[gone.pk],
        now=review.created_at + timedelta(days=29),
    )  # fmt: skip
    assert edited.stars == 5 and edited.edited_at is not None
    assert edited.photos.count() == 2 and not edited.photos.filter(pk=gone.pk).exists()
    rating = product_rating(review.product_id)
    assert rating.distribution == (0, 0, 0, 0, 1) and rating.average == Decimal("5.0")
    assert MerchantRating.objects.get().five == 1


def test_after_the_window_the_review_cannot_be_edited_but_has_one_follow_up(
    delivered, settings
):
    settings.ETALAGE_REVIEW_EDIT_DAYS = 30
    buyer, line = delivered
    review = _write(buyer, line)
    later = review.created_at + timedelta(days=31)
    with pytest.raises(ReviewError, match="follow-up"):
        review_edit(review=review, buyer=buyer, stars=1, text="", language="fr",
                    now=later)  # fmt: skip
    followed = review_follow_up(review=review, buyer=buyer, text="Toujours bon",
                                language="fr", now=later)  # fmt: skip
    assert followed.follow_up == "Toujours bon"
    with pytest.raises(ReviewError) as refused:
        review_follow_up(review=review, buyer=buyer, text="Encore", language="fr")
    assert "follow_up" in refused.value.message_dict


def test_only_the_author_edits_or_follows_up(shopping, delivered):
    buyer, line = delivered
    review = _write(buyer, line)
    stranger = shopping.buyer()
    with pytest.raises(ReviewError, match="author"):
        review_edit(review=review, buyer=stranger, stars=1, text="", language="en")
    with pytest.raises(ReviewError, match="author"):
        review_follow_up(review=review, buyer=stranger, text="x", language="en")


def test_the_merchant_replies_once_and_only_to_its_own_products(shopping, delivered):
    buyer, line = delivered
    review = _write(buyer, line)
    other = shopping.products["c"].merchant
    with pytest.raises(ReviewError, match="own products"):
        review_reply(review=review, merchant=other, text="Merci", language="fr")
    replied = review_reply(review=review, merchant=review.merchant,
                           text="Merci beaucoup !", language="fr")  # fmt: skip
    assert replied.reply == "Merci beaucoup !" and replied.replied_at
    with pytest.raises(ReviewError) as refused:
        review_reply(review=review, merchant=review.merchant, text="Re", language="fr")
    assert "reply" in refused.value.message_dict


def test_reports_then_the_operator_hides_and_the_author_is_told(
    shopping, delivered, django_capture_on_commit_callbacks
):
    buyer, line = delivered
    review = _write(buyer, line, stars=1)
    reporter = shopping.buyer()
    report = review_report(review=review, by=reporter, reason="offensive")
    with pytest.raises(ReviewError, match="already"):
        review_report(review=review, by=reporter, reason="spam")
    with pytest.raises(ReviewError, match="own review"):
        review_report(review=review, by=buyer, reason="spam")
    with pytest.raises(ReviewError) as refused:
        review_report(review=review, by=shopping.buyer(), reason="boring")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ReviewError, match="operator"):
        review_hide(review=review, by=reporter, reason="insults")
    with django_capture_on_commit_callbacks(execute=True):
        hidden = review_hide(review=review, by=_operator(), reason="Insults the seller")
    assert hidden.hidden_at and hidden.hidden_reason == "Insults the seller"
    assert ReviewReport.objects.get(pk=report.pk).resolved_at is not None
    assert product_rating(review.product_id).count == 0
    assert merchant_rating(review.merchant).count == 0
    told = [m for m in mail.outbox if m.subject == "Your review was hidden"]
    assert len(told) == 1 and told[0].to == [buyer.email]
    assert "Insults the seller" in told[0].body
    with pytest.raises(ReviewError, match="hidden"):
        review_edit(review=review, buyer=buyer, stars=5, text="", language="fr")


def test_the_average_and_distribution_over_several_buyers(shopping):
    product = shopping.products["a"]
    for stars in (5, 4, 4):
        buyer = shopping.buyer()
        line = line_of(delivered_order(shopping, buyer), product)
        _write(buyer, line, stars=stars)
    rating = product_rating(product.pk)
    assert rating.count == 3 and rating.average == Decimal("4.3")
    assert rating.share(4) == 67 and rating.share(5) == 33
    assert ProductRating.objects.get(pk=product.pk).average == Decimal("4.3")


def test_the_edit_window_is_a_setting(delivered, settings):
    settings.ETALAGE_REVIEW_EDIT_DAYS = 2
    buyer, line = delivered
    review = _write(buyer, line)
    with pytest.raises(ReviewError):
        review_edit(review=review, buyer=buyer, stars=3, text="", language="fr",
                    now=timezone.now() + timedelta(days=3))  # fmt: skip
