"""Payouts in the back-office: runs (run, download the file once, the bank
sandbox's statement), each payout, the bank's statements imported."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from etalage.core.admin_decisions import form_page
from etalage.core.admin_read_only import ReadOnlyAdmin
from etalage.ledger import sandbox_bank
from etalage.ledger.bank import (
    StatementRefused,
    statement_receive,
)
from etalage.ledger.eligibility import payout_candidates
from etalage.ledger.models import BankLine, BankStatement, Payout, PayoutRun
from etalage.ledger.payouts import PayoutRefused, payout_file_take, payout_run
from etalage.ledger.reasons import RETURN_REASONS
from etalage.ledger.selectors import owed_summary


class PayoutInline(ReadOnlyAdmin, admin.TabularInline):
    model = Payout
    fields = [
        "end_to_end_id",
        "merchant",
        "amount",
        "iban",
        "state",
        "return_reason",
        "settled_on",
    ]
    readonly_fields = fields
    extra = 0


class SandboxStatementForm(forms.Form):
    """What the bank sandbox should do with the run's transfers."""

    returned = forms.MultipleChoiceField(
        label=_("Transfers the bank returns"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.ChoiceField(
        label=_("Return reason"),
        choices=lambda: [
            (code, f"{code}: {text}") for code, text in RETURN_REASONS.items()
        ],
        initial="AC04",
    )
    settlements = forms.BooleanField(
        label=_("Also credit the providers' settlements not yet in the bank"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, run: PayoutRun, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["returned"].choices = [
            (p.end_to_end_id, f"{p.end_to_end_id} {p.merchant} {p.amount} EUR")
            for p in run.payouts.select_related("merchant")
        ]


@admin.register(PayoutRun)
class PayoutRunAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "number",
        "state",
        "payouts_count",
        "total",
        "execution_date",
        "downloaded_at",
        "downloaded_by",
    ]
    fields = [
        "number",
        "state",
        "execution_date",
        "payouts_count",
        "total",
        "message_id",
        "file_sha256",
        "downloaded_at",
        "downloaded_by",
    ]
    readonly_fields = fields
    inlines = [PayoutInline]
    change_list_template = "admin/ledger/payoutrun/change_list.html"
    change_form_template = "admin/ledger/payoutrun/change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path("run/", view(self.run_view), name="ledger_payoutrun_run"),
            path("<uuid:pk>/file/", view(self.file_view), name="ledger_payoutrun_file"),
            path(
                "<uuid:pk>/sandbox-statement/",
                view(self.sandbox_view),
                name="ledger_payoutrun_sandbox",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {**(extra_context or {}), "bank_sandbox": settings.ETALAGE_BANK_SANDBOX}
        return super().change_view(request, object_id, form_url, extra)

    def _may_pay(self, request):
        if not request.user.has_perm("ledger.add_payoutrun"):
            raise PermissionDenied

    def run_view(self, request):
        self._may_pay(request)
        if request.method == "POST":
            try:
                run = payout_run(by=request.user.get_username())
            except PayoutRefused as refused:
                self.message_user(request, str(refused), messages.ERROR)
                return redirect("admin:ledger_payoutrun_changelist")
            self.message_user(
                request,
                _(
                    "%(number)s: %(count)s payouts, %(total)s EUR. Download its file "
                    "for the bank."
                )
                % {
                    "number": run.number,
                    "count": run.payouts_count,
                    "total": run.total,
                },
            )
            return redirect("admin:ledger_payoutrun_change", run.pk)
        candidates = payout_candidates()
        paid = [candidate for candidate in candidates if candidate.paid]
        return render(
            request,
            "admin/ledger/payoutrun/run.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Run payouts"),
                "opts": self.model._meta,
                "minimum": settings.ETALAGE_PAYOUT_MINIMUM_EUR,
                "owed": owed_summary(),
                "candidates": candidates,
                "paid_count": len(paid),
                "paid_total": sum((c.available.amount for c in paid), Decimal(0)),
            },
        )

    def file_view(self, request, pk):
        self._may_pay(request)
        run = get_object_or_404(PayoutRun, pk=pk)
        if request.method != "POST":
            return redirect("admin:ledger_payoutrun_change", run.pk)
        try:
            data = payout_file_take(run=run, by=request.user.get_username())
        except PayoutRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return redirect("admin:ledger_payoutrun_change", run.pk)
        response = HttpResponse(data, content_type="application/xml")
        response["Content-Disposition"] = (
            f'attachment; filename="{run.number}.pain.001.xml"'
        )
        return response

    def sandbox_view(self, request, pk):
        self._may_pay(request)
        if not settings.ETALAGE_BANK_SANDBOX:
            raise PermissionDenied("the bank sandbox is off")
        run = get_object_or_404(PayoutRun, pk=pk, state=PayoutRun.State.SENT)
        form = SandboxStatementForm(request.POST or None, run=run)
        if form.is_valid():
            data = sandbox_bank.sandbox_statement_write(
                run=run,
                returns=dict.fromkeys(
                    form.cleaned_data["returned"], form.cleaned_data["reason"]
                ),
                settlements=form.cleaned_data["settlements"],
            )
            response = HttpResponse(data, content_type="application/xml")
            response["Content-Disposition"] = (
                f'attachment; filename="sandbox-camt053-{run.number}.xml"'
            )
            return response
        return form_page(
            self,
            request,
            title=_("Bank sandbox: the statement of %(run)s") % {"run": run},
            intro=_(
                "The embedded bank sandbox (not a real bank) writes the camt.053 "
                "statement the bank would send: every transfer booked, the ones you "
                "tick returned with the reason chosen. Import it below as the "
                "bank's statement."
            ),
            submit=_("Write the statement"),
            form=form,
        )


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "end_to_end_id",
        "merchant",
        "amount",
        "state",
        "return_reason",
        "settled_on",
        "run",
    ]
    list_filter = ["state"]
    search_fields = ["end_to_end_id", "merchant__name", "iban"]
    list_select_related = ["merchant", "run"]


class BankLineInline(ReadOnlyAdmin, admin.TabularInline):
    model = BankLine
    fields = [
        "booked_on",
        "credit",
        "amount",
        "end_to_end_id",
        "return_reason",
        "counterparty",
        "reference",
        "payout",
        "settlement",
        "outcome",
        "for_operator",
    ]
    readonly_fields = fields
    extra = 0


class StatementUploadForm(forms.Form):
    file = forms.FileField(label=_("Bank statement (camt.053 XML)"))


@admin.register(BankStatement)
class BankStatementAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "name",
        "state",
        "statement_id",
        "iban",
        "lines_count",
        "unmatched_count",
        "created_at",
    ]
    list_filter = ["state"]
    inlines = [BankLineInline]
    change_list_template = "admin/ledger/bankstatement/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")

    def get_urls(self):
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="ledger_bankstatement_import",
            )
        ]
        return own + super().get_urls()

    def import_view(self, request):
        if not request.user.has_perm("ledger.add_bankstatement"):
            raise PermissionDenied
        form = StatementUploadForm(request.POST or None, request.FILES or None)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > 20 * 1024 * 1024:
                form.add_error("file", _("A statement is at most 20 MB."))
            else:
                try:
                    statement = statement_receive(name=upload.name, data=upload.read())
                except StatementRefused as refused:
                    form.add_error("file", str(refused))
                else:
                    if statement.state == BankStatement.State.QUEUED:
                        self.message_user(
                            request,
                            _(
                                "A large statement: it is imported in the "
                                "background; its page shows when it is done."
                            ),
                        )
                        return redirect(
                            "admin:ledger_bankstatement_change", statement.pk
                        )
                    self.message_user(
                        request,
                        _("Lines: %(lines)s; not matched: %(unmatched)s.")
                        % {
                            "lines": statement.lines_count,
                            "unmatched": statement.unmatched_count,
                        },
                        messages.WARNING
                        if statement.unmatched_count
                        else messages.SUCCESS,
                    )
                    return redirect("admin:ledger_bankstatement_change", statement.pk)
        return form_page(
            self,
            request,
            title=_("Import a bank statement"),
            intro=_(
                "The bank's camt.053 statement: payouts booked are paid, payouts "
                "returned go back to the merchant's balance with the bank's reason, "
                "the providers' settlements are matched with their reports."
            ),
            submit=_("Import"),
            form=form,
            multipart=True,
        )
