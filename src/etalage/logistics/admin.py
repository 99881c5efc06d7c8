"""Logistics in the back-office (read-only: parcels move through the hub's screens,
the merchants' portal and the carriers' pushes): every parcel with its steps,
flights and bags, carriers' pushes as they came, the sandbox carrier's shipments."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from etalage.core.admin_read_only import ReadOnlyAdmin
from etalage.logistics.models import (
    Bag,
    CarrierPush,
    Flight,
    HubScan,
    Parcel,
    SandboxShipment,
    TrackingEvent,
)
from etalage.logistics.selectors import (
    LATE_AFTER,
    parcels_late,
    parcels_late_to_hand_over,
)
from etalage.orders.admin import SubOrderAdmin


class LateFilter(admin.SimpleListFilter):
    title = _("late at")
    parameter_name = "late"

    def lookups(self, request, model_admin):
        return [
            ("any", _("any step")),
            ("hub", _("the hub (handed over 2 days ago, not received)")),
            ("departure", _("departure (received 2 days ago, not flown)")),
            ("arrival", _("arrival (flying for 2 days)")),
            ("release", _("customs (arrived 3 days ago, not released)")),
            ("delivery", _("delivery (with the carrier for 7 days)")),
        ]

    def queryset(self, request, queryset):
        if self.value() in LATE_AFTER:
            return queryset.filter(pk__in=parcels_late(self.value()).values("pk"))
        if self.value() == "any":
            late = Q()
            for step in LATE_AFTER:
                late |= Q(pk__in=parcels_late(step).values("pk"))
            return queryset.filter(late)
        return queryset


class LateToTheHubFilter(admin.SimpleListFilter):
    """The orders' sub-orders whose parcel has not reached the hub's hands in time
    (logistics' rule, added to the orders' list here: orders cannot know it)."""

    title = _("late to reach the hub")
    parameter_name = "late_to_hub"

    def lookups(self, request, model_admin):
        return [("1", _("paid, not with the hub after the handling days"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(pk__in=parcels_late_to_hand_over().values("pk"))
        return queryset


SubOrderAdmin.list_filter = [*SubOrderAdmin.list_filter, LateToTheHubFilter]


class TrackingEventInline(ReadOnlyAdmin, admin.TabularInline):
    model = TrackingEvent
    fields = ["at", "step", "place", "detail", "source", "reference"]
    readonly_fields = fields
    extra = 0


class HubScanInline(ReadOnlyAdmin, admin.TabularInline):
    model = HubScan
    fk_name = "parcel"
    fields = ["at", "outcome", "grams", "refusal", "note", "by", "corrects", "reason"]
    readonly_fields = fields
    extra = 0


@admin.register(Parcel)
class ParcelAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "code",
        "sub_order",
        "state",
        "declared_grams",
        "measured_grams",
        "refusal",
        "bag",
        "carrier",
        "waybill",
        "updated_at",
    ]
    list_filter = [LateFilter, "state", "refusal", "carrier"]
    search_fields = ["code", "waybill", "sub_order__order__number"]
    list_select_related = ["sub_order", "bag"]
    inlines = [HubScanInline, TrackingEventInline]


@admin.register(Flight)
class FlightAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "mawb",
        "airline",
        "flight_number",
        "destination",
        "departed_at",
        "arrived_at",
    ]
    search_fields = ["mawb", "flight_number"]


@admin.register(Bag)
class BagAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["code", "flight", "sealed_at"]
    search_fields = ["code"]


@admin.register(CarrierPush)
class CarrierPushAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "carrier",
        "webhook_id",
        "verdict",
        "events_count",
        "reason",
    ]
    list_filter = ["carrier", "verdict"]
    search_fields = ["webhook_id", "body"]


@admin.register(SandboxShipment)
class SandboxShipmentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["waybill", "parcel_code", "pushed", "created_at"]
    search_fields = ["waybill", "parcel_code"]
