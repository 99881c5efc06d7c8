"""Promotions in the back-office: the operator runs the platform's (paid for by
the platform, across the pavilion) and sees every shop's; budgets, spending and
uses are the services' to change, never typed."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from etalage.promotions.models import Promotion, Redemption, SalePrice
from etalage.promotions.services import (
    PromotionRefused,
    PromotionTerms,
    promotion_create,
    promotion_end,
    promotion_terms_check,
    promotion_update,
)

EDITABLE = ["kind", "name", "code", "claimable", "amount_off", "percent_off", "cap",
            "threshold", "starts_at", "ends_at", "budget", "total_limit",
            "per_buyer_limit", "products"]  # fmt: skip


def _terms(data: dict) -> PromotionTerms:
    zero = Decimal("0.00")
    return PromotionTerms(
        kind=data["kind"],
        name=data["name"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        budget=data["budget"],
        amount_off=data.get("amount_off") or zero,
        percent_off=data.get("percent_off") or zero,
        cap=data.get("cap"),
        threshold=data.get("threshold") or zero,
        code=data.get("code") or "",
        claimable=bool(data.get("claimable")),
        total_limit=data.get("total_limit"),
        per_buyer_limit=data.get("per_buyer_limit") or 1,
        product_ids=[p.pk for p in data.get("products") or []],
    )


class PromotionForm(forms.ModelForm):
    class Meta:
        model = Promotion
        fields = EDITABLE

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        merchant = self.instance.merchant if self.instance.pk else None
        funder = self.instance.funder if self.instance.pk else Promotion.Funder.PLATFORM
        try:
            promotion_terms_check(terms=_terms(data), merchant=merchant, funder=funder)
        except ValidationError as refused:
            for field, errors in refused.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return data


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    form = PromotionForm
    list_display = ["name", "kind", "funder", "merchant", "code", "starts_at",
                    "ends_at", "ended_at", "spent", "budget", "used"]  # fmt: skip
    list_filter = ["kind", "funder"]
    search_fields = ["name", "code", "merchant__name"]
    readonly_fields = ["funder", "merchant", "spent", "used", "ended_at"]
    autocomplete_fields = ["products"]
    actions = ["end_now"]

    def save_model(self, request, obj, form, change):
        terms = _terms(form.cleaned_data)
        try:
            if change:
                saved = promotion_update(promotion=obj, terms=terms)
            else:
                saved = promotion_create(terms=terms, by=request.user)
        except PromotionRefused as refused:  # changed meanwhile: said, not saved
            messages.error(request, " ".join(refused.messages))
            return
        obj.pk, obj._state = saved.pk, saved._state

    def save_related(self, request, form, formsets, change):
        """The service set the products already."""

    @admin.action(description=_("End the selected promotions now"))
    def end_now(self, request, queryset):
        for promotion in queryset.filter(ended_at__isnull=True):
            promotion_end(promotion=promotion, now=timezone.now())


@admin.register(Redemption)
class RedemptionAdmin(admin.ModelAdmin):
    list_display = ["promotion", "order", "amount", "funder", "created_at",
                    "released_at"]  # fmt: skip
    readonly_fields = ["promotion", "order", "buyer", "amount", "funder",
                       "released_at"]  # fmt: skip

    def has_add_permission(self, request):
        return False


@admin.register(SalePrice)
class SalePriceAdmin(admin.ModelAdmin):
    list_display = ["variant", "price_eur", "starts_at", "ends_at", "ended_at"]
    readonly_fields = ["variant", "price_eur", "starts_at", "ends_at", "ended_at"]

    def has_add_permission(self, request):
        return False
