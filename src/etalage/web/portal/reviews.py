"""The merchant portal's reviews: the reviews of the shop's own products, newest
first, each answered once, publicly; a review the shop finds abusive is reported
to the operator (who decides)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from etalage.merchants.permissions import CATALOGUE_ROLES
from etalage.reviews.exceptions import ReviewError
from etalage.reviews.models import Review
from etalage.reviews.selectors import merchant_rating, merchant_reviews, review_view
from etalage.reviews.services import review_reply
from etalage.web.access import merchant_member
from etalage.web.presenters import product_name
from etalage.web.review_forms import ReplyForm, service_errors
from etalage.web.storefront.reviews import rating_context


def _rows(reviews, language: str, forms: dict | None = None) -> list[dict]:
    forms = forms or {}
    return [
        {"review": review, "view": review_view(review, language),
         "product_name": product_name(review.product, language),
         "form": forms.get(review.pk) or ReplyForm(prefix=str(review.pk))}
        for review in reviews
    ]  # fmt: skip


@merchant_member()
def review_list(request, forms: dict | None = None):
    merchant = request.membership.merchant
    unanswered = request.GET.get("show") == "unanswered"
    reviews = merchant_reviews(merchant=merchant, unanswered=unanswered)
    return render(
        request,
        "etalage/portal/reviews.html",
        {"merchant": merchant, "rows": _rows(reviews, get_language(), forms),
         "rating": rating_context(merchant_rating(merchant)),
         "unanswered": unanswered,
         "may_reply": request.membership.role in CATALOGUE_ROLES},
    )  # fmt: skip


@merchant_member(CATALOGUE_ROLES)
def review_reply_view(request, pk):
    merchant = request.membership.merchant
    review = Review.objects.filter(pk=pk, merchant=merchant).first()
    if review is None or request.method != "POST":
        raise Http404
    form = ReplyForm(request.POST, prefix=str(review.pk))
    if form.is_valid():
        try:
            review_reply(
                review=review, merchant=merchant, by=request.user,
                text=form.cleaned_data["reply"],
                language=form.cleaned_data["reply_language"],
            )  # fmt: skip
        except ReviewError as error:
            service_errors(form, error)
        else:
            messages.success(request, _("Your reply is published."))
            return redirect("web:portal-reviews")
    return review_list(request, forms={review.pk: form})
