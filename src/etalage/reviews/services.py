"""Writing, changing, answering and reporting reviews (the operator's hiding is
``reviews.moderation``'s): who may do each is decided here, so the pages and the
API agree. Each change of a shown review's
stars moves the product's and the merchant's tallies in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from etalage.catalog.images import ProcessedImage, process_image
from etalage.core.ids import new_id
from etalage.events.outbox import event_record
from etalage.events.types import (
    ReviewEdited,
    ReviewReplied,
    ReviewReported,
    ReviewWritten,
)
from etalage.merchants.models import Merchant
from etalage.orders import states
from etalage.orders.models import OrderLine, OrderTransition
from etalage.reviews.exceptions import ReviewConflict, ReviewError
from etalage.reviews.languages import language_check
from etalage.reviews.models import (
    Review,
    ReviewPhoto,
    ReviewReport,
)

# The operator's decisions are ``reviews.moderation``'s; importable from here too
# for the callers that write reviews and hide some in one breath (the demo).
from etalage.reviews.moderation import reports_dismiss as reports_dismiss
from etalage.reviews.moderation import review_hide as review_hide
from etalage.reviews.rating import (
    MAX_PHOTOS,
    MAX_REPLY,
    MAX_TEXT,
    beijing_day,
    edit_ends,
    edit_open,
    rating_delta,
    stars_check,
)
from etalage.reviews.writing import changes_record, tallies_move, text_check

User = AbstractBaseUser | AnonymousUser


def _stars(stars: object) -> int:
    try:
        return stars_check(stars)
    except ValueError:
        raise ReviewError({"stars": _("Give one to five stars.")}) from None


def _photos(photos: Sequence[bytes], already: int = 0) -> list[ProcessedImage]:
    """The photos checked and sized by the catalogue's image pipeline."""
    if already + len(photos) > MAX_PHOTOS:
        raise ReviewError({"photos": _("At most %(n)d photos.") % {"n": MAX_PHOTOS}})
    processed = []
    for data in photos:
        try:
            processed.append(process_image(data, stem=new_id().hex[:12]))
        except ValidationError as error:
            raise ReviewError({"photos": error.messages}) from None
    return processed


def _photos_save(review: Review, processed: list[ProcessedImage], start: int) -> None:
    for position, image in enumerate(processed, start=start):
        photo = ReviewPhoto(
            review=review, width=image.width, height=image.height, position=position
        )
        medium, thumbnail = image.renditions["medium"], image.renditions["thumbnail"]
        photo.image.save(medium.name, ContentFile(medium.content), save=False)
        photo.thumbnail.save(thumbnail.name, ContentFile(thumbnail.content), save=False)
        photo.save()


def _delivered(line: OrderLine) -> bool:
    return OrderTransition.objects.filter(
        sub_order_id=line.sub_order_id, to_state=states.DELIVERED
    ).exists()


def review_refusal(line: OrderLine, *, delivered: bool | None = None) -> str:
    """Why the line cannot be reviewed, in the reader's language ('' when it
    can): its parcel is not delivered yet, or it was refunded in full (all its
    units returned, or its whole parcel refunded). ``delivered``, when the caller
    knows it, saves a query; ``line.sub_order`` is read."""
    if delivered is None:
        delivered = _delivered(line)
    if not delivered:
        return _("An item can be reviewed once its parcel is delivered.")
    if line.sub_order.state == states.REFUNDED or line.returned >= line.quantity:
        return _("This item was refunded in full: only what you kept can be reviewed.")
    return ""


def review_write(
    *,
    line: OrderLine,
    buyer: User,
    stars: int,
    text: str,
    language: str,
    photos: Sequence[bytes] = (),
) -> Review:
    """The buyer of a delivered line reviews it, once: stars, words in any
    language, up to ``MAX_PHOTOS`` photos."""
    stars = _stars(stars)
    text = text_check(text, "text", MAX_TEXT)
    language = language_check(language)
    processed = _photos(photos)
    with transaction.atomic():
        line = (
            OrderLine.objects.select_related("sub_order__order", "variant")
            .select_for_update(of=("self",))
            .get(pk=line.pk)
        )
        if line.sub_order.order.buyer_id != buyer.pk:
            raise ReviewError({"line": _("Only the buyer of this item may review it.")})
        refusal = review_refusal(line)
        if refusal:
            raise ReviewError({"line": refusal})
        if Review.objects.filter(line=line).exists():
            raise ReviewConflict({"line": _("You have reviewed this item already.")})
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    line=line, product_id=line.variant.product_id,
                    merchant_id=line.sub_order.merchant_id, buyer_id=buyer.pk,
                    stars=stars, text=text, language=language,
                )  # fmt: skip
        except IntegrityError:
            raise ReviewConflict(
                {"line": _("You have reviewed this item already.")}
            ) from None
        _photos_save(review, processed, start=0)
        tallies_move(review, rating_delta(None, stars))
        changes_record(
            review,
            ReviewWritten(review_id=review.pk, product_id=review.product_id,
                          merchant_id=review.merchant_id, stars=stars),
        )  # fmt: skip
    return review


