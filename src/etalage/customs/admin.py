from django.contrib import admin

from etalage.customs.models import (
    BuyerIdentity,
    PositiveListEntry,
    TariffRate,
    TaxClassRate,
)
from etalage.events.admin_mixins import PricingInputAdmin


@admin.register(TaxClassRate)
class TaxClassRateAdmin(PricingInputAdmin, admin.ModelAdmin):
    list_display = [
        "tax_class",
        "effective_from",
        "vat_rate",
        "consumption_basis",
        "consumption_rate",
        "consumption_per_tonne",
        "threshold_per_gram",
        "threshold_per_piece",
    ]
    list_filter = ["tax_class"]
    date_hierarchy = "effective_from"


@admin.register(TariffRate)
class TariffRateAdmin(admin.ModelAdmin):
    list_display = ["hs_prefix", "rate", "effective_from"]
    search_fields = ["hs_prefix"]


@admin.register(PositiveListEntry)
class PositiveListEntryAdmin(admin.ModelAdmin):
    list_display = [
        "hs_code",
        "description",
        "bonded_only",
        "yearly_cap",
        "list_version",
    ]
    list_filter = ["list_version", "bonded_only"]
    search_fields = ["hs_code", "description", "remarks"]


@admin.register(BuyerIdentity)
class BuyerIdentityAdmin(admin.ModelAdmin):
    """Operators see the masked number only; the ciphertext is never shown."""

    list_display = ["real_name", "id_number_masked", "user", "consent_at", "created_at"]
    search_fields = ["real_name", "user__username"]
    fields = ["user", "real_name", "id_number_masked", "mobile", "consent_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
