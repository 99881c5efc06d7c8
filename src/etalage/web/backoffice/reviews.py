"""The operator's moderation queue: the reviews reported by buyers and merchants,
the longest waiting first, each with its open reports (reason, details, who) and a
form to hide it or its reply (a reason from the list and the operator's words),
or keep it. Views only: the decisions and who may take them are
``reviews.moderation``'s."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from etalage.reviews import moderation
from etalage.reviews.exceptions import ReviewError
from etalage.reviews.models import Review
from etalage.reviews.selectors import moderation_queue
from etalage.web.access import operator_required
from etalage.web.review_forms import ModerationForm, service_errors

PER_PAGE = 50

Decide = Callable[..., Any]
_DECISIONS: dict[str, tuple[Decide, bool]] = {
    # decision: (service, whether it takes a reason's code)
    ModerationForm.Decision.HIDE: (moderation.review_hide, True),
    ModerationForm.Decision.HIDE_REPLY: (moderation.reply_hide, True),
    ModerationForm.Decision.KEEP: (moderation.reports_dismiss, False),
    ModerationForm.Decision.SHOW: (moderation.review_show, False),
    ModerationForm.Decision.SHOW_REPLY: (moderation.reply_show, False),
}
_DONE = {
    ModerationForm.Decision.HIDE: gettext_lazy(
        "Review hidden; its author is told by email."
    ),
    ModerationForm.Decision.HIDE_REPLY: gettext_lazy(
        "Reply hidden; the shop is told by email."
    ),
    ModerationForm.Decision.KEEP: gettext_lazy("Review kept; its reports are closed."),
    ModerationForm.Decision.SHOW: gettext_lazy(
        "Review shown again; its author is told by email."
    ),
    ModerationForm.Decision.SHOW_REPLY: gettext_lazy(
        "Reply shown again; the shop is told by email."
    ),
}


def _may_moderate(request: HttpRequest) -> None:
    if not request.user.has_perm("reviews.change_review"):
        raise PermissionDenied("reviews' moderators only")


@operator_required
def review_queue(
    request: HttpRequest, forms: dict[Any, ModerationForm] | None = None
) -> HttpResponse:
    """The reported reviews not judged yet, the longest waiting first."""
    _may_moderate(request)
    total, queued = moderation_queue(limit=PER_PAGE)
    forms = forms or {}
    rows = [
        (item, forms.get(item.review.pk) or ModerationForm(prefix=str(item.review.pk)))
        for item in queued
    ]
    return render(
        request,
        "admin/reviews/queue.html",
        {
            **admin.site.each_context(request),
            "title": _("Reported reviews to judge"),
            "total": total,
            "rows": rows,
        },
    )


@operator_required
@require_POST
def review_decide(request: HttpRequest, pk: Any) -> HttpResponse:
    """One decision on one review, then back to the queue (or to the review)."""
    _may_moderate(request)
    review = Review.objects.filter(pk=pk).first()
    if review is None:
        raise Http404("no such review")
    form = ModerationForm(request.POST, prefix=str(review.pk))
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        service, coded = _DECISIONS[decision]
        extra = {"code": form.cleaned_data["code"]} if coded else {}
        try:
            service(review=review, by=request.user,
                    reason=form.cleaned_data["reason"], **extra)  # fmt: skip
        except ReviewError as error:
            service_errors(form, error)
        else:
            messages.success(request, _DONE[decision])
            return redirect("review-queue")
    return review_queue(request, forms={review.pk: form})