def _own(review: Review, buyer: User) -> Review:
    """The review, locked, when ``buyer`` wrote it and it is shown."""
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.buyer_id != buyer.pk:
        raise ReviewError({"review": _("Only its author may change a review.")})
    if locked.hidden_at is not None:
        raise ReviewError({"review": _("This review was hidden by Étalage.")})
    return locked


def review_edit(
    *,
    review: Review,
    buyer: User,
    stars: int,
    text: str,
    language: str,
    photos: Sequence[bytes] = (),
    remove_photo_ids: Sequence[int] = (),
    now: datetime | None = None,
) -> Review:
    """The author changes their review while the edit window is open
    (``ETALAGE_REVIEW_EDIT_DAYS`` from writing it): stars, words, photos."""
    now = now or timezone.now()
    stars = _stars(stars)
    text = text_check(text, "text", MAX_TEXT)
    language = language_check(language)
    with transaction.atomic():
        review = _own(review, buyer)
        days = settings.ETALAGE_REVIEW_EDIT_DAYS
        if not edit_open(review.created_at, now, days):
            ended = date_format(
                beijing_day(edit_ends(review.created_at, days)), "DATE_FORMAT"
            )
            raise ReviewError(
                {"review": _("Reviews can be changed until %(date)s; add a "
                             "follow-up instead.") % {"date": ended}}
            )  # fmt: skip
        removed = list(review.photos.filter(pk__in=remove_photo_ids))
        kept = review.photos.count() - len(removed)
        processed = _photos(photos, already=kept)
        files = [name for p in removed for name in (p.image.name, p.thumbnail.name)]
        ReviewPhoto.objects.filter(pk__in=[p.pk for p in removed]).delete()
        _photos_save(review, processed, start=kept + len(removed))
        before = review.stars
        review.stars, review.text, review.language = stars, text, language
        review.edited_at = now
        review.save()
        tallies_move(review, rating_delta(before, stars))
        changes_record(
            review,
            ReviewEdited(review_id=review.pk, product_id=review.product_id,
                         stars=stars),
        )  # fmt: skip
        transaction.on_commit(lambda: _files_delete(files))
    return review


def _files_delete(names: list[str]) -> None:
    storage = ReviewPhoto._meta.get_field("image").storage
    for name in names:
        storage.delete(name)


def review_follow_up(
    *, review: Review, buyer: User, text: str, language: str,
    now: datetime | None = None,
) -> Review:  # fmt: skip
    """The author adds one follow-up (how the product did after a while)."""
    text = text_check(text, "follow_up", MAX_TEXT, required=True)
    language = language_check(language, field="follow_up_language")
    with transaction.atomic():
        review = _own(review, buyer)
        if review.follow_up_at is not None:
            raise ReviewConflict({"follow_up": _("A review has one follow-up only.")})
        review.follow_up, review.follow_up_language = text, language
        review.follow_up_at = now or timezone.now()
        review.save()
        changes_record(
            review,
            ReviewEdited(review_id=review.pk, product_id=review.product_id,
                         stars=review.stars),
        )  # fmt: skip
    return review


def review_reply(
    *, review: Review, merchant: Merchant, text: str, language: str,
    by: User | None = None, now: datetime | None = None,
) -> Review:  # fmt: skip
    """The merchant answers a review of its own product, once, publicly."""
    text = text_check(text, "reply", MAX_REPLY, required=True)
    language = language_check(language, field="reply_language")
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.merchant_id != merchant.pk:
            raise ReviewError(
                {"review": _("A shop answers only reviews of its own products.")}
            )
        if review.replied_at is not None:
            raise ReviewConflict({"reply": _("This review has been answered already.")})
        review.reply, review.reply_language = text, language
        review.replied_at = now or timezone.now()
        review.replied_by_id = by.pk if by is not None and by.pk else None
        review.save()
        changes_record(
            review, ReviewReplied(review_id=review.pk, merchant_id=merchant.pk)
        )
    return review


def review_report(
    *, review: Review, by: User, reason: str, details: str = ""
) -> ReviewReport:
    """A buyer or a merchant reports a review to the operator, once each."""
    if not by.is_authenticated:
        raise ReviewError({"review": _("Sign in to report a review.")})
    if reason not in ReviewReport.Reason.values:
        raise ReviewError({"reason": _("Choose a reason.")})
    details = text_check(details, "details", 500)
    if review.buyer_id == by.pk:
        raise ReviewError({"review": _("You cannot report your own review.")})
    try:
        with transaction.atomic():
            report = ReviewReport.objects.create(
                review=review, by_id=by.pk, reason=reason, details=details
            )
            event_record(
                ReviewReported(review_id=review.pk, report_id=report.pk, reason=reason)
            )
    except IntegrityError:
        raise ReviewConflict(
            {"review": _("You have reported this review already.")}
        ) from None
    return report
