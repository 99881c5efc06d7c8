"""What every write of reviews shares (the author's, the shop's and the
operator's): a text checked, both tallies moved, the change recorded."""

from __future__ import annotations

from django.utils.translation import gettext as _

from etalage.core.text import text_refusal
from etalage.events.outbox import event_record
from etalage.events.types import DomainEvent, ProductsChanged
from etalage.reviews.exceptions import ReviewError
from etalage.reviews.models import (
    STAR_FIELDS,
    MerchantRating,
    ProductRating,
    Review,
    Tally,
)
from etalage.reviews.rating import RatingDelta


def text_check(text: str, field: str, limit: int, *, required: bool = False) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ReviewError({field: _("Write a few words.")})
    if len(text) > limit:
        raise ReviewError(
            {field: _("At most %(n)d characters.") % {"n": limit}}
        )  # fmt: skip
    refusal = text_refusal(text, multiline=True)
    if refusal is not None:
        raise ReviewError({field: refusal.messages})
    return text


def tallies_move(review: Review, delta: RatingDelta) -> None:
    """Move the product's then the merchant's tally by ``delta`` (rows locked in
    that order by every writer)."""
    if delta.empty:
        return
    ProductRating.objects.bulk_create(
        [ProductRating(product_id=review.product_id)], ignore_conflicts=True
    )
    _tally_move(
        ProductRating.objects.select_for_update().get(pk=review.product_id), delta
    )
    MerchantRating.objects.bulk_create(
        [MerchantRating(merchant_id=review.merchant_id)], ignore_conflicts=True
    )
    _tally_move(
        MerchantRating.objects.select_for_update().get(pk=review.merchant_id), delta
    )


def _tally_move(tally: Tally, delta: RatingDelta) -> None:
    rating = tally.as_rating().moved(delta)
    for name, value in zip(STAR_FIELDS, rating.distribution, strict=True):
        setattr(tally, name, value)
    tally.count, tally.average = rating.count, rating.average
    tally.save()


def changes_record(review: Review, *events: DomainEvent) -> None:
    """Record ``events`` and the review's product as changed: the one rule by
    which its page's fragments expire and search rewrites its document (stars
    and all), whatever the review's own event was."""
    event_record(
        *events,
        ProductsChanged(product_ids=(review.product_id,)),
    )
