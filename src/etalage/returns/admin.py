"""Returns in the back-office: every return with its lines and what became of
them; the operator decides for a seller who does not (approve, or refuse with a
note the buyer reads)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from etalage.core.admin_decisions import form_page
from etalage.core.admin_read_only import ReadOnlyAdmin
from etalage.returns.models import ReturnLine, ReturnRequest
from etalage.returns.services import ReturnError, return_decide


class ReturnLineInline(ReadOnlyAdmin, admin.TabularInline):
    model = ReturnLine
    fields = ["line", "quantity", "outcome", "write_off_reason"]
    readonly_fields = fields
    extra = 0


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
    )
    note = forms.CharField(
        label=_("Note to the buyer (required to refuse)"),
        max_length=500,
        required=False,
    )


@admin.register(ReturnRequest)
class ReturnRequestAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "number", "sub_order", "state", "reason", "created_at", "decided_at",
        "received_at", "goods_amount", "tax_amount",
    ]  # fmt: skip
    list_filter = ["state", "reason"]
    search_fields = ["number", "sub_order__number", "sub_order__order__number"]
    list_select_related = ["sub_order"]
    inlines = [ReturnLineInline]
    change_form_template = "admin/returns/returnrequest/change_form.html"

    def get_urls(self):
        own = [
            path(
                "<uuid:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="returns_returnrequest_decide",
            )
        ]
        return own + super().get_urls()

    def decide_view(self, request, pk):
        made = get_object_or_404(ReturnRequest, pk=pk)
        if not request.user.has_perm("returns.change_returnrequest"):
            raise PermissionDenied
        form = DecisionForm(request.POST or None)
        if form.is_valid():
            try:
                return_decide(
                    request=made,
                    by=request.user,
                    approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["note"],
                )
            except ReturnError as error:
                for text in error.messages:
                    form.add_error(None, text)
            else:
                return redirect("admin:returns_returnrequest_change", made.pk)
        return form_page(
            self,
            request,
            title=_("Decide on return %(number)s") % {"number": made.number},
            intro=made.details or made.get_reason_display(),
            submit=_("Decide"),
            form=form,
        )
