"""What pages and the API read of reviews: ratings, a product's reviews in the
reader's language first, the figures a product card shows (stars and "sold N this
month") for a whole page of cards in one query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import (
    Case,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from etalage.catalog.models import Product
from etalage.core.prepared import PreparedRead
from etalage.merchants.models import Merchant, MerchantMember
from etalage.orders import states
from etalage.orders.models import OrderLine, SubOrder
from etalage.reviews.languages import language_name
from etalage.reviews.models import (
    STAR_FIELDS,
    MerchantRating,
    ModerationDecision,
    ProductRating,
    Review,
    ReviewReport,
)
from etalage.reviews.rating import Rating, beijing_day

# "Sold this month": units of lines in parcels paid and not undone (cancelled,
# refused by customs, refunded in full), placed in the last 30 days, less what came
# back. Paid rather than delivered: a parcel takes one to three weeks to arrive, so
# delivered lines would tell last month's sales.
SOLD_STATES = (
    states.PAID,
    states.CUSTOMS_DECLARED,
    states.RELEASED,
    states.SHIPPED,
    states.DELIVERED,
    states.COMPLETED,
    states.REFUNDED_PART,
)
SOLD_DAYS = 30
REVIEWS_PER_PAGE = 10


@dataclass(frozen=True)
class CardStats:
    """What a product card says of others' opinion and of sales."""

    average: Decimal | None
    count: int
    sold_month: int


NO_STATS = CardStats(None, 0, 0)


def sold_since(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=SOLD_DAYS)


def _sold_subquery(since: datetime) -> Subquery:
    units = (
        OrderLine.objects.filter(
            variant__product_id=OuterRef("pk"),
            sub_order__state__in=SOLD_STATES,
            sub_order__created_at__gte=since,
        )
        .order_by()
        .values("variant__product_id")
        .annotate(n=Sum(F("quantity") - F("returned")))
        .values("n")
    )
    return Subquery(units, output_field=IntegerField())


def card_stats(
    product_ids: Iterable[Any], *, now: datetime | None = None
) -> dict[Any, CardStats]:
    """Each product's rating and units sold in the last ``SOLD_DAYS`` days, in one
    query for a page of cards (products without either are left out)."""
    ids = list(product_ids)
    if not ids:
        return {}
    rows = (
        Product.objects.filter(pk__in=ids)
        .order_by()
        .annotate(sold=Coalesce(_sold_subquery(sold_since(now)), Value(0)))
        .values_list("pk", "rating__average", "rating__count", "sold")
    )
    return {
        pk: CardStats(average, count or 0, max(sold, 0))
        for pk, average, count, sold in rows
        if count or sold
    }


# The same SQL for every product page: compiled once (``core.prepared``), run
# with the product's key and the start of the sales counted.
_PRODUCT_SUMMARY = PreparedRead(
    lambda product_id, since: (
        Product.objects.filter(pk=product_id)
        .order_by("pk")
        .annotate(sold=Coalesce(_sold_subquery(since), Value(0)))
        .values_list(*(f"rating__{name}" for name in STAR_FIELDS), "sold")[:1]
    ),
    Product._meta.pk,
    SubOrder._meta.get_field("created_at"),
)


def product_summary(
    product_id: Any, *, now: datetime | None = None
) -> tuple[Rating, int]:
    """The product's rating and units sold in the last ``SOLD_DAYS`` days, in one
    query (the product page's)."""
    rows = _PRODUCT_SUMMARY(product_id, sold_since(now))
    if not rows:
        return Rating(), 0
    row = rows[0]
    one, two, three, four, five, sold = (value or 0 for value in row)
    return Rating((one, two, three, four, five)), max(sold, 0)


def product_rating(product_id: Any) -> Rating:
    row = ProductRating.objects.filter(pk=product_id).first()
    return row.as_rating() if row else Rating()


def merchant_rating(merchant: Merchant) -> Rating:
    row = MerchantRating.objects.filter(pk=merchant.pk).first()
    return row.as_rating() if row else Rating()


@dataclass(frozen=True)
class PhotoView:
    thumbnail: str
    image: str


@dataclass(frozen=True)
class ReviewView:
    """A shown review, its texts as written, their languages named for the reader."""

    id: str
    stars: int
    author: str
    text: str
    language: str
    language_name: str
    in_reader_language: bool
    written_at: datetime
    edited_at: datetime | None
    follow_up: str
    follow_up_language_name: str
    follow_up_at: datetime | None
    reply: str
    reply_language_name: str
    replied_at: datetime | None
    photos: tuple[PhotoView, ...]
    verified_purchase: bool = True
    follow_up_language: str = ""

    # The days the pages show, in Beijing time like the order's (``beijing_day``).
    @property
    def written_on(self) -> date:
        return beijing_day(self.written_at)

    @property
    def follow_up_on(self) -> date | None:
        return beijing_day(self.follow_up_at) if self.follow_up_at else None

    @property
    def replied_on(self) -> date | None:
        return beijing_day(self.replied_at) if self.replied_at else None


def _author(review: Review) -> str:
    """The buyer as others see them: the first character of the recipient's name."""
    name = (review.line.sub_order.order.recipient or "").strip()
    return f"{name[:1]}**" if name else "**"


def in_language(code: str, reader: str) -> bool:
    """Whether a text written in ``code`` is in the reader's language (``en-gb``
    is in ``en``)."""
    return code == reader or code.startswith(f"{reader}-")


def _in_language_q(reader: str) -> Q:
    return Q(language=reader) | Q(language__startswith=f"{reader}-")


