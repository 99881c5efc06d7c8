"""Writing, changing, answering, reporting and hiding reviews: who may do each is
decided here, so the pages and the API agree. Each change of a shown review's
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
from etalage.core.text import text_refusal
from etalage.events.outbox import event_record
from etalage.events.types import (
    ProductsChanged,
    ReviewEdited,
    ReviewHidden,
    ReviewReplied,
    ReviewReported,
    ReviewWritten,
)
from etalage.merchants.models import Merchant
from etalage.orders import states
from etalage.orders.models import OrderLine, OrderTransition
from etalage.orders.notices import Notice, buyer_notify
from etalage.reviews.exceptions import ReviewConflict, ReviewError
from etalage.reviews.languages import language_check
from etalage.reviews.models import (
    STAR_FIELDS,
    MerchantRating,
    ProductRating,
    Review,
    ReviewPhoto,
    ReviewReport,
    Tally,
)
from etalage.reviews.rating import (
    MAX_PHOTOS,
    MAX_REPLY,
    MAX_TEXT,
    RatingDelta,
    edit_ends,
    edit_open,
    rating_delta,
    stars_check,
)

User = AbstractBaseUser | AnonymousUser


def _stars(stars: object) -> int:
    try:
        return stars_check(stars)
    except ValueError:
        raise ReviewError({"stars": _("Give one to five stars.")}) from None


def _text(text: str, field: str, limit: int, *, required: bool = False) -> str:
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


def _tallies_move(review: Review, delta: RatingDelta) -> None:
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


def _delivered(line: OrderLine) -> bool:
    return OrderTransition.objects.filter(
        sub_order_id=line.sub_order_id, to_state=states.DELIVERED
    ).exists()


def _changed(review: Review, *events: object) -> None:
    event_record(
        *events,  # type: ignore[arg-type]
        ProductsChanged(product_ids=(review.product_id,)),
    )


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
    text = _text(text, "text", MAX_TEXT)
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
        if not _delivered(line):
            raise ReviewError(
                {"line": _("An item can be reviewed once its parcel is delivered.")}
            )
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
        _tallies_move(review, rating_delta(None, stars))
        _changed(
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
    text = _text(text, "text", MAX_TEXT)
    language = language_check(language)
    with transaction.atomic():
        review = _own(review, buyer)
        days = settings.ETALAGE_REVIEW_EDIT_DAYS
        if not edit_open(review.created_at, now, days):
            ended = date_format(
                timezone.localtime(edit_ends(review.created_at, days)), "DATE_FORMAT"
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
        _tallies_move(review, rating_delta(before, stars))
        _changed(
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
    text = _text(text, "follow_up", MAX_TEXT, required=True)
    language = language_check(language, field="follow_up_language")
    with transaction.atomic():
        review = _own(review, buyer)
        if review.follow_up_at is not None:
            raise ReviewConflict({"follow_up": _("A review has one follow-up only.")})
        review.follow_up, review.follow_up_language = text, language
        review.follow_up_at = now or timezone.now()
        review.save()
        _changed(
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
    text = _text(text, "reply", MAX_REPLY, required=True)
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
        _changed(review, ReviewReplied(review_id=review.pk, merchant_id=merchant.pk))
    return review


def review_report(
    *, review: Review, by: User, reason: str, details: str = ""
) -> ReviewReport:
    """A buyer or a merchant reports a review to the operator, once each."""
    if not by.is_authenticated:
        raise ReviewError({"review": _("Sign in to report a review.")})
    if reason not in ReviewReport.Reason.values:
        raise ReviewError({"reason": _("Choose a reason.")})
    details = _text(details, "details", 500)
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


def review_hide(
    *, review: Review, by: User, reason: str, now: datetime | None = None
) -> Review:
    """The operator hides a review with a reason: it leaves the pages and the
    ratings, its reports are resolved, and its author is told why."""
    if not getattr(by, "is_staff", False):
        raise ReviewError({"review": _("Only the operator may hide a review.")})
    reason = _text(reason, "reason", 500, required=True)
    now = now or timezone.now()
    with transaction.atomic():
        review = (
            Review.objects.select_related("line__sub_order__order__buyer")
            .select_for_update(of=("self",))
            .get(pk=review.pk)
        )
        if review.hidden_at is not None:
            raise ReviewConflict({"review": _("This review is hidden already.")})
        review.hidden_at, review.hidden_reason, review.hidden_by_id = now, reason, by.pk
        review.save()
        review.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
        _tallies_move(review, rating_delta(review.stars, None))
        _changed(
            review,
            ReviewHidden(review_id=review.pk, product_id=review.product_id,
                         reason=reason),
        )  # fmt: skip
        buyer_notify(
            order=review.line.sub_order.order,
            notice=Notice.REVIEW_HIDDEN,
            key=str(review.pk),
            email=("etalage/reviews/email/hidden", {"review": review}),
        )
    return review


def reports_dismiss(*, review: Review, by: User, now: datetime | None = None) -> int:
    """The operator keeps a reported review: its open reports are resolved."""
    if not getattr(by, "is_staff", False):
        raise ReviewError({"review": _("Only the operator may judge reports.")})
    return review.reports.filter(resolved_at__isnull=True).update(
        resolved_at=now or timezone.now()
    )
