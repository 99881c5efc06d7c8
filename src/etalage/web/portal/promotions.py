"""A shop's own promotions in the portal (owner and catalogue roles): the list,
each promotion's page with its figures, create and change one (paid for by the
shop), pause, resume or end it. What may still change once a promotion has started
or been claimed is the promotions service's rule; the page only greys out what
that rule holds. Windows are typed and shown in Beijing time."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from etalage.merchants.permissions import CATALOGUE_ROLES
from etalage.promotions import editing
from etalage.promotions.models import Promotion
from etalage.promotions.selectors import (
    merchant_promotions,
    offer_of,
    promotable_products,
    promotion_figures,
    promotion_stage,
)
from etalage.promotions.services import (
    PromotionRefused,
    PromotionTerms,
    promotion_create,
    promotion_end,
    promotion_pause,
    promotion_resume,
    promotion_update,
)
from etalage.promotions.texts import offer_label
from etalage.web.access import merchant_member
from etalage.web.forms import add_service_errors, posted_or_404

BEIJING = ZoneInfo("Asia/Shanghai")
MOMENT = "%Y-%m-%dT%H:%M"


def _moment_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=MOMENT)


def _money_field(label, required=False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_digits=12, decimal_places=2,
        required=required,
    )  # fmt: skip


# The labels of the terms whose meaning changes with the kind.
KIND_LABELS = {
    "amount_off": {
        Promotion.Kind.COUPON: _("Amount off (CNY)"),
        Promotion.Kind.SPEND_AND_SAVE: _("Saved for each step (CNY)"),
    },
    "threshold": {
        Promotion.Kind.COUPON: _("Minimum spend (CNY)"),
        Promotion.Kind.SPEND_AND_SAVE: _("For every step spent (CNY)"),
        Promotion.Kind.FREE_SHIPPING: _("Free shipping from (CNY)"),
    },
}


class PromotionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Promotion.Kind.choices,
        widget=forms.Select(attrs={"data-kind-terms": ""}),  # site.js
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    amount_off = _money_field(_("Amount off (CNY)"))
    percent_off = forms.DecimalField(
        label=_("Percent off"), min_value=0, max_value=99, decimal_places=2,
        required=False,
    )  # fmt: skip
    cap = _money_field(_("At most (CNY)"))
    threshold = _money_field(_("Minimum spend, step or threshold (CNY)"))
    code = forms.CharField(label=_("Code (coupons)"), max_length=32, required=False)
    claimable = forms.BooleanField(
        label=_("Buyers claim it on the product page"), required=False
    )
    starts_at = forms.DateTimeField(
        label=_("Starts (Beijing time)"), widget=_moment_input()
    )
    ends_at = forms.DateTimeField(
        label=_("Ends (Beijing time)"), widget=_moment_input()
    )
    budget = _money_field(_("Budget (CNY)"), required=True)
    total_limit = forms.IntegerField(
        label=_("Uses in all"), min_value=1, required=False
    )
    per_buyer_limit = forms.IntegerField(
        label=_("Uses per buyer"), min_value=1, initial=1
    )
    products = forms.MultipleChoiceField(
        label=_("Products (none chosen: all your products)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, choices=(), held=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.product_choices = list(choices)
        self.fields["products"].choices = [
            (str(c.pk), c.name) for c in self.product_choices
        ]
        for name in held:
            if name in self.fields:
                self.fields[name].disabled = True
        self._kind_terms_mark()

    @property
    def chosen_kind(self) -> str:
        """The kind the form is for: the one sent, else its initial one (a
        coupon for a new promotion)."""
        sent = self.data.get("kind") if self.is_bound else None
        if self.fields["kind"].disabled or sent not in Promotion.Kind.values:
            sent = self.initial.get("kind")
        return sent if sent in Promotion.Kind.values else Promotion.Kind.COUPON

    def _kind_terms_mark(self) -> None:
        """Mark each kind's own fields (``kinds``, ``off_kind``) for the page, which
        hides those of other kinds (and site.js as the kind changes), and label
        those whose meaning changes with the kind (``kind_labels``)."""
        kind = self.chosen_kind
        for name, field in self.fields.items():
            kinds = editing.kinds_of(name)
            field.kinds = " ".join(kinds)  # type: ignore[attr-defined]
            field.off_kind = bool(kinds) and kind not in kinds  # type: ignore[attr-defined]
            labels = KIND_LABELS.get(name)
            if labels:
                field.label = labels.get(kind, field.label)
                field.kind_labels = json.dumps(  # type: ignore[attr-defined]
                    {k: f"{label}{self.label_suffix}" for k, label in labels.items()},
                    ensure_ascii=False,
                )

    def terms(self) -> PromotionTerms:
        data = editing.kind_terms_only(self.cleaned_data["kind"], self.cleaned_data)
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
            product_ids=[*data["products"]],
        )


def _beijing(moment: datetime) -> datetime:
    """A time typed in the portal is Beijing time, whatever the server's zone."""
    return timezone.make_naive(moment).replace(tzinfo=BEIJING)


def _initial(promotion: Promotion) -> dict[str, object]:
    """The form's values for a promotion, its times in Beijing time."""
    fields = ("kind", "name", "code", "claimable", "total_limit", "per_buyer_limit",
              "budget", "amount_off", "percent_off", "cap", "threshold")  # fmt: skip
    values: dict[str, object] = {name: getattr(promotion, name) for name in fields}
    for name in ("starts_at", "ends_at"):
        values[name] = timezone.localtime(getattr(promotion, name), BEIJING).replace(
            tzinfo=None
        )
    values["products"] = [str(p.pk) for p in promotion.products.all()]
    return values


