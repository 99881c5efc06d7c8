"""Reviews on the storefront: a product's rating and its reviews (the reader's
language first, each text as written with its language named), page by page; a
signed-in buyer or merchant reports one to the operator."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from etalage.catalog import selectors as catalog
from etalage.catalog.models import Product
from etalage.merchants.models import Merchant
from etalage.reviews.exceptions import ReviewError
from etalage.reviews.models import Review
from etalage.reviews.rating import STARS, Rating
from etalage.reviews.selectors import (
    merchant_rating,
    product_reviews,
    product_summary,
)
from etalage.reviews.services import review_report
from etalage.web.fragments import cached_fragment
from etalage.web.review_forms import ReportForm, service_errors


def _page_number(request) -> int:
    asked = request.GET.get("reviews", "")
    return int(asked) if asked.isdigit() and 0 < int(asked) < 100_000 else 1


def rating_context(rating: Rating) -> dict:
    """A rating as the templates show it: average, count, bars 5 to 1."""
    return {
        "average": rating.average,
        "rounded": int(rating.average + Decimal("0.5")) if rating.average else 0,
        "count": rating.count,
        "bars": [(stars, rating.share(stars), rating.distribution[stars - 1])
                 for stars in reversed(STARS)],
    }  # fmt: skip


def reviews_section(request, product_id, slug: str) -> str:
    """The product page's units sold this month, its rating and one page of
    reviews, kept in the shared cache per language and page of reviews under the
    product's scope (``web.fragments``: a review written, edited, hidden or
    answered is a change of its product); the units sold, which move with every
    order, are at most the fragments' lifetime old, as the stock is. It reads
    no person."""
    language = get_language()
    number = _page_number(request)

    def rendered() -> dict:
        rating, sold = product_summary(product_id)
        page = product_reviews(
            product_id=product_id, reader=language, page=number, total=rating.count,
        )  # fmt: skip
        html = render_to_string(
            "etalage/reviews/_section.html",
            {"product_slug": slug, "rating": rating_context(rating), "page": page,
             "sold_month": sold},
        )  # fmt: skip
        return {"html": html}

    return cached_fragment(
        request,
        key=f"reviews:{slug}:{language}:{number}",
        scopes=[f"product:{slug}"],
        render=rendered,
    )["html"]


def product_reviews_view(request, slug: str):
    """One page of a product's reviews (htmx swaps the section; without it, a
    page of its own)."""
    try:
        product = catalog.storefront_product(slug=slug)
    except Product.DoesNotExist:
        raise Http404("no such product") from None
    html = reviews_section(request, product.pk, product.slug)
    if request.headers.get("HX-Request"):
        return HttpResponse(html)
    return render(
        request,
        "etalage/reviews/product_reviews.html",
        {"product": product, "section": html},
    )


def merchant_rating_context(merchant: Merchant) -> dict:
    return rating_context(merchant_rating(merchant))


@login_required
def review_report_view(request, review_id):
    review = (
        Review.objects.filter(pk=review_id, hidden_at__isnull=True)
        .select_related("product")
        .first()
    )
    if review is None:
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_report(review=review, by=request.user, **form.cleaned_data)
        except ReviewError as error:
            service_errors(form, error)
        else:
            messages.success(
                request, _("Thank you: Étalage will read this review again.")
            )
            return redirect("web:product", slug=review.product.slug)
    return render(
        request,
        "etalage/reviews/report.html",
        {"review": review, "form": form},
    )
