from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from etalage.catalog.changes import listing_change_approve, listing_change_reject
from etalage.catalog.listing_prices import product_price_from_refresh
from etalage.catalog.models import (
    Category,
    CategoryTranslation,
    ListingChange,
    PavilionEntry,
    Product,
    ProductImage,
    ProductTranslation,
    Variant,
)
from etalage.catalog.selectors import (
    listing_change_pending,
    listing_change_rows,
    net_content_text,
)
from etalage.catalog.services import (
    product_approve,
    product_image_add,
    product_image_delete,
    product_reject,
)
from etalage.catalog.validators import (
    validate_price_eur,
    validate_sku,
    validate_weight_grams,
)
from etalage.core.admin_decisions import decide_with_form
from etalage.core.languages import pick_translation
from etalage.events.outbox import event_record
from etalage.events.types import MerchantChanged, ProductsChanged


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


class VariantForm(forms.ModelForm):
    """Narrow inputs, so that a product's variants fit a laptop's screen."""

    class Meta:
        model = Variant
        fields = ["sku", "gtin", "price_eur", "weight_grams", "position", "is_active"]
        widgets = {
            "sku": forms.TextInput(attrs={"size": 14}),
            "gtin": forms.TextInput(attrs={"size": 14}),
            "price_eur": forms.NumberInput(attrs={"style": "width: 7em"}),
            "weight_grams": forms.NumberInput(attrs={"style": "width: 6em"}),
            "position": forms.NumberInput(attrs={"style": "width: 4em"}),
        }

    # The catalogue's rules, as the merchants' doors apply them.
    def clean_sku(self):
        sku = self.cleaned_data["sku"]
        if sku != self.initial.get("sku"):  # a stored SKU is not judged again
            validate_sku(sku)
        return sku

    def clean_price_eur(self):
        validate_price_eur(self.cleaned_data["price_eur"])
        return self.cleaned_data["price_eur"]

    def clean_weight_grams(self):
        validate_weight_grams(self.cleaned_data["weight_grams"])
        return self.cleaned_data["weight_grams"]


class VariantInline(admin.TabularInline):
    model = Variant
    form = VariantForm
    extra = 0
    fields = [
        "sku",
        "gtin",
        "attributes_text",
        "price_eur",
        "weight_grams",
        "net",
        "position",
        "is_active",
    ]
    # The merchant owns its attributes and net content (a change to the net
    # content of a live listing comes to review as a change of its own).
    readonly_fields = ["attributes_text", "net"]

    @admin.display(description=_("attributes"))
    def attributes_text(self, variant):
        """One line per attribute, in the operator's language."""
        language = get_language()
        lines = []
        for name, value in variant.attributes.items():
            if isinstance(value, dict):
                value = (
                    value.get(language)
                    or value.get("en")
                    or next(iter(value.values()), "")
                )
            lines.append((name, value))
        if not lines:
            return "—"
        return format_html_join(format_html("<br>"), "{}: {}", lines)

    @admin.display(description=_("net content"))
    def net(self, variant):
        return net_content_text(variant)


