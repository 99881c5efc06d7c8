from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from etalage.catalog.models import (
    Category,
    CategoryTranslation,
    PavilionEntry,
    Product,
    ProductImage,
    ProductTranslation,
    Variant,
)
from etalage.catalog.services import (
    product_approve,
    product_image_add,
    product_price_from_refresh,
    product_reject,
)
from etalage.core.admin_decisions import decide_with_form
from etalage.core.languages import pick_translation


class CategoryTranslationInline(admin.TabularInline):
    model = CategoryTranslation
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "parent", "position"]
    list_editable = ["position"]
    list_filter = ["parent"]
    search_fields = ["slug", "translations__name"]
    inlines = [CategoryTranslationInline]


class ProductTranslationInline(admin.StackedInline):
    model = ProductTranslation
    extra = 0


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = [
        "sku",
        "gtin",
        "attributes",
        "price_eur",
        "weight_grams",
        "position",
        "is_active",
    ]


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    can_delete = True
    fields = ["preview", "width", "height", "is_illustration", "position"]
    readonly_fields = ["preview", "width", "height"]

    def has_add_permission(self, request, obj=None):
        return (
            False  # images are added through the upload field, which makes thumbnails
        )

    @admin.display(description=_("image"))
    def preview(self, obj):
        return format_html(
            '<img src="{}" width="96" height="96" alt="">', obj.thumbnail.url
        )


class ProductAdminForm(forms.ModelForm):
    new_image = forms.ImageField(
        label=_("Add an image"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at least 200 px; thumbnails are made for you."),
    )
    new_image_is_illustration = forms.BooleanField(
        label=_("The new image is an illustration"), required=False
    )

    class Meta:
        model = Product
        fields = [
            "merchant",
            "category",
            "slug",
            "brand",
            "hs_code",
            "origin_country",
            "tax_class",
        ]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, shown to the merchant"), widget=forms.Textarea, max_length=2000
    )


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductAdminForm
    list_display = [
        "picture",
        "name",
        "merchant",
        "category",
        "status",
        "price_from_eur",
        "hs_code",
        "submitted_at",
        "reviewed_at",
    ]
    list_display_links = ["picture", "name"]
    list_filter = ["status", "merchant", "category", "tax_class"]
    list_select_related = ["merchant", "category"]
    search_fields = ["slug", "brand", "hs_code", "translations__name", "variants__sku"]
    autocomplete_fields = ["merchant", "category"]
    readonly_fields = [
        "status",
        "rejection_reason",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
        "price_from_eur",
        "created_at",
        "updated_at",
    ]
    inlines = [ProductTranslationInline, VariantInline, ProductImageInline]
    actions = ["approve", "reject"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                "translations",
                Prefetch("images", ProductImage.objects.order_by("position", "id")),
            )
        )

    @admin.display(description=_("picture"))
    def picture(self, product):
        images = list(product.images.all())
        if not images:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="48" height="48" style="object-fit:cover">',
            images[0].thumbnail.url,
        )

    @admin.display(description=_("name"), ordering="slug")
    def name(self, product):
        """The name in the operator's language, else the first there is."""
        translation = pick_translation(product.translations.all(), get_language())
        return translation.name if translation else product.slug

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        return queryset, may_have_duplicates

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)

        product_price_from_refresh(product=form.instance)
        upload = form.cleaned_data.get("new_image")
        if upload:
            try:
                product_image_add(
                    product=form.instance,
                    data=upload.read(),
                    is_illustration=form.cleaned_data.get(
                        "new_image_is_illustration", False
                    ),
                )
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)

    @admin.action(description=_("Approve: put the selected listings live"))
    def approve(self, request, queryset):
        approved = 0
        for product in queryset.prefetch_related(Prefetch("translations")):
            try:
                product_approve(product=product, reviewer=request.user)
            except ValidationError as exc:
                self.message_user(
                    request,
                    _("Listing %(product)s cannot go live: %(problems)s")
                    % {"product": product.slug, "problems": " ".join(exc.messages)},
                    messages.ERROR,
                )
            else:
                approved += 1
        if approved:
            self.message_user(
                request, f"{approved} listing(s) are live.", messages.SUCCESS
            )

    @admin.action(description=_("Reject the selected listings, with a reason"))
    def reject(self, request, queryset):
        return decide_with_form(
            self,
            request,
            queryset,
            action="reject",
            form_class=RejectForm,
            intro=_("These listings will be rejected; the merchant sees the reason:"),
            submit=_("Reject"),
            decide=lambda product, data: product_reject(
                product=product, reviewer=request.user, reason=data["reason"]
            ),
        )


@admin.register(PavilionEntry)
class PavilionEntryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "merchant", "product", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_select_related = ["merchant", "product"]
    autocomplete_fields = ["merchant", "product"]
    fieldsets = [
        (None, {"fields": ["merchant", "product", "position", "is_active"]}),
        (_("Story"), {"fields": ["story_zh_hans", "story_fr", "story_nl", "story_en"]}),
    ]
