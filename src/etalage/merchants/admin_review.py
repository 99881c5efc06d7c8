"""An application reviewed in the back-office: what the producer gave, read-only,
and the operator's three decisions (approve, ask for more information, reject with
a reason), each a button calling its service. An application is never an
editable form: what the operator approves is what the producer sent."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from etalage.core.languages import pick_translation
from etalage.merchants.models import Merchant, RejectionReason
from etalage.merchants.services import (
    default_commission,
    merchant_approve,
    merchant_reject,
    merchant_request_info,
)

APPLICATION = (Merchant.Status.APPLIED, Merchant.Status.INFO_REQUESTED)
# The public search of the Crossroads Bank for Enterprises, by number.
KBO_SEARCH = "https://kbopub.economie.fgov.be/kbopub/zoeknummerform.html?nummer="


class ApproveForm(forms.Form):
    commission_percent = forms.DecimalField(
        label=gettext_lazy("Commission % (empty: the default of its categories)"),
        required=False,
        min_value=0,
        max_value=50,
        decimal_places=2,
    )


class MessageForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("What the merchant must send, in its email"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class RejectForm(forms.Form):
    """A reason from the list (the merchant reads it in its language) and, if need
    be, a note in the operator's own words (shown to the merchant as written)."""

    reason = forms.ChoiceField(
        label=gettext_lazy("Reason, sent to the merchant in its language"),
        choices=RejectionReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy(
            "Note in your own words (sent as written; required for “another reason”)"
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )


def _forms(data: Any = None, decision: str = "") -> dict[str, forms.Form]:
    """The three decisions' forms, the one posted bound to its data."""
    kinds = {"approve": ApproveForm, "request_info": MessageForm, "reject": RejectForm}
    return {
        name: form_class(data if name == decision else None, prefix=name)
        for name, form_class in kinds.items()
    }


def application_facts(merchant: Merchant) -> list[tuple[str, str, str]]:
    """What the producer gave, as (label, value, link) lines to read."""
    field = Merchant._meta.get_field

    def label(name: str) -> str:
        return capfirst(str(field(name).verbose_name))

    address = ", ".join(
        part
        for part in (merchant.street, f"{merchant.postal_code} {merchant.city}".strip())
        if part
    )
    email = merchant.contact_email
    verified = (
        _("verified on %(date)s") % {"date": f"{merchant.email_verified_at:%Y-%m-%d}"}
        if merchant.email_verified_at
        else _("not verified yet: the application cannot be approved")
    )
    categories = [
        translation.name if translation else category.slug
        for category in merchant.categories.prefetch_related("translations")
        for translation in [
            pick_translation(category.translations.all(), get_language() or "en")
        ]
    ]
    return [
        (label("name"), merchant.name, ""),
        (label("legal_name"), merchant.legal_name, ""),
        (
            label("enterprise_number"),
            merchant.enterprise_number,
            KBO_SEARCH + merchant.enterprise_number,
        ),
        (label("vat_number"), merchant.vat_number, ""),
        (_("Registered address"), address, ""),
        (label("contact_name"), merchant.contact_name, ""),
        (label("contact_email"), f"{email} ({verified})" if email else "", ""),
        (label("phone"), merchant.phone, ""),
        (label("language"), str(merchant.get_language_display()), ""),
        (label("iban"), merchant.iban, ""),
        (label("bic"), merchant.bic, ""),
        (label("categories"), ", ".join(categories), ""),
        (_("Applied on"), f"{merchant.created_at:%Y-%m-%d}", ""),
    ]


class ApplicationReviewMixin:
    """For ``MerchantAdmin``: an application's page is the review page."""

    review_template = "admin/merchants/merchant/review.html"

    def get_urls(self) -> list[Any]:
        decide = self.admin_site.admin_view(self.decide_view)  # type: ignore[attr-defined]
        own = [
            path("<uuid:object_id>/decide/", decide, name="merchants_merchant_decide")
        ]
        return own + super().get_urls()  # type: ignore[misc]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        merchant = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if merchant is not None and merchant.status in APPLICATION:
            if not self.has_view_permission(request, merchant):  # type: ignore[attr-defined]
                raise PermissionDenied
            if request.method == "POST":  # never edited as a form
                return redirect("admin:merchants_merchant_change", merchant.pk)
            return self._review(request, merchant, _forms())
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def _review(
        self,
        request: HttpRequest,
        merchant: Merchant,
        decision_forms: dict[str, forms.Form],
        status: int = 200,
    ) -> HttpResponse:
        rate = default_commission(merchant=merchant)
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": _("Application of %(name)s") % {"name": merchant.name},
            "opts": Merchant._meta,
            "original": merchant,
            "merchant": merchant,
            "facts": application_facts(merchant),
            "stories": merchant.translations.exclude(story=""),
            "decisions": merchant.decisions.select_related("decided_by"),
            "default_commission": f"{number_format(rate, 2)} %",
            "forms": decision_forms,
            "may_decide": self.has_change_permission(request, merchant),  # type: ignore[attr-defined]
        }
        return render(request, self.review_template, context, status=status)

    def decide_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Apply the decision posted from the review page, by its service."""
        merchant = get_object_or_404(Merchant, pk=object_id)
        if not self.has_change_permission(request, merchant):  # type: ignore[attr-defined]
            raise PermissionDenied
        decision = request.POST.get("decision", "")
        decision_forms = _forms(request.POST, decision)
        form = decision_forms.get(decision)
        if request.method != "POST" or form is None:
            return redirect("admin:merchants_merchant_change", merchant.pk)
        if form.is_valid():
            try:
                done = self._decide(request, merchant, decision, form.cleaned_data)
            except ValidationError as error:
                _show(form, error)
            else:
                self.message_user(request, done, messages.SUCCESS)  # type: ignore[attr-defined]
                return redirect("admin:merchants_merchant_change", merchant.pk)
        return self._review(request, merchant, decision_forms, status=400)

    @staticmethod
    def _decide(
        request: HttpRequest, merchant: Merchant, decision: str, data: dict[str, Any]
    ) -> str:
        operator: Any = request.user
        if decision == "approve":
            merchant_approve(
                merchant=merchant,
                operator=operator,
                commission_percent=data["commission_percent"],
            )
            return _("%(name)s is approved; it is told by email.") % {
                "name": merchant.name
            }
        if decision == "request_info":
            merchant_request_info(
                merchant=merchant, operator=operator, message=data["message"]
            )
            return _("%(name)s is asked for more information by email.") % {
                "name": merchant.name
            }
        merchant_reject(
            merchant=merchant,
            operator=operator,
            reason=data["reason"],
            note=data["note"],
        )
        return _(
            "The application of %(name)s is rejected; it is told why by email."
        ) % {"name": merchant.name}


def _show(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the decision's form: on its field when it has one."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, texts in error.message_dict.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)