class ProductImageFormSet(forms.BaseInlineFormSet):
    def delete_existing(self, obj, commit=True):
        """A picture ticked for deletion goes through the catalogue's service,
        which records it and has its files deleted from storage."""
        if commit:
            product_image_delete(image=obj)


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    formset = ProductImageFormSet
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

    def get_urls(self):
        decide = self.admin_site.admin_view(require_POST(self.decide_view))
        return [
            path("<uuid:object_id>/decide/", decide, name="catalog_product_decide"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        product = self.get_object(request, object_id)
        change = listing_change_pending(product) if product else None
        rows = listing_change_rows(change, get_language()) if change else []
        context = {**(extra_context or {}), "pending_change_rows": rows}
        if product:  # its name, not its slug, over the form
            context["subtitle"] = self.name(product)
        return super().change_view(request, object_id, form_url, context)

    def decide_view(self, request, object_id):
        """Approve or reject the listing, or its pending change, from its page."""
        product = get_object_or_404(Product, pk=object_id)
        if not self.has_change_permission(request, product):
            raise PermissionDenied
        decision, reason = request.POST.get("decision"), request.POST.get("reason", "")
        change = listing_change_pending(product)
        decisions = {
            "approve": lambda: product_approve(product=product, reviewer=request.user),
            "reject": lambda: product_reject(
                product=product, reviewer=request.user, reason=reason
            ),
            "approve_change": lambda: (
                change and listing_change_approve(change=change, reviewer=request.user)
            ),
            "reject_change": lambda: (
                change
                and listing_change_reject(
                    change=change, reviewer=request.user, reason=reason
                )
            ),
        }
        if decision not in decisions:
            self.message_user(request, _("Choose a decision."), messages.ERROR)
        else:
            try:
                decisions[decision]()
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, _("Decision recorded."), messages.SUCCESS)
        return redirect(reverse("admin:catalog_product_change", args=[product.pk]))

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


def _featured_changed(entries: list[tuple[Any, Any]]) -> None:
    """The products and merchants (``(product_id, merchant_id)`` pairs) whose
    place in the pavilion changed: search ranks featured ones first, so it is
    told, in the same transaction, as it is of any listing or merchant change."""
    products = sorted({p for p, _m in entries if p}, key=str)
    if products:
        event_record(ProductsChanged(product_ids=tuple(products)))
    for merchant in sorted({m for p, m in entries if m and not p}, key=str):
        event_record(MerchantChanged(merchant_id=merchant))


@admin.register(PavilionEntry)
class PavilionEntryAdmin(admin.ModelAdmin):
    """The pavilion's featured merchants and products; each change reaches
    search (``_featured_changed``)."""

    list_display = ["__str__", "merchant", "product", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_select_related = ["merchant", "product"]
    autocomplete_fields = ["merchant", "product"]
    fieldsets = [
        (None, {"fields": ["merchant", "product", "position", "is_active"]}),
        (_("Story"), {"fields": ["story_zh_hans", "story_fr", "story_nl", "story_en"]}),
    ]

    def save_model(self, request, obj, form, change):
        before = (form.initial.get("product"), form.initial.get("merchant"))
        super().save_model(request, obj, form, change)
        _featured_changed([before, (obj.product_id, obj.merchant_id)])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _featured_changed([(obj.product_id, obj.merchant_id)])

    def delete_queryset(self, request, queryset):
        entries = list(queryset.values_list("product_id", "merchant_id"))
        super().delete_queryset(request, queryset)
        _featured_changed(entries)


@admin.register(ListingChange)
class ListingChangeAdmin(admin.ModelAdmin):
    """Changes merchants made to live listings, waiting for review; each is
    decided on its product's page, or several at once here."""

    list_display = ["product_link", "merchant", "status", "created_at", "reviewed_at"]
    list_filter = ["status"]
    list_select_related = ["product__merchant"]
    search_fields = ["product__slug", "product__translations__name"]
    readonly_fields = ["product", "status", "what", "rejection_reason", "created_at",
                       "reviewed_at", "reviewed_by"]  # fmt: skip
    fields = readonly_fields
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("product"), ordering="product__slug")
    def product_link(self, change):
        url = reverse("admin:catalog_product_change", args=[change.product_id])
        return format_html('<a href="{}">{}</a>', url, change.product.slug)

    @admin.display(description=_("merchant"))
    def merchant(self, change):
        return change.product.merchant.name

    @admin.display(description=_("changes"))
    def what(self, change):
        rows = listing_change_rows(change, get_language())
        return format_html_join(
            format_html("<br>"), "{}: {} → {}", ((r.label, r.before, r.after)
                                                  for r in rows),
        )  # fmt: skip

    @admin.action(description=_("Approve the selected changes"))
    def approve(self, request, queryset):
        return decide_with_form(
            self, request, queryset.filter(status=ListingChange.Status.PENDING),
            action="approve", form_class=forms.Form,
            intro=_("These changes will go live on their listings:"),
            submit=_("Approve"),
            decide=lambda change, data: listing_change_approve(
                change=change, reviewer=request.user
            ),
        )  # fmt: skip

    @admin.action(description=_("Refuse the selected changes, with a reason"))
    def reject(self, request, queryset):
        return decide_with_form(
            self, request, queryset.filter(status=ListingChange.Status.PENDING),
            action="reject", form_class=RejectForm,
            intro=_("These changes will be refused; the merchant sees the reason:"),
            submit=_("Refuse"),
            decide=lambda change, data: listing_change_reject(
                change=change, reviewer=request.user, reason=data["reason"]
            ),
        )  # fmt: skip
