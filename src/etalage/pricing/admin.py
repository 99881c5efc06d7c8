from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from etalage.events.admin_mixins import PricingInputAdmin
from etalage.pricing.ecb import EcbFileError
from etalage.pricing.models import ExchangeRate, ExchangeRateImport, FreightRate, Market
from etalage.pricing.services import exchange_rates_import


@admin.register(Market)
class MarketAdmin(PricingInputAdmin, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "country",
        "currency",
        "default_language",
        "fx_margin_percent",
        "is_active",
        "position",
    ]
    list_editable = ["fx_margin_percent", "is_active", "position"]

    def has_delete_permission(self, request, obj=None):
        return False  # orders and prices refer to markets: deactivate one instead


class EcbUploadForm(forms.Form):
    file = forms.FileField(
        label=_("ECB reference-rate file"),
        help_text=_(
            "eurofxref-daily.xml, eurofxref-hist-90d.xml, eurofxref-hist.xml, "
            "eurofxref-hist.csv, eurofxref.csv or their ZIP."
        ),
    )


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["rate_date", "currency", "rate", "source", "imported_at"]
    list_filter = ["currency"]
    search_fields = ["currency"]
    date_hierarchy = "rate_date"
    change_list_template = "admin/pricing/exchangerate/change_list.html"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # rates are the ECB's: a corrected file replaces them

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="pricing_exchangerate_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        # An import changes every price: only who may add exchange rates may do it.
        if not request.user.has_perm("pricing.add_exchangerate"):
            raise PermissionDenied
        form = EcbUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = exchange_rates_import(
                    data=upload.read(), file_name=upload.name, imported_by=request.user
                )
            except EcbFileError as exc:
                form.add_error(
                    "file",
                    _("%(file)s: %(error)s. Nothing was imported.")
                    % {"file": upload.name, "error": exc},
                )
            else:
                self.message_user(
                    request,
                    _(
                        "%(file)s: %(first)s to %(last)s, %(created)d rates added, "
                        "%(updated)d corrected, %(unchanged)d unchanged."
                    )
                    % {
                        "file": result.file_name,
                        "first": result.first_date,
                        "last": result.last_date,
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                    },
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:pricing_exchangerate_changelist"))
        return render(
            request,
            "admin/pricing/import.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Import an ECB reference-rate file"),
                "form": form,
                "opts": self.model._meta,
            },
        )


@admin.register(ExchangeRateImport)
class ExchangeRateImportAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "file_name",
        "file_format",
        "first_date",
        "last_date",
        "created",
        "updated",
        "unchanged",
        "imported_by",
    ]
    list_select_related = ["imported_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FreightRate)
class FreightRateAdmin(PricingInputAdmin, admin.ModelAdmin):
    list_display = ["route", "max_grams", "price_cny", "effective_from"]
    list_filter = ["route"]
    date_hierarchy = "effective_from"
