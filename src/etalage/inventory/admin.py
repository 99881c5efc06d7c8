from django.contrib import admin

from etalage.core.admin_read_only import ReadOnlyAdmin
from etalage.inventory.models import Stock, StockMovement, Warehouse


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "merchant", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "merchant__name"]
    autocomplete_fields = ["merchant"]


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin):
    """Stock is read here; it changes only through movements (the services)."""

    list_display = ["variant", "warehouse", "on_hand", "allocated"]
    list_filter = ["warehouse__kind", "warehouse"]
    search_fields = ["variant__sku", "warehouse__code"]
    list_select_related = ["variant", "warehouse"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "at",
        "stock",
        "reason",
        "on_hand_delta",
        "allocated_delta",
        "by",
        "note",
    ]
    list_filter = ["reason"]
    search_fields = ["stock__variant__sku", "note"]
    list_select_related = ["stock__variant", "stock__warehouse", "by"]
