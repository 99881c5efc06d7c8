from django.contrib import admin

from etalage.core.admin_read_only import ReadOnlyAdmin
from etalage.payments.models import (
    CustomsDeclaration,
    Notification,
    Payment,
    Refund,
    SandboxPayment,
    SettlementLine,
    SettlementReport,
)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "request_id",
        "order",
        "provider",
        "state",
        "amount",
        "currency",
        "paid_at",
        "created_at",
    ]
    list_filter = ["provider", "state"]
    search_fields = ["request_id", "order__number", "provider_payment_id"]
    list_select_related = ["order"]


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


@admin.register(SettlementReport)
class SettlementReportAdmin(ReadOnlyAdmin, admin.ModelAdmin):
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
