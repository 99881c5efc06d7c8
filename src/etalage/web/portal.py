"""The merchant portal: a merchant's own listings and what needs its attention."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import render

from etalage.catalog.models import Product
from etalage.merchants.models import MerchantMember


def _membership(request) -> MerchantMember:
    membership = (
        MerchantMember.objects.select_related("merchant")
        .filter(user=request.user)
        .order_by("created_at")
        .first()
    )
    if membership is None:
        raise PermissionDenied("this account does not belong to a merchant")
    return membership


@login_required
def dashboard(request):
    membership = _membership(request)
    merchant = membership.merchant
    counts = dict(
        Product.objects.filter(merchant=merchant)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    statuses = [
        {"status": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Product.Status.choices
    ]
    rejected = list(
        Product.objects.filter(merchant=merchant, status=Product.Status.REJECTED)
        .prefetch_related("translations")
        .order_by("-reviewed_at")[:50]
    )
    missing_chinese = list(
        Product.objects.filter(merchant=merchant)
        .exclude(translations__language="zh-hans")
        .prefetch_related("translations")
        .order_by("slug")[:50]
    )
    return render(
        request,
        "etalage/portal/dashboard.html",
        {
            "merchant": merchant,
            "membership": membership,
            "statuses": statuses,
            "rejected": rejected,
            "missing_chinese": missing_chinese,
        },
    )
