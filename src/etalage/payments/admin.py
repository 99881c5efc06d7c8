from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from etalage.core.admin_decisions import decide_with_form, form_page
from etalage.core.admin_read_only import ReadOnlyAdmin
from etalage.money import Money
from etalage.orders.models import SubOrder
from etalage.payments.models import (
    CustomsDeclaration,
    Notification,
    Payment,
    Provider,
    Refund,
    SandboxPayment,
    SettlementLine,
    SettlementReport,
)
from etalage.payments.services import (
    PaymentRefused,
    refund_held_decide,
    refund_request,
)
from etalage.payments.settlement import ReportRefused, settlement_import


class RefundForm(forms.Form):
    """How much of one payment to give back, why, and which parcels the refund is
    for: the ledger charges it to their merchants first (in proportion over all the
    order's parcels when none is ticked); stopped parcels (cancelled, refused by
    customs) read refunded once the provider has refunded."""

    amount = forms.DecimalField(
        label=_("Amount to refund"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    reason = forms.CharField(label=_("Why (the buyer reads it)"), max_length=300)
    parcels = forms.ModelMultipleChoiceField(
        label=_("Parcels it covers"),
        help_text=_(
            "Their merchants give the refund back first. None ticked: it is shared "
            "over the order's parcels in proportion."
        ),
        queryset=SubOrder.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, payment: Payment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parcels"].queryset = SubOrder.objects.filter(
            order=payment.order_id
        ).select_related("merchant")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "request_id",
        "order",
        "provider",
        "scene",
        "state",
        "amount",
        "currency",
        "paid_at",
        "created_at",
    ]
    list_filter = ["provider", "scene", "state"]
    search_fields = ["request_id", "order__number", "provider_payment_id"]
    list_select_related = ["order"]
    actions = ["refund"]

    @admin.action(description=_("Refund all or part of the payment"))
    def refund(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Refund one payment at a time."), messages.ERROR
            )
            return None
        payment = queryset.get()

        def decide(payment, data):
            try:
                done = refund_request(
                    payment=payment,
                    amount=Money(data["amount"], payment.currency),
                    reason=data["reason"],
                    parcels=tuple(data["parcels"]),
                )
            except PaymentRefused as refused:
                raise ValidationError(str(refused)) from None
            if done.state == Refund.State.FAILED:
                raise ValidationError(done.failure)

        left = payment.amount - sum(
            r.amount for r in payment.refunds.exclude(state=Refund.State.FAILED)
        )
        submit = str(_("Refund"))
        return decide_with_form(
            self,
            request,
            queryset,
            action="refund",
            form_class=lambda *a, **k: RefundForm(*a, payment=payment, **k),
            intro=_("At most %(left)s is left to refund.")
            % {"left": Money(left, payment.currency)},
            submit=submit,
            decide=decide,
        )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Every notification as it came, verified or not, with the reason."""

    list_display = [
        "created_at",
        "provider",
        "verdict",
        "event_key",
        "payment",
        "remote_addr",
    ]
    list_filter = ["provider", "verdict"]
    search_fields = ["event_key", "payment__order__number", "body"]
    list_select_related = ["payment"]


@admin.register(SandboxPayment)
class SandboxPaymentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "payment_id",
        "provider",
        "request_id",
        "state",
        "amount_minor",
        "currency",
        "payer_other",
        "misbehaviour",
        "notifications_sent",
    ]
    list_filter = ["provider", "state"]
    search_fields = ["payment_id", "request_id"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "request_id",
        "payment",
        "state",
        "amount",
        "currency",
        "provider_refund_id",
        "created_at",
    ]
    list_filter = ["state"]
    search_fields = ["request_id", "payment__order__number", "provider_refund_id"]
    list_select_related = ["payment"]
    actions = ["held_refunded", "held_failed"]

    @admin.action(description=_("Held refund: the provider did refund it"))
    def held_refunded(self, request, queryset):
        self._decide(request, queryset, refunded=True)

    @admin.action(description=_("Held refund: the provider did not refund it"))
    def held_failed(self, request, queryset):
        self._decide(request, queryset, refunded=False)

    def _decide(self, request, queryset, *, refunded: bool) -> None:
        """The operator's word on refunds held for them (checked with the
        provider first): the others selected are left as they are."""
        decided = 0
        for refund in queryset.filter(state=Refund.State.HELD):
            refund_held_decide(
                refund=refund,
                refunded=refunded,
                note=f"decided by {request.user.get_username()}",
            )
            decided += 1
        if not decided:
            self.message_user(
                request,
                _("Only a refund held for the operator is decided."),
                messages.ERROR,
            )


@admin.register(CustomsDeclaration)
class CustomsDeclarationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Each parcel's payment as declared to customs through the provider."""

    list_display = [
        "request_id",
        "sub_order",
        "state",
        "identity",
        "amount",
        "currency",
        "customs",
        "pay_transaction_id",
        "verifying_department",
        "created_at",
    ]
    list_filter = ["state", "identity", "customs"]
    search_fields = [
        "request_id",
        "sub_order__number",
        "payment__order__number",
        "pay_transaction_id",
    ]
    list_select_related = ["sub_order"]


class SettlementLineInline(admin.TabularInline):
    model = SettlementLine
    fields = [
        "kind",
        "request_id",
        "amount",
        "currency",
        "settlement_amount",
        "settlement_currency",
        "fee",
        "rate",
        "difference",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class SettlementUploadForm(forms.Form):
    provider = forms.ChoiceField(label=_("Provider"), choices=Provider.choices)
    file = forms.FileField(label=_("Settlement report (CSV)"))


@admin.register(SettlementReport)
class SettlementReportAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The providers' reports; "Import a report" reads one and matches it."""

    change_list_template = "admin/payments/settlementreport/change_list.html"

    def get_urls(self):
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="payments_settlementreport_import",
            )
        ]
        return own + super().get_urls()

    def import_view(self, request):
        form = SettlementUploadForm(request.POST or None, request.FILES or None)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = settlement_import(
                    provider=form.cleaned_data["provider"],
                    name=upload.name,
                    text=upload.read().decode("utf-8-sig"),
                )
            except (ReportRefused, UnicodeDecodeError) as refused:
                form.add_error("file", str(refused))
            else:
                self.message_user(
                    request,
                    _("Lines matched: %(lines)s; with a difference: %(differences)s.")
                    % {
                        "lines": report.lines_count,
                        "differences": report.differences_count,
                    },
                    messages.WARNING if report.differences_count else messages.SUCCESS,
                )
                return redirect("admin:payments_settlementreport_change", report.pk)
        return form_page(
            self,
            request,
            title=_("Import a settlement report"),
            intro=_(
                "The provider's daily report: each line is matched with the "
                "payment or refund Étalage recorded."
            ),
            submit=_("Import"),
            form=form,
            multipart=True,
        )

    list_display = [
        "name",
        "provider",
        "lines_count",
        "differences_count",
        "created_at",
    ]
    list_filter = ["provider"]
    inlines = [SettlementLineInline]


@admin.register(SettlementLine)
class SettlementLineAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Every settled transaction; filter "with a difference" for the ones to look at."""

    list_display = [
        "request_id",
        "kind",
        "report",
        "amount",
        "currency",
        "settlement_amount",
        "settlement_currency",
        "rate",
        "difference",
    ]
    list_filter = ["kind", ("difference", admin.EmptyFieldListFilter)]
    search_fields = ["request_id", "payment__order__number", "provider_id"]
    list_select_related = ["report"]
