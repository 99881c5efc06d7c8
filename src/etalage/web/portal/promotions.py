"""A shop's own promotions in the portal (owner and catalogue roles): what runs,
what each spent and how often it was used; create one (paid for by the shop) or
end one now. Windows are typed and shown in Beijing time."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from etalage.merchants.permissions import CATALOGUE_ROLES
from etalage.promotions.models import Promotion
from etalage.promotions.selectors import merchant_promotions, offer_of
from etalage.promotions.services import (
    PromotionRefused,
    PromotionTerms,
    promotion_create,
    promotion_end,
)
from etalage.promotions.texts import offer_label
from etalage.web.access import merchant_member
from etalage.web.forms import add_service_errors, posted_or_404

BEIJING = ZoneInfo("Asia/Shanghai")


class PromotionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Promotion.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    amount_off = forms.DecimalField(
        label=_("Amount off (CNY)"), min_value=0, decimal_places=2, required=False
    )
    percent_off = forms.DecimalField(
        label=_("Percent off"), min_value=0, max_value=99, decimal_places=2,
        required=False,
    )  # fmt: skip
    cap = forms.DecimalField(
        label=_("At most (CNY)"), min_value=0, decimal_places=2, required=False
    )
    threshold = forms.DecimalField(
        label=_("Minimum spend, step or threshold (CNY)"), min_value=0,
        decimal_places=2, required=False,
    )  # fmt: skip
    code = forms.CharField(label=_("Code (coupons)"), max_length=32, required=False)
    claimable = forms.BooleanField(
        label=_("Buyers claim it on the product page"), required=False
    )
    starts_at = forms.DateTimeField(label=_("Starts (Beijing time)"))
    ends_at = forms.DateTimeField(label=_("Ends (Beijing time)"))
    budget = forms.DecimalField(label=_("Budget (CNY)"), min_value=0, decimal_places=2)
    total_limit = forms.IntegerField(
        label=_("Uses in all"), min_value=1, required=False
    )
    per_buyer_limit = forms.IntegerField(
        label=_("Uses per buyer"), min_value=1, initial=1
    )

    def terms(self) -> PromotionTerms:
        data = self.cleaned_data
        zero = Decimal("0.00")
        return PromotionTerms(
            kind=data["kind"],
            name=data["name"],
            starts_at=_beijing(data["starts_at"]),
            ends_at=_beijing(data["ends_at"]),
            budget=data["budget"],
            amount_off=data["amount_off"] or zero,
            percent_off=data["percent_off"] or zero,
            cap=data["cap"],
            threshold=data["threshold"] or zero,
            code=data["code"] or "",
            claimable=data["claimable"],
            total_limit=data["total_limit"],
            per_buyer_limit=data["per_buyer_limit"] or 1,
        )


def _beijing(moment):
    """A time typed in the portal is Beijing time, whatever the server's zone."""
    return timezone.make_naive(moment).replace(tzinfo=BEIJING)


@merchant_member(CATALOGUE_ROLES)
def promotion_list(request: HttpRequest) -> HttpResponse:
    merchant = request.membership.merchant  # type: ignore[attr-defined]
    form = PromotionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            promotion_create(terms=form.terms(), merchant=merchant, by=request.user)
        except PromotionRefused as refused:
            add_service_errors(form, refused)
        else:
            messages.success(request, _("The promotion is saved."))
            return redirect("web:portal-promotions")
    language = get_language()
    promotions = merchant_promotions(merchant_id=merchant.pk).prefetch_related(
        "products"
    )
    return render(
        request,
        "etalage/portal/promotions.html",
        {
            "merchant": merchant,
            "form": form,
            "promotions": [
                {"promotion": p, "label": offer_label(offer_of(p), language)}
                for p in promotions
            ],
            "now": timezone.now(),
        },
    )


@merchant_member(CATALOGUE_ROLES)
def promotion_end_view(request: HttpRequest, key) -> HttpResponse:
    """End one of the shop's promotions (another shop's is not found)."""
    merchant = request.membership.merchant  # type: ignore[attr-defined]
    promotion = posted_or_404(merchant_promotions(merchant_id=merchant.pk), str(key))
    if request.method != "POST":
        return redirect("web:portal-promotions")
    promotion_end(promotion=promotion)
    messages.success(request, _("The promotion has ended."))
    return redirect("web:portal-promotions")
