"""Reviews in the back-office: the operator reads what was reported, hides a
review with a reason (its author is told) or keeps it (the reports are closed)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from etalage.core.admin_decisions import decide_with_form
from etalage.core.admin_read_only import ReadOnlyAdmin
from etalage.reviews.models import (
    HideReason,
    ModerationDecision,
    Review,
    ReviewPhoto,
    ReviewReport,
)
from etalage.reviews.moderation import reports_dismiss, review_hide, review_show


class HideForm(forms.Form):
    code = forms.ChoiceField(label=_("Why it is hidden"), choices=HideReason.choices)
    reason = forms.CharField(
        label=_("In your words (the author reads them)"), max_length=500,
        required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class ShowForm(forms.Form):
    reason = forms.CharField(
        label=_("In your words (the author reads them)"), max_length=500,
        required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class DecisionInline(ReadOnlyAdmin, admin.TabularInline):
    model = ModerationDecision
    fields = ["created_at", "action", "code", "reason", "by", "reports_closed",
              "told"]  # fmt: skip
    readonly_fields = fields
    extra = 0


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
    inlines = [PhotoInline, ReportInline, DecisionInline]
    actions = ["hide", "keep", "show"]
    fields = [
        "product", "merchant", "line", "stars", "language", "text", "edited_at",
        "follow_up", "follow_up_at", "reply", "replied_at", "reply_hidden_at",
        "reply_hidden_code", "reply_hidden_reason", "hidden_at", "hidden_code",
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
                review=review, by=request.user, code=data["code"],
                reason=data["reason"],
            ),
        )  # fmt: skip

    @admin.action(
        description=_("Show the selected hidden reviews again"),
        permissions=["change"],
    )
    def show(self, request, queryset):
        return decide_with_form(
            self, request, queryset, action="show", form_class=ShowForm,
            intro=_("Shown again, the reviews count in the ratings again; each "
                    "author is told by email."),
            submit=_("Show again"),
            decide=lambda review, data: review_show(
                review=review, by=request.user, reason=data["reason"]
            ),
        )  # fmt: skip

    @admin.action(
        description=_("Keep the selected reviews (close their reports)"),
        permissions=["change"],
    )
    def keep(self, request, queryset):
        for review in queryset:
            try:
                reports_dismiss(review=review, by=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{review}: {' '.join(error.messages)}", messages.ERROR
                )

    def changelist_view(self, request, extra_context=None):
        extra = {"queue_url": reverse("review-queue"), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Every decision on reviews and replies, kept: who, when, what, why."""

    list_display = ["created_at", "action", "code", "reason", "by", "review",
                    "reports_closed", "told"]  # fmt: skip
    list_filter = ["action", "code"]
    list_select_related = ["by", "review"]
    search_fields = ["reason", "review__id"]
