"""The customs console in the back-office: per parcel, every message sent (as
sent, ID numbers masked), when, and every answer customs gave; what needs the
operator (refused, malformed, contradicted, not delivered); sending a message again
under the same guid. Declarations themselves are the worker's: nobody edits them
here. The simulator's instructions (refuse or inspect an order) are listed apart
and marked as the simulator's, never customs'."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from etalage.core.admin_read_only import ReadOnlyAdmin
from etalage.declarations.models import (
    Declaration,
    Message,
    Receipt,
    SimulatorInstruction,
    TaxBill,
)
from etalage.declarations.selectors import message_shown, needing_attention
from etalage.declarations.services import declarations_declare_anew, message_deliver


class AttentionFilter(admin.SimpleListFilter):
    title = _("needs the operator")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("yes", _("refused, malformed, contradicted or not delivered"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=needing_attention().values("pk"))
        return queryset


class ReceiptInline(ReadOnlyAdmin, admin.TabularInline):
    model = Receipt
    fields = ["received_at", "status", "at", "info", "duplicate", "applied"]
    readonly_fields = fields
    extra = 0


def _resend(model_admin, request, messages_to_send) -> None:
    sent = failed = 0
    for message in messages_to_send:
        delivered = message_deliver(message.pk)
        if delivered.state == Message.State.SENT:
            sent += 1
        else:
            failed += 1
    if sent:
        model_admin.message_user(
            request,
            ngettext(
                "%(count)d message sent again under its guid.",
                "%(count)d messages sent again under their guids.",
                sent,
            )
            % {"count": sent},
        )
    if failed:
        model_admin.message_user(
            request,
            ngettext(
                "%(count)d message could not be delivered; see its failure.",
                "%(count)d messages could not be delivered; see their failures.",
                failed,
            )
            % {"count": failed},
            level=messages.ERROR,
        )


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "sub_order",
        "kind",
        "state",
        "status",
        "info",
        "status_at",
        "invt_no",
        "sent",
        "conflict",
    ]
    list_filter = [AttentionFilter, "kind", "state"]
    search_fields = [
        "sub_order__number",
        "sub_order__order__number",
        "guid",
        "invt_no",
        "cop_no",
        "message__guid",
    ]
    list_select_related = ["sub_order", "message"]
    fields = ["sub_order", "kind", "guid", "state", "status", "status_at", "info",
              "invt_no", "cop_no", "conflict", "queried_at", "message_guid", "sent",
              "message_state", "tax", "message_text"]  # fmt: skip
    readonly_fields = fields
    inlines = [ReceiptInline]
    actions = ["send_again", "declare_anew"]

    @admin.display(description=_("sent at"), ordering="message__sent_at")
    def sent(self, declaration):
        return declaration.message.sent_at if declaration.message else None

    @admin.display(description=_("message guid"))
    def message_guid(self, declaration):
        return declaration.message.guid if declaration.message else "-"

    @admin.display(description=_("message delivered"))
    def message_state(self, declaration):
        message = declaration.message
        if message is None:
            return _("not sent")
        shown = message.get_state_display()
        return f"{shown} ({message.failure})" if message.failure else shown

    @admin.display(description=_("tax bill"))
    def tax(self, declaration):
        bill = TaxBill.objects.filter(declaration=declaration).first()
        if bill is None:
            return "-"
        paid = (
            _("paid %(at)s") % {"at": f"{bill.paid_at:%Y-%m-%d %H:%M}"}
            if (bill.paid_at)
            else _("not paid yet")
        )
        return f"{bill.tax_no}: {bill.total} {bill.currency} ({paid})"

    @admin.display(description=_("message as sent (ID numbers masked)"))
    def message_text(self, declaration):
        if declaration.message is None:
            return "-"
        return format_html(
            "<pre class='customs-message'>{}</pre>", message_shown(declaration.message)
        )

    @admin.action(
        description=_("Send the selected messages again, under the same guid"),
        permissions=["resend"],
    )
    def send_again(self, request, queryset):
        chosen = Message.objects.filter(pk__in=queryset.values("message"))
        _resend(self, request, chosen)

    def has_resend_permission(self, request):
        return request.user.has_perm("declarations.change_message")

    @admin.action(
        description=_("Declare anew what could not be sent (once its data is right)"),
        permissions=["resend"],
    )
    def declare_anew(self, request, queryset):
        forgotten = declarations_declare_anew(
            sub_order_ids=queryset.values_list("sub_order_id", flat=True)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d declaration forgotten: the worker declares it anew.",
                "%(count)d declarations forgotten: the worker declares them anew.",
                forgotten,
            )
            % {"count": forgotten},
        )


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["guid", "kind", "state", "sent_at", "attempts", "failure", "heads"]
    list_filter = ["kind", "state"]
    search_fields = ["guid", "declarations__sub_order__number"]
    actions = ["send_again"]

    @admin.display(description=_("parcels"))
    def heads(self, message):
        return message.declarations.count()

    @admin.action(
        description=_("Send the selected messages again, under the same guid"),
        permissions=["resend"],
    )
    def send_again(self, request, queryset):
        _resend(self, request, queryset)

    def has_resend_permission(self, request):
        return request.user.has_perm("declarations.change_message")


@admin.register(TaxBill)
class TaxBillAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "tax_no",
        "declaration",
        "customs_tax",
        "vat",
        "consumption_tax",
        "currency",
        "assessed_at",
        "paid_at",
    ]
    search_fields = ["tax_no", "declaration__sub_order__number"]
    list_select_related = ["declaration__sub_order"]


@admin.register(SimulatorInstruction)
class SimulatorInstructionAdmin(admin.ModelAdmin):
    """What the simulated single window is told to do (never the real one)."""

    list_display = ["order_no", "verdict", "reason"]
    search_fields = ["order_no"]
