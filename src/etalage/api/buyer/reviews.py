"""The buyer's reviews over the API: review a delivered line (a multipart form
with up to six photos, through the catalogue's image pipeline), change it while
the edit window is open, add one follow-up, report someone else's review. Who may
do what is ``reviews.services``'; another buyer's line reads as none."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from etalage.api.access import BuyerSession, signed_in_buyer
from etalage.api.errors import ApiError, ErrorOut
from etalage.api.limits import count_request
from etalage.api.review_schemas import ReviewOut, review_out
from etalage.catalog.images import MAX_UPLOAD_BYTES
from etalage.orders.models import OrderLine
from etalage.reviews.exceptions import ReviewConflict, ReviewError
from etalage.reviews.models import Review, ReviewReport
from etalage.reviews.rating import MAX_PHOTOS
from etalage.reviews.selectors import review_view
from etalage.reviews.services import (
    review_edit,
    review_follow_up,
    review_report,
    review_write,
)

router = Router(auth=BuyerSession(), tags=["buyer reviews"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
          429: ErrorOut}  # fmt: skip
REASONS = ", ".join(ReviewReport.Reason.values)
# The service's fields, as this API names them.
FIELDS = {"follow_up": "text", "follow_up_language": "language"}


class ReviewIn(Schema):
    stars: int = Field(..., description="1 to 5.")
    text: str = Field("", max_length=2000, description="In any language.")
    language: str = Field(
        ..., max_length=16, description="The text's language: zh-hans, fr, de…"
    )
    remove_photos: list[int] = Field(
        [], description="On a change: the photos to take off (their index, from 0)."
    )


class FollowUpIn(Schema):
    text: str = Field(..., max_length=2000)
    language: str = Field(..., max_length=16)


class ReportIn(Schema):
    reason: str = Field(..., max_length=16, description=f"One of: {REASONS}.")
    details: str = Field("", max_length=500)


def _refusal(refused: ReviewError) -> ApiError:
    field, messages = next(iter(refused.message_dict.items()))
    conflict = isinstance(refused, ReviewConflict)
    return ApiError(409 if conflict else 422, "conflict" if conflict else "invalid",
                    messages[0], FIELDS.get(field, field))  # fmt: skip


def _line(request: HttpRequest, line_id: int) -> OrderLine:
    line = OrderLine.objects.filter(
        pk=line_id, sub_order__order__buyer=signed_in_buyer(request)
    ).first()
    if line is None:
        raise ApiError(404, "not_found", _("You bought no item with this number."),
                       "line_id")  # fmt: skip
    return line


def _own_review(request: HttpRequest, line_id: int) -> Review:
    review = Review.objects.filter(line=_line(request, line_id)).first()
    if review is None:
        raise ApiError(404, "not_found", _("You have not reviewed this item."),
                       "line_id")  # fmt: skip
    return review


def _photos(photos: list[UploadedFile] | None) -> list[bytes]:
    """Never more read than the pipeline takes (one too many, one byte too big)."""
    return [p.read(MAX_UPLOAD_BYTES + 1) for p in (photos or [])[: MAX_PHOTOS + 1]]


def _count(request: HttpRequest) -> None:
    count_request(
        subject=f"buyer:{signed_in_buyer(request).pk}:reviews",
        limit=settings.ETALAGE_BUYER_ORDER_WRITES_PER_MINUTE,
        what="reviews or photos sent",
    )


class MyReviewOut(ReviewOut):
    """The author's own review: hidden ones too, with why."""

    hidden: bool = Field(..., description="Hidden by Étalage: others no longer see it.")
    hidden_reason: str = Field(..., description="Why, in the reader's language.")


def _out(request: HttpRequest, review: Review) -> MyReviewOut:
    fresh = Review.objects.select_related("line__sub_order__order").get(pk=review.pk)
    base = review_out(request, review_view(fresh, get_language()))
    return MyReviewOut(**base.dict(), hidden=fresh.is_hidden,
                       hidden_reason=fresh.hidden_why)  # fmt: skip


@router.post("/lines/{line_id}/review", response={201: MyReviewOut, **ERRORS},
             url_name="review_write")  # fmt: skip
def review_write_api(
    request: HttpRequest, line_id: int, payload: Form[ReviewIn],
    photos: File[list[UploadedFile] | None] = None,
) -> Status[MyReviewOut]:  # fmt: skip
    """Review an item of a delivered parcel of yours, once: stars, words in any
    language (say which), up to six photos (JPEG, PNG or WebP, 10 MB each)."""
    _count(request)
    line = _line(request, line_id)
    try:
        review = review_write(
            line=line, buyer=signed_in_buyer(request), stars=payload.stars,
            text=payload.text, language=payload.language, photos=_photos(photos),
        )  # fmt: skip
    except ReviewError as refused:
        raise _refusal(refused) from None
    return Status(201, _out(request, review))


@router.post("/lines/{line_id}/review/change", response={200: MyReviewOut, **ERRORS})
def review_edit_api(
    request: HttpRequest, line_id: int, payload: Form[ReviewIn],
    photos: File[list[UploadedFile] | None] = None,
) -> MyReviewOut:  # fmt: skip
    """Change your review while its edit window is open (30 days by default):
    stars, words, photos added or taken off."""
    _count(request)
    review = _own_review(request, line_id)
    kept = list(review.photos.values_list("pk", flat=True))
    removed = [kept[i] for i in payload.remove_photos if 0 <= i < len(kept)]
    try:
        review = review_edit(
            review=review, buyer=signed_in_buyer(request), stars=payload.stars,
            text=payload.text, language=payload.language, photos=_photos(photos),
            remove_photo_ids=removed,
        )  # fmt: skip
    except ReviewError as refused:
        raise _refusal(refused) from None
    return _out(request, review)


@router.post("/lines/{line_id}/review/follow-up", response={200: MyReviewOut, **ERRORS})
def review_follow_up_api(
    request: HttpRequest, line_id: int, payload: FollowUpIn
) -> MyReviewOut:
    """Add the one follow-up to your review (how the product did after a while)."""
    review = _own_review(request, line_id)
    try:
        review = review_follow_up(
            review=review,
            buyer=signed_in_buyer(request),
            text=payload.text,
            language=payload.language,
        )
    except ReviewError as refused:
        raise _refusal(refused) from None
    return _out(request, review)


@router.get("/lines/{line_id}/review", response={200: MyReviewOut, **ERRORS})
def review_mine_api(request: HttpRequest, line_id: int) -> MyReviewOut:
    """Your review of an item (hidden ones too: `404` when there is none)."""
    return _out(request, _own_review(request, line_id))


@router.post("/reviews/{review_id}/reports", response={201: dict, **ERRORS})
def review_report_api(
    request: HttpRequest, review_id: str, payload: ReportIn
) -> Status[dict[str, Any]]:
    """Report a review that breaks the rules to the operator, once."""
    key = _uuid(review_id)
    review = (
        Review.objects.filter(pk=key, hidden_at__isnull=True).first() if key else None
    )
    if review is None:
        raise ApiError(404, "not_found", _("There is no such review."), "review_id")
    try:
        report = review_report(
            review=review,
            by=signed_in_buyer(request),
            reason=payload.reason,
            details=payload.details,
        )
    except ReviewError as refused:
        raise _refusal(refused) from None
    return Status(201, {"id": str(report.pk), "reason": report.reason})


def _uuid(value: str) -> str | None:
    try:
        return str(UUID(value))
    except ValueError:
        return None
