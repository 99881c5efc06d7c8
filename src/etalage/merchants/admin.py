from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from etalage.merchants.models import Merchant, MerchantMember, MerchantTranslation
from etalage.merchants.services import merchant_set_status


class MerchantTranslationInline(admin.StackedInline):
    model = MerchantTranslation
    extra = 0


class MerchantMemberInline(admin.TabularInline):
    model = MerchantMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "city",
        "status",
        "enterprise_number",
        "vat_number",
        "product_count",
        "approved_at",
    ]
    list_filter = ["status", "city"]
    search_fields = ["name", "legal_name", "enterprise_number", "vat_number", "city"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["approved_at", "created_at", "updated_at"]
    inlines = [MerchantTranslationInline, MerchantMemberInline]
    actions = ["approve", "suspend"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n_products=Count("products"))

    @admin.display(description=_("products"), ordering="n_products")
    def product_count(self, obj):
        return obj.n_products

    def _set(self, request, queryset, status, verb):
        for merchant in queryset:
            merchant_set_status(merchant=merchant, status=status)
        self.message_user(
            request, f"{queryset.count()} merchant(s) {verb}.", messages.SUCCESS
        )

    @admin.action(description=_("Approve the selected merchants"))
    def approve(self, request, queryset):
        self._set(request, queryset, Merchant.Status.APPROVED, "approved")

    @admin.action(description=_("Suspend the selected merchants"))
    def suspend(self, request, queryset):
        self._set(request, queryset, Merchant.Status.SUSPENDED, "suspended")
