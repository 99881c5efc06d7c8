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
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from etalage.logistics.selectors import line_name
from etalage.orders import states
from etalage.orders.models import Order, OrderLine
from etalage.reviews.exceptions import ReviewError
from etalage.reviews.models import Review
from etalage.reviews.rating import beijing_day, edit_ends, edit_open
from etalage.reviews.selectors import line_reviews
from etalage.reviews.services import (
    review_edit,
    review_follow_up,
    review_refusal,
    review_write,
)
from etalage.web.access import buyer_required
from etalage.web.review_forms import FollowUpForm, ReviewForm, service_errors


@dataclass(frozen=True)
class LineReview:
    """An order line with its review, for the order's page: named in the
    reader's language, and why it cannot be reviewed ('' when it can)."""

    line: OrderLine
    name: str
    review: Review | None
    editable: bool
    refusal: str = ""


def order_line_reviews(order: Order) -> dict[object, list[LineReview]]:
    """Each parcel's lines with their reviews (one query for the whole order; the
    parcels' transitions and the lines' products come prefetched)."""
    now = timezone.now()
    days = settings.ETALAGE_REVIEW_EDIT_DAYS
    language = get_language()
    reviews = line_reviews(
        line.pk for sub in order.sub_orders.all() for line in sub.lines.all()
    )
    found: dict[object, list[LineReview]] = {}
    for sub in order.sub_orders.all():
        delivered = any(t.to_state == states.DELIVERED for t in sub.transitions.all())
        for line in sub.lines.all():
            review = reviews.get(line.pk)
            editable = review is not None and edit_open(review.created_at, now, days)
            refusal = "" if review else review_refusal(line, delivered=delivered)
            found.setdefault(sub.pk, []).append(
                LineReview(line, line_name(line, language), review, editable, refusal)
            )
    return found


def _own_line(request, line_id: int) -> OrderLine:
    line = (
        OrderLine.objects.filter(pk=line_id, sub_order__order__buyer=request.user)
        .select_related("sub_order__order", "variant__product")
        .prefetch_related("variant__product__translations")
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
    """Review a delivered line, or change the review while the window is open;
    a line that cannot be reviewed says why at once, without a form."""
    line = _own_line(request, line_id)
    review = Review.objects.filter(line=line).prefetch_related("photos").first()
    days = settings.ETALAGE_REVIEW_EDIT_DAYS
    refusal = "" if review else review_refusal(line)
    if refusal:
        return _page(request, line, review=None, form=None, refusal=refusal)
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
            messages.success(
                request,
                _("Thank you: your review has been updated.")
                if review
                else _("Thank you: your review is published."),
            )
            return redirect("web:order", number=line.sub_order.order.number)
    until = beijing_day(edit_ends(review.created_at, days)) if review else None
    return _page(request, line, review=review, form=form, follow=follow,
                 editable=editable, edit_until=until)  # fmt: skip


def _page(request, line: OrderLine, **context):
    """The review page of ``line``, named in the reader's language."""
    return render(
        request,
        "etalage/account/review_form.html",
        {"line": line, "name": line_name(line, get_language()),
         "order": line.sub_order.order, "follow": None, "editable": False,
         "edit_until": None, "refusal": "", **context},
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
    return _page(request, line, review=review, form=None, follow=follow)
