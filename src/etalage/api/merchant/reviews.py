"""The merchant's reviews over the API: the reviews of its own products (hidden
ones marked), and its one public reply to each. Another shop's review reads as
none; who may reply is ``reviews.services``'."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from etalage.api.access import MerchantKey, merchant_key
from etalage.api.errors import ApiError, ErrorOut
from etalage.api.review_schemas import RatingOut, ReviewOut, rating_out, review_out
from etalage.merchants.models import ApiKey
from etalage.reviews.exceptions import ReviewConflict, ReviewError
from etalage.reviews.models import Review
from etalage.reviews.selectors import merchant_rating, merchant_reviews, review_view
from etalage.reviews.services import review_reply

router = Router(auth=MerchantKey(), tags=["merchant reviews"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
          429: ErrorOut}  # fmt: skip


class MerchantReviewOut(ReviewOut):
    product: str = Field(..., description="The product's slug.")
    sku: str
    hidden: bool = Field(..., description="Hidden by the operator (not shown).")
    hidden_reason: str = Field(..., description="Why, in the reader's language.")
    reply_hidden: bool = Field(
        ..., description="The shop's reply hidden by the operator (``reply`` is "
        "the shop's own text; readers do not see it)."
    )  # fmt: skip
    reply_hidden_reason: str


class MerchantReviewsOut(Schema):
    rating: RatingOut
    items: list[MerchantReviewOut]


class ReviewsFilter(Schema):
    unanswered: bool = Field(False, description="Only those not answered yet.")
    limit: int = Field(50, ge=1, le=200)


class ReplyIn(Schema):
    text: str = Field(..., max_length=1000)
    language: str = Field(..., max_length=16, description="zh-hans, fr, nl, en…")


def _out(request: HttpRequest, review: Review) -> MerchantReviewOut:
    base = review_out(request, review_view(review, get_language()))
    return MerchantReviewOut(
        **{**base.dict(), "reply": review.reply}, product=review.product.slug,
        sku=review.line.sku, hidden=review.is_hidden,
        hidden_reason=review.hidden_why, reply_hidden=review.reply_is_hidden,
        reply_hidden_reason=review.reply_hidden_why,
    )  # fmt: skip


@router.get("/reviews", response={200: MerchantReviewsOut, **ERRORS})
def merchant_reviews_api(
    request: HttpRequest, filters: Query[ReviewsFilter]
) -> MerchantReviewsOut:
    """The reviews of your products, newest first, and your shop's rating."""
    key = merchant_key(request, ApiKey.Scope.CATALOG_READ)
    rows = merchant_reviews(merchant=key.merchant, unanswered=filters.unanswered,
                            limit=filters.limit)  # fmt: skip
    return MerchantReviewsOut(
        rating=rating_out(merchant_rating(key.merchant)),
        items=[_out(request, review) for review in rows],
    )


@router.post("/reviews/{review_id}/reply", response={200: MerchantReviewOut, **ERRORS})
def merchant_review_reply_api(
    request: HttpRequest, review_id: str, payload: ReplyIn
) -> MerchantReviewOut:
    """Answer a review of one of your products, once, publicly."""
    key = merchant_key(request, ApiKey.Scope.CATALOG_WRITE)
    try:
        pk: UUID | None = UUID(review_id)
    except ValueError:
        pk = None
    mine = Review.objects.filter(merchant_id=key.merchant_id)
    review = mine.filter(pk=pk).first() if pk else None
    if review is None:
        raise ApiError(404, "not_found", _("Your shop has no such review."),
                       "review_id")  # fmt: skip
    try:
        review_reply(review=review, merchant=key.merchant, text=payload.text,
                     language=payload.language, by=key.created_by)  # fmt: skip
    except ReviewError as refused:
        field, messages = next(iter(refused.message_dict.items()))
        status = 409 if isinstance(refused, ReviewConflict) else 422
        code = "conflict" if status == 409 else "invalid"
        field = {"reply": "text"}.get(field, field)
        raise ApiError(status, code, messages[0], field) from None
    fresh = (
        Review.objects.select_related("product", "line__sub_order__order")
        .prefetch_related("photos")
        .get(pk=review.pk)
    )
    return _out(request, fresh)
