"""A product's reviews for anyone (no sign-in): the rating with its distribution
and a page of shown reviews, in the reader's language first, each as written."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from etalage.api.errors import ApiError, ErrorOut, not_found
from etalage.api.review_schemas import RatingOut, ReviewOut, rating_out, review_out
from etalage.catalog import selectors as catalog
from etalage.catalog.models import Product
from etalage.core.languages import LANGUAGE_CODES
from etalage.reviews.selectors import product_reviews, product_summary

router = Router(tags=["catalogue"])


class ReviewsQuery(Schema):
    lang: str | None = Field(None, description="The reader's language (its reviews "
                             "come first): zh-hans, fr, nl or en; default: the "
                             "request's (Accept-Language).")  # fmt: skip
    page: int = Field(1, ge=1, le=100_000)


class ProductReviewsOut(Schema):
    rating: RatingOut
    sold_this_month: int = Field(
        ..., description="Units in paid parcels placed in the last 30 days."
    )
    page: int
    pages: int
    items: list[ReviewOut]


@router.get(
    "/products/{slug}/reviews",
    response={200: ProductReviewsOut, 404: ErrorOut, 422: ErrorOut},
)
def product_reviews_api(
    request: HttpRequest, slug: str, query: Query[ReviewsQuery]
) -> ProductReviewsOut:
    """A product's rating, its units sold this month and a page of its reviews
    (ten a page)."""
    try:
        product = catalog.storefront_product(slug=slug)
    except Product.DoesNotExist:
        raise not_found("product", "slug") from None
    reader = (query.lang or get_language()).lower()
    if reader not in LANGUAGE_CODES:
        codes = ", ".join(LANGUAGE_CODES)
        raise ApiError(422, "invalid", f"lang must be one of {codes}", "lang")
    rating, sold = product_summary(product.pk)
    page = product_reviews(product_id=product.pk, reader=reader, page=query.page,
                           total=rating.count)  # fmt: skip
    return ProductReviewsOut(
        rating=rating_out(rating), sold_this_month=sold, page=page.number,
        pages=page.pages, items=[review_out(request, r) for r in page.reviews],
    )  # fmt: skip
