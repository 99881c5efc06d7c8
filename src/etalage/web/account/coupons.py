"""*My coupons*: the coupons the buyer claimed and can still use."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from etalage.promotions.selectors import claimed_coupons, offer_of
from etalage.promotions.texts import offer_label
from etalage.web.access import buyer_required


@buyer_required
def coupons(request: HttpRequest) -> HttpResponse:
    language = get_language()
    found = claimed_coupons(buyer_id=request.user.pk, now=timezone.now())
    return render(
        request,
        "etalage/account/coupons.html",
        {
            "coupons": [
                {
                    "key": str(p.pk),
                    "label": offer_label(offer_of(p), language),
                    "shop": p.merchant.name if p.merchant_id else "",
                    "ends_at": p.ends_at,
                }
                for p in found
            ]
        },
    )
