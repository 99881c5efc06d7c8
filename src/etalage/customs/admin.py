from django.contrib import admin

from etalage.customs.models import PositiveListEntry, TariffRate, TaxClassRate


@admin.register(TaxClassRate)
class TaxClassRateAdmin(admin.ModelAdmin):
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
