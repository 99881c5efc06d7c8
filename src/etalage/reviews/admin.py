"""Reviews in the back-office: the operator reads what was reported, hides a
review with a reason (its author is told) or keeps it (the reports are closed)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from etalage.core.admin_decisions import decide_with_form
from etalage.core.admin_read_only import ReadOnlyAdmin
from etalage.reviews.models import Review, ReviewPhoto, ReviewReport
from etalage.reviews.services import reports_dismiss, review_hide


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is hidden (the author reads it)"), max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class ReportInline(ReadOnlyAdmin, admin.TabularInline):
    model = ReviewReport
    fields = ["reason", "details", "by", "created_at", "resolved_at"]
    readonly_fields = fields
    extra = 0


class PhotoInline(ReadOnlyAdmin, admin.TabularInline):
    model = ReviewPhoto
    fields = ["thumbnail", "width", "height"]
    readonly_fields = fields
    extra = 0


class OpenReports(admin.SimpleListFilter):
    title = _("reports")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", _("Reported, not judged")), ("hidden", _("Hidden"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(reports__resolved_at__isnull=True).distinct()
        if self.value() == "hidden":
            return queryset.filter(hidden_at__isnull=False)
        return queryset


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "created_at", "product", "stars", "language", "text", "open_reports",
        "replied_at", "hidden_at",
    ]  # fmt: skip
    list_filter = [OpenReports, "stars", "language"]
    search_fields = ["text", "line__sub_order__number", "product__slug"]
    list_select_related = ["product"]
    inlines = [PhotoInline, ReportInline]
    actions = ["hide", "keep"]
    fields = [
        "product", "merchant", "line", "stars", "language", "text", "edited_at",
        "follow_up", "follow_up_at", "reply", "replied_at", "hidden_at",
        "hidden_reason", "hidden_by",
    ]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _open=Count("reports", filter=Q(reports__resolved_at__isnull=True))
            )
        )

    @admin.display(description=_("open reports"), ordering="_open")
    def open_reports(self, review):
        return review._open

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("reviews.change_review")

    @admin.action(
        description=_("Hide the selected reviews, with a reason"),
        permissions=["change"],
    )
    def hide(self, request, queryset):
        return decide_with_form(
            self, request, queryset, action="hide", form_class=HideForm,
            intro=_("Hidden reviews leave the pages and the ratings; each author "
                    "is told why by email."),
            submit=_("Hide"),
            decide=lambda review, data: review_hide(
                review=review, by=request.user, reason=data["reason"]
            ),
        )  # fmt: skip

    @admin.action(
        description=_("Keep the selected reviews (close their reports)"),
        permissions=["change"],
    )
    def keep(self, request, queryset):
        for review in queryset:
            reports_dismiss(review=review, by=request.user)
