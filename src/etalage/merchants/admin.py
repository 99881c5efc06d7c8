from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from etalage.core.admin_decisions import decide_with_form
from etalage.merchants.admin_review import (
    ApplicationReviewMixin,
    ApproveForm,
    MessageForm,
    RejectForm,
)
from etalage.merchants.models import (
    Merchant,
    MerchantDecision,
    MerchantMember,
    MerchantTranslation,
)
from etalage.merchants.services import (
    merchant_approve,
    merchant_bank_account_approve,
    merchant_reject,
    merchant_request_info,
    merchant_suspend,
)


class MerchantTranslationInline(admin.StackedInline):
    model = MerchantTranslation
    extra = 0


class MerchantMemberInline(admin.TabularInline):
    model = MerchantMember
    extra = 0
    autocomplete_fields = ["user"]


class MerchantDecisionInline(admin.TabularInline):
    model = MerchantDecision
    extra = 0
    fields = [
        "decided_at",
        "action",
        "reason",
        "message",
        "commission_percent",
        "decided_by",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, sent to the merchant"), widget=forms.Textarea, max_length=4000
    )


@admin.register(Merchant)
class MerchantAdmin(ApplicationReviewMixin, admin.ModelAdmin):
    """Merchants; an application's page is its review page (``admin_review``)."""

    list_display = [
        "name",
        "city",
        "status",
        "email_verified_at",
        "enterprise_number",
        "default_commission_percent",
        "pending_iban",
        "product_count",
        "created_at",
    ]
    list_filter = ["status", "city", "categories"]
    search_fields = [
        "name",
        "legal_name",
        "enterprise_number",
        "vat_number",
        "city",
        "contact_email",
    ]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [
        "status",
        "approved_at",
        "email_verified_at",
        "created_at",
        "updated_at",
    ]
    filter_horizontal = ["categories"]
    inlines = [MerchantDecisionInline, MerchantTranslationInline, MerchantMemberInline]
    actions = ["approve", "request_info", "reject", "suspend", "approve_bank_account"]

    def has_delete_permission(self, request, obj=None):
        return False  # a merchant is suspended, never deleted: orders and books keep it

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_products=Count("products"))

    @admin.display(description=_("products"), ordering="n_products")
    def product_count(self, obj):
        return obj.n_products

    @admin.action(description=_("Approve the selected applications"))
    def approve(self, request, queryset):
        return decide_with_form(
            self,
            request,
            queryset,
            action="approve",
            form_class=ApproveForm,
            intro=_("These merchants will be able to sell; they are told by email."),
            submit=_("Approve"),
            decide=lambda merchant, data: merchant_approve(
                merchant=merchant,
                operator=request.user,
                commission_percent=data["commission_percent"],
            ),
        )

    @admin.action(description=_("Ask the selected applicants for more information"))
    def request_info(self, request, queryset):
        return decide_with_form(
            self,
            request,
            queryset,
            action="request_info",
            form_class=MessageForm,
            intro=_("These applicants receive your message by email."),
            submit=_("Ask for more information"),
            decide=lambda merchant, data: merchant_request_info(
                merchant=merchant, operator=request.user, message=data["message"]
            ),
        )

    @admin.action(description=_("Reject the selected applications, with a reason"))
    def reject(self, request, queryset):
        return decide_with_form(
            self,
            request,
            queryset,
            action="reject",
            form_class=RejectForm,
            intro=_(
                "These applications will be rejected; the reason is sent by email."
            ),
            submit=_("Reject"),
            decide=lambda merchant, data: merchant_reject(
                merchant=merchant,
                operator=request.user,
                reason=data["reason"],
                note=data["note"],
            ),
        )

    @admin.action(description=_("Suspend the selected merchants, with a reason"))
    def suspend(self, request, queryset):
        return decide_with_form(
            self,
            request,
            queryset,
            action="suspend",
            form_class=ReasonForm,
            intro=_("Their products disappear from the storefront; they are told why."),
            submit=_("Suspend"),
            decide=lambda merchant, data: merchant_suspend(
                merchant=merchant, operator=request.user, reason=data["reason"]
            ),
        )

    @admin.action(
        description=_("Approve the new payout account of the selected merchants")
    )
    def approve_bank_account(self, request, queryset):
        """A confirmation page shows each pending IBAN and BIC and posts them back:
        what is approved is what the operator saw, never a later change."""
        if not request.POST.get("confirm"):
            return render(
                request,
                "admin/merchants/merchant/approve_bank_account.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Approve the new payout accounts"),
                    "merchants": queryset.exclude(pending_iban=""),
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                    "opts": self.model._meta,
                },
            )
        done = 0
        for merchant in queryset:
            try:
                merchant_bank_account_approve(
                    merchant=merchant,
                    operator=request.user,
                    iban=request.POST.get(f"iban_{merchant.pk}", ""),
                    bic=request.POST.get(f"bic_{merchant.pk}", ""),
                )
            except ValidationError as error:
                self.message_user(
                    request, f"{merchant}: {error.messages[0]}", messages.ERROR
                )
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} account(s) approved.", messages.SUCCESS)


@admin.register(MerchantDecision)
class MerchantDecisionAdmin(admin.ModelAdmin):
    list_display = [
        "decided_at",
        "merchant",
        "action",
        "decided_by",
        "reason",
        "message",
    ]
    list_filter = ["action", "decided_by"]
    search_fields = ["merchant__name", "message"]
    list_select_related = ["merchant", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