def review_view(review: Review, reader: str) -> ReviewView:
    return ReviewView(
        id=str(review.pk),
        stars=review.stars,
        author=_author(review),
        text=review.text,
        language=review.language,
        language_name=language_name(review.language, reader),
        in_reader_language=in_language(review.language, reader),
        written_at=review.created_at,
        edited_at=review.edited_at,
        follow_up=review.follow_up,
        follow_up_language_name=language_name(review.follow_up_language, reader)
        if review.follow_up
        else "",
        follow_up_at=review.follow_up_at,
        follow_up_language=review.follow_up_language if review.follow_up else "",
        reply=review.shown_reply,
        reply_language_name=language_name(review.reply_language, reader)
        if review.shown_reply
        else "",
        replied_at=review.replied_at,
        photos=tuple(
            PhotoView(p.thumbnail.url, p.image.url) for p in review.photos.all()
        ),
    )


def _shown_reviews() -> QuerySet[Review]:
    return (
        Review.objects.filter(hidden_at__isnull=True)
        .select_related("line__sub_order__order")
        .only(
            "id",
            "stars",
            "text",
            "language",
            "created_at",
            "edited_at",
            "follow_up",
            "follow_up_language",
            "follow_up_at",
            "reply",
            "reply_language",
            "replied_at",
            "reply_hidden_at",
            "line__sub_order__order__recipient",
        )  # fmt: skip
        .prefetch_related("photos")
    )


@dataclass(frozen=True)
class ReviewsPage:
    reviews: list[ReviewView]
    number: int
    pages: int
    total: int

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def product_reviews(
    *, product_id: Any, reader: str, page: int = 1, total: int | None = None,
    per_page: int = REVIEWS_PER_PAGE,
) -> ReviewsPage:  # fmt: skip
    """A page of the product's shown reviews: those in the reader's language
    first, newest first within each. ``total`` (the rating's count) saves the
    count query."""
    if total is None:
        total = Review.objects.filter(
            product_id=product_id, hidden_at__isnull=True
        ).count()
    if not total:
        return ReviewsPage([], 1, 1, 0)
    pages = max(1, -(-total // per_page))
    number = min(max(1, page), pages)
    start = (number - 1) * per_page
    rows = (
        _shown_reviews()
        .filter(product_id=product_id)
        .annotate(
            theirs=Case(
                When(_in_language_q(reader), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("theirs", "-created_at", "-id")[start : start + per_page]
    )
    return ReviewsPage([review_view(r, reader) for r in rows], number, pages, total)


def merchant_reviews(
    *, merchant: Merchant, unanswered: bool = False, limit: int = 200
) -> QuerySet[Review]:
    """The reviews of the merchant's products, newest first, hidden ones too
    (marked), with what the portal and the API show."""
    rows = Review.objects.filter(merchant=merchant)
    if unanswered:
        rows = rows.filter(replied_at__isnull=True, hidden_at__isnull=True)
    return (
        rows.select_related("product", "line__sub_order__order")
        .prefetch_related("photos", "product__translations")
        .order_by("-created_at", "-id")[:limit]
    )


def line_reviews(line_ids: Iterable[int]) -> dict[int, Review]:
    """The reviews of these order lines (an order page's), by line."""
    return {
        r.line_id: r
        for r in Review.objects.filter(line_id__in=list(line_ids)).prefetch_related(
            "photos"
        )
    }


def review_of_buyer(*, review_id: UUID | str, buyer: Any) -> Review | None:
    return (
        Review.objects.filter(pk=review_id, buyer_id=buyer.pk)
        .select_related("line__sub_order__order", "product")
        .prefetch_related("photos")
        .first()
    )


@dataclass(frozen=True)
class QueuedReport:
    reason: str
    details: str
    by: str
    by_shop: str  # the reporter's shop's name, '' for a buyer
    at: datetime


@dataclass(frozen=True)
class QueuedReview:
    """A reported review as the operator judges it: the review, its reply and its
    open reports, oldest first."""

    review: Review
    product_name: str
    reports: tuple[QueuedReport, ...]
    waiting_since: datetime


def moderation_queue(*, limit: int = 50) -> tuple[int, list[QueuedReview]]:
    """The reviews with reports not yet judged, the longest waiting first, and how
    many there are (three queries, whatever the page's size)."""
    open_reports = Q(reports__resolved_at__isnull=True)
    waiting = Review.objects.filter(open_reports).distinct()
    total = waiting.count()
    rows = (
        Review.objects.filter(open_reports)
        .annotate(since=Min("reports__created_at", filter=open_reports))
        .select_related("line")
        .order_by("since", "id")[:limit]
    )
    reviews = list(rows)
    reports = (
        ReviewReport.objects.filter(
            review__in=[r.pk for r in reviews], resolved_at__isnull=True
        )
        .select_related("by")
        .annotate(
            shop=Subquery(
                MerchantMember.objects.filter(user_id=OuterRef("by_id"))
                .order_by("pk")
                .values("merchant__name")[:1]
            )
        )
        .order_by("created_at", "id")
    )
    by_review: dict[Any, list[QueuedReport]] = {}
    for report in reports:
        by_review.setdefault(report.review_id, []).append(
            QueuedReport(
                reason=report.get_reason_display(),
                details=report.details,
                by=report.by.get_username(),
                by_shop=report.shop or "",
                at=report.created_at,
            )  # fmt: skip
        )
    return total, [
        QueuedReview(
            review=r,
            product_name=r.line.name_merchant,
            reports=tuple(by_review.get(r.pk, ())),
            waiting_since=r.since,
        )  # fmt: skip
        for r in reviews
    ]


def moderation_history(review: Review) -> QuerySet[ModerationDecision]:
    """Every decision on the review, the first first."""
    return review.decisions.select_related("by").order_by("created_at", "id")


def reports_waiting_count() -> int:
    """How many reviews have reports not judged yet (the back-office's first page)."""
    return Review.objects.filter(reports__resolved_at__isnull=True).distinct().count()