def _keeping(
    terms: PromotionTerms, promotion: Promotion, held: tuple[str, ...]
) -> PromotionTerms:
    """The terms posted, the greyed-out fields at the promotion's own values."""
    kept: dict[str, object] = {
        name: getattr(promotion, name)
        for name in held
        if name in PromotionTerms.__dataclass_fields__
    }
    if "products" in held:
        kept["product_ids"] = [p.pk for p in promotion.products.all()]
    return replace(terms, **kept)  # type: ignore[arg-type]


def _choices(merchant):
    return promotable_products(
        merchant_id=merchant.pk, language=get_language(), fallback=merchant.language
    )


def _status(promotion: Promotion, now: datetime) -> str:
    if promotion.ended_at or promotion.ends_at <= now:
        return pgettext("promotion", "ended")
    if promotion.paused_at:
        return pgettext("promotion", "paused")
    if promotion.starts_at > now:
        return pgettext("promotion", "scheduled")
    return pgettext("promotion", "running")


@merchant_member(CATALOGUE_ROLES)
def promotion_list(request: HttpRequest) -> HttpResponse:
    """The shop's promotions, each with its status, spending and uses."""
    merchant = request.membership.merchant  # type: ignore[attr-defined]
    if request.method == "POST":  # the form of the page before it had its own
        return promotion_new(request)
    language, now = get_language(), timezone.now()
    promotions = merchant_promotions(merchant_id=merchant.pk).prefetch_related(
        "products"
    )
    return render(
        request,
        "etalage/portal/promotions.html",
        {
            "merchant": merchant,
            "promotions": [
                {
                    "promotion": p,
                    "label": offer_label(offer_of(p), language),
                    "status": _status(p, now),
                }
                for p in promotions
            ],
        },
    )


def _form_page(request, merchant, form, promotion=None, **extra) -> HttpResponse:
    return render(
        request,
        "etalage/portal/promotion_form.html",
        {"merchant": merchant, "form": form, "promotion": promotion, **extra},
    )


@merchant_member(CATALOGUE_ROLES)
def promotion_new(request: HttpRequest) -> HttpResponse:
    """Create one of the shop's promotions (merchant-funded)."""
    merchant = request.membership.merchant  # type: ignore[attr-defined]
    posted = request.POST
    if "show_kind" in posted and posted.get("kind") != posted.get("shown_kind"):
        # Without JavaScript, the kind chosen is sent to see its terms: shown
        # again with what was typed, nothing checked or saved. (Enter pressed in
        # a field sends that first button too: the kind unchanged, it saves.)
        typed = {name: request.POST.get(name) for name in PromotionForm.base_fields}
        typed["products"] = request.POST.getlist("products")
        form = PromotionForm(initial=typed, choices=_choices(merchant))
        return _form_page(request, merchant, form)
    form = PromotionForm(
        request.POST or None,
        initial={"kind": request.GET.get("kind")},
        choices=_choices(merchant),
    )
    if request.method == "POST" and form.is_valid():
        try:
            promotion = promotion_create(
                terms=form.terms(), merchant=merchant, by=request.user
            )
        except PromotionRefused as refused:
            add_service_errors(form, refused)
        else:
            messages.success(request, _("The promotion is saved."))
            return redirect("web:portal-promotion", key=promotion.pk)
    return _form_page(request, merchant, form)


@merchant_member(CATALOGUE_ROLES)
def promotion_page(request: HttpRequest, key) -> HttpResponse:
    """One of the shop's promotions: its figures, and its terms to change as far
    as where it stands allows (another shop's is not found)."""
    merchant = request.membership.merchant  # type: ignore[attr-defined]
    promotion = posted_or_404(
        merchant_promotions(merchant_id=merchant.pk).prefetch_related("products"),
        str(key),
    )
    now = timezone.now()
    stage = promotion_stage(promotion=promotion, now=now)
    held = editing.held_fields(stage)
    form = PromotionForm(
        request.POST or None,
        initial=_initial(promotion),
        choices=_choices(merchant),
        held=held,
    )
    if request.method == "POST" and form.is_valid():
        try:
            promotion_update(
                promotion=promotion, terms=_keeping(form.terms(), promotion, held),
                now=now, by=request.user,
            )  # fmt: skip
        except PromotionRefused as refused:
            add_service_errors(form, refused)
        else:
            messages.success(request, _("The promotion is saved."))
            return redirect("web:portal-promotion", key=promotion.pk)
    return _form_page(
        request,
        merchant,
        form,
        promotion,
        label=offer_label(offer_of(promotion), get_language()),
        status=_status(promotion, now),
        figures=promotion_figures(promotion=promotion),
        stage=str(stage),
        held=stage != editing.Stage.SCHEDULED,
    )


@merchant_member(CATALOGUE_ROLES)
def promotion_action(request: HttpRequest, key, action: str) -> HttpResponse:
    """Pause, resume or end one of the shop's promotions (posted)."""
    merchant = request.membership.merchant  # type: ignore[attr-defined]
    promotion = posted_or_404(merchant_promotions(merchant_id=merchant.pk), str(key))
    if action not in ("pause", "resume", "end"):
        raise Http404("no such action")
    if request.method != "POST":
        return redirect("web:portal-promotion", key=promotion.pk)
    if action == "pause":
        promotion_pause(promotion=promotion, by=request.user)
        messages.success(request, _("The promotion is paused."))
    elif action == "resume":
        promotion_resume(promotion=promotion, by=request.user)
        messages.success(request, _("The promotion runs again."))
    else:
        promotion_end(promotion=promotion, by=request.user)
        messages.success(request, _("The promotion has ended."))
    return redirect("web:portal-promotion", key=promotion.pk)


def promotion_end_view(request: HttpRequest, key) -> HttpResponse:
    """End one of the shop's promotions (another shop's is not found)."""
    return promotion_action(request, key, "end")
