"""The back-office's orders: read everything, change states only through the
services, each change with the operator's reason."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from etalage.core.admin_decisions import decide_with_form
from etalage.core.admin_read_only import ReadOnlyAdmin
from etalage.orders import states
from etalage.orders.models import Order, OrderLine, OrderTransition, SubOrder
from etalage.orders.reasons import Explanation, explanation_text
from etalage.orders.services import order_cancel, order_pay, sub_order_move


class TransitionInline(ReadOnlyAdmin, admin.TabularInline):
    model = OrderTransition
    fields = [
        "at",
        "sub_order",
        "from_state",
        "to_state",
        "by",
        "reason",
        "told_the_buyer",
    ]
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("told the buyer"))
    def told_the_buyer(self, transition):
        """What the buyer's history says of the move (the reason never)."""
        return explanation_text(transition.explanation, transition.explanation_data)


class SubOrderInline(ReadOnlyAdmin, admin.TabularInline):
    model = SubOrder
    fields = [
        "number",
        "merchant",
        "state",
        "customs_mode",
        "goods",
        "freight",
        "consumption_tax",
        "vat",
        "tariff",
        "total",
    ]
    readonly_fields = fields
    show_change_link = True
    extra = 0


class LineInline(ReadOnlyAdmin, admin.TabularInline):
    model = OrderLine
    fields = [
        "sku",
        "product",
        "hs_code",
        "origin_country",
        "quantity",
        "unit_price_eur",
        "unit_price",
        "freight_share",
        "taxes",
    ]
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("taxes"))
    def taxes(self, line):
        """Consumption tax, import VAT and duty, one under the other."""
        return format_html_join(
            format_html("<br>"),
            "{}: {}",
            (
                (_("consumption tax"), line.consumption_tax),
                (_("import VAT"), line.vat),
                (_("import duty"), line.tariff),
            ),
        )

    @admin.display(description=_("product"))
    def product(self, line):
        """Its name in the merchant's language over its Chinese name."""
        return format_html("{}<br>{}", line.name_merchant, line.name_zh)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (kept in the order's history, for Étalage and the merchant)"),
        max_length=300,
    )
    to_buyer = forms.CharField(
        label=_("To the buyer (optional: shown on their order's page as written)"),
        max_length=300,
        required=False,
    )


def _told(words: str) -> dict:
    """The operator's words to the buyer, as a move's explanation (or none)."""
    words = words.strip()
    if not words:
        return {}
    return {
        "explanation": Explanation.OPERATOR_NOTE,
        "explanation_data": {"words": words},
    }


def _moving(model_admin, request, queryset, *, action, submit, move):
    def decide(obj, data):
        try:
            move(obj, request.user, data["reason"], _told(data.get("to_buyer", "")))
        except states.IllegalTransition as illegal:
            raise ValidationError(str(illegal)) from None

    return decide_with_form(
        model_admin,
        request,
        queryset,
        action=action,
        form_class=ReasonForm,
        intro=submit,
        submit=submit,
        decide=decide,
    )


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "number",
        "created_at",
        "buyer",
        "state",
        "total",
        "currency",
        "hold_expires_at",
    ]
    list_filter = ["state", "market"]
    search_fields = ["number", "buyer__username", "buyer__email"]
    list_select_related = ["buyer"]
    exclude = ["id_number_hmac", "idempotency_key", "request_digest"]
    inlines = [SubOrderInline, TransitionInline]
    actions = ["mark_paid", "cancel"]

    @admin.action(description=_("Bank transfer received: mark as paid"))
    def mark_paid(self, request, queryset):
        def pay(order, by, why, told):
            order_pay(order=order, by=by, reason=why, **told)

        submit = str(_("Mark as paid"))
        return _moving(
            self, request, queryset, action="mark_paid", submit=submit, move=pay
        )

    @admin.action(description=_("Cancel what has not shipped"))
    def cancel(self, request, queryset):
        def cancel(order, by, why, told):
            order_cancel(order=order, by=by, reason=why, **told)

        submit = str(_("Cancel"))
        return _moving(
            self, request, queryset, action="cancel", submit=submit, move=cancel
        )


def _sub_order_action(to: str, description):
    def move(sub_order, by, why, told):
        sub_order_move(sub_order=sub_order, to=to, by=by, reason=why, **told)

    def action(model_admin, request, queryset):
        return _moving(
            model_admin,
            request,
            queryset,
            action=f"move_{to}",
            submit=str(description),
            move=move,
        )

    action.__name__ = f"move_{to}"
    return admin.action(description=description)(action)


@admin.register(SubOrder)
class SubOrderAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "number",
        "created_at",
        "merchant",
        "state",
        "customs_mode",
        "total",
    ]
    list_filter = ["state", "customs_mode", "merchant"]
    search_fields = ["number", "merchant__name"]
    list_select_related = ["merchant"]
    inlines = [LineInline]
    actions = [
        _sub_order_action(states.CUSTOMS_DECLARED, _("Declared to customs")),
        _sub_order_action(states.RELEASED, _("Released by customs")),
        _sub_order_action(states.CUSTOMS_REFUSED, _("Refused by customs")),
        _sub_order_action(states.CANCELLED, _("Cancelled")),
        _sub_order_action(states.SHIPPED, _("Shipped")),
        _sub_order_action(states.DELIVERED, _("Delivered")),
        _sub_order_action(states.COMPLETED, _("Completed")),
    ]
