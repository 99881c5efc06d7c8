"""The buyer's reviews from their order's page: review a delivered line (stars,
words, photos), change it while the edit window is open, then add one follow-up.
Views only: who may do what is ``reviews.services``'."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from etalage.orders.models import Order, OrderLine
from etalage.reviews.exceptions import ReviewError
from etalage.reviews.models import Review
from etalage.reviews.rating import edit_ends, edit_open
from etalage.reviews.selectors import line_reviews
from etalage.reviews.services import review_edit, review_follow_up, review_write
from etalage.web.access import buyer_required
from etalage.web.review_forms import FollowUpForm, ReviewForm, service_errors


@dataclass(frozen=True)
class LineReview:
    """An order line with its review, for the order's page."""

    line: OrderLine
    review: Review | None
    editable: bool


def order_line_reviews(order: Order) -> dict[object, list[LineReview]]:
    """Each parcel's lines with their reviews (one query for the whole order)."""
    now = timezone.now()
    days = settings.ETALAGE_REVIEW_EDIT_DAYS
    lines = [line for sub in order.sub_orders.all() for line in sub.lines.all()]
    reviews = line_reviews(line.pk for line in lines)
    found: dict[object, list[LineReview]] = {}
    for line in lines:
        review = reviews.get(line.pk)
        editable = review is not None and edit_open(review.created_at, now, days)
        found.setdefault(line.sub_order_id, []).append(
            LineReview(line, review, editable)
        )
    return found


def _own_line(request, line_id: int) -> OrderLine:
    line = (
        OrderLine.objects.filter(pk=line_id, sub_order__order__buyer=request.user)
        .select_related("sub_order__order")
        .first()
    )
    if line is None:
        raise Http404
    return line


def _photos(request) -> list[bytes]:
    return [upload.read() for upload in request.FILES.getlist("photos")[:7]]


def _save(request, form: ReviewForm, line: OrderLine, review: Review | None):
    data = form.cleaned_data
    values = {"stars": data["stars"], "text": data["text"],
              "language": data["language"], "photos": _photos(request)}  # fmt: skip
    if review is None:
        return review_write(line=line, buyer=request.user, **values)
    removed = [int(pk) for pk in request.POST.getlist("remove_photo") if pk.isdigit()]
    return review_edit(review=review, buyer=request.user,
                       remove_photo_ids=removed, **values)  # fmt: skip


@buyer_required
def review_line(request, line_id: int):
    """Review a delivered line, or change the review while the window is open."""
    line = _own_line(request, line_id)
    review = Review.objects.filter(line=line).prefetch_related("photos").first()
    days = settings.ETALAGE_REVIEW_EDIT_DAYS
    editable = review is None or edit_open(review.created_at, timezone.now(), days)
    initial = (
        {"stars": review.stars, "text": review.text, "language": review.language}
        if review
        else None
    )
    form = ReviewForm(request.POST or None, request.FILES or None, initial=initial)
    follow = FollowUpForm(None)
    if request.method == "POST" and editable and form.is_valid():
        try:
            _save(request, form, line, review)
        except ReviewError as error:
            service_errors(form, error)
        else:
            messages.success(request, _("Thank you: your review is published."))
            return redirect("web:order", number=line.sub_order.order.number)
    return render(
        request,
        "etalage/account/review_form.html",
        {
            "line": line, "order": line.sub_order.order, "review": review,
            "form": form, "follow": follow, "editable": editable,
            "edit_until": edit_ends(review.created_at, days) if review else None,
        },
    )  # fmt: skip


@buyer_required
def review_follow_up_view(request, line_id: int):
    """Add the one follow-up to a review whose edit window closed (or not)."""
    line = _own_line(request, line_id)
    review = Review.objects.filter(line=line).first()
    if review is None:
        raise Http404
    follow = FollowUpForm(request.POST or None)
    if request.method == "POST" and follow.is_valid():
        try:
            review_follow_up(
                review=review, buyer=request.user,
                text=follow.cleaned_data["follow_up"],
                language=follow.cleaned_data["follow_up_language"],
            )  # fmt: skip
        except ReviewError as error:
            service_errors(follow, error)
        else:
            messages.success(request, _("Your follow-up is published."))
            return redirect("web:order", number=line.sub_order.order.number)
    return render(
        request,
        "etalage/account/review_form.html",
        {"line": line, "order": line.sub_order.order, "review": review,
         "form": None, "follow": follow, "editable": False, "edit_until": None},
    )  # fmt: skip
