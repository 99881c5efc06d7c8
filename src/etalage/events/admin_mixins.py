"""Back-office pages whose rows every shown price depends on."""

from __future__ import annotations

from typing import Any

from etalage.events.outbox import event_record
from etalage.events.types import PricingChanged


class PricingInputAdmin:
    """Saving or deleting a row here changes what prices buyers see (a market's
    margin, a tax class rate, a freight band): say so with ``PricingChanged``, in
    the same transaction."""

    def _pricing_changed(self, obj: Any, what: str) -> None:
        event_record(PricingChanged(reason=f"{obj._meta.model_name} {what}"))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        self._pricing_changed(obj, "saved")

    def delete_model(self, request, obj):
        super().delete_model(request, obj)  # type: ignore[misc]
        self._pricing_changed(obj, "deleted")

    def delete_queryset(self, request, queryset):
        model = queryset.model
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        event_record(PricingChanged(reason=f"{model._meta.model_name} deleted"))
