from django.contrib import admin

from etalage.core.admin_read_only import ReadOnlyAdmin
from etalage.payments.models import Notification, Payment, Refund, SandboxPayment


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["request_id", "order", "provider", "state", "amount", "currency",
                    "paid_at", "created_at"]  # fmt: skip
    list_filter = ["provider", "state"]
    search_fields = ["request_id", "order__number", "provider_payment_id"]
    list_select_related = ["order"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Every notification as it came, verified or not, with the reason."""

    list_display = ["created_at", "provider", "verdict", "event_key", "payment",
                    "remote_addr"]  # fmt: skip
    list_filter = ["provider", "verdict"]
    search_fields = ["event_key", "payment__order__number", "body"]
    list_select_related = ["payment"]


@admin.register(SandboxPayment)
class SandboxPaymentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["payment_id", "request_id", "state", "amount_minor", "currency",
                    "notifications_sent"]  # fmt: skip
    search_fields = ["payment_id", "request_id"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["request_id", "payment", "state", "amount", "currency",
                    "provider_refund_id", "created_at"]  # fmt: skip
    list_filter = ["state"]
    search_fields = ["request_id", "payment__order__number", "provider_refund_id"]
    list_select_related = ["payment"]
