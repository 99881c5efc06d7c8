"""The merchant portal's products: list, create, edit texts side by side, variants,
images, and submit for review. Owners and catalogue managers only; another
merchant's product answers 404."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import formset_factory
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from etalage.catalog.models import (
    NET_UNIT_CHOICES,
    Category,
    ListingChange,
    Product,
    ProductImage,
    TaxClass,
)
from etalage.catalog.product_save import (
    NewImage,
    ProductFields,
    VariantEdit,
    product_save,
)
from etalage.catalog.selectors import (
    listing_change_latest,
    listing_change_pending,
    listing_change_rows,
)
from etalage.catalog.services import (
    ProductText,
    VariantData,
    product_image_delete,
    product_submit_for_review,
)
from etalage.catalog.validators import (
    validate_net_content,
    validate_price_eur,
    validate_sku,
    validate_weight_grams,
)
from etalage.catalog.variant_rules import (
    NET_CONTENT_MAX,
    PRICE_CEILING_EUR,
    SKU_MAX_LENGTH,
    WEIGHT_MAX_GRAMS,
)
from etalage.core.languages import Language
from etalage.core.text import validate_multiline_text, validate_text
from etalage.inventory.models import Stock
from etalage.inventory.services import merchant_warehouse, stock_counts_record
from etalage.merchants.permissions import CATALOGUE_ROLES
from etalage.web.access import merchant_member
from etalage.web.forms import add_service_errors, posted_or_404
from etalage.web.portal.sale_prices import sales_by_product
from etalage.web.request_data import request_category_tree


class ProductForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    brand = forms.CharField(
        label=_("Brand"), max_length=120, validators=[validate_text]
    )
    hs_code = forms.CharField(
        label=_("HS code"), max_length=20, help_text=_("10 digits")
    )
    tax_class = forms.ChoiceField(label=_("CBEC tax class"), choices=TaxClass.choices)
    origin_country = forms.CharField(
        label=_("Country of origin"), max_length=2, initial="BE"
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for root in categories:
            choices.append((str(root.id), root.name))
            choices += [(str(child.id), f"— {child.name}") for child in root.children]
        self.fields["category"].choices = choices
        for code, _label in Language.choices:
            self.fields[f"name_{code}"] = forms.CharField(
                label=_("Name"), max_length=200, required=False,
                validators=[validate_text],
            )  # fmt: skip
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description"),
                widget=forms.Textarea(attrs={"rows": 5}),
                required=False,
                validators=[validate_multiline_text],
            )
            self.fields[f"ingredients_{code}"] = forms.CharField(
                label=_("Ingredients or materials"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                validators=[validate_multiline_text],
            )

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"name_{code}", "").strip() for code in Language.values):
            self.add_error("name_en", _("A product needs a name in one language."))
        return cleaned

    def texts(self) -> dict[str, ProductText]:
        data = self.cleaned_data
        return {
            code: ProductText(
                name=data[f"name_{code}"],
                description=data[f"description_{code}"],
                ingredients=data[f"ingredients_{code}"],
            )
            for code in Language.values
            if data[f"name_{code}"].strip()
        }

    def languages(self):
        return [
            {
                "code": code,
                "label": label,
                "fields": [
                    self[f"{f}_{code}"] for f in ("name", "description", "ingredients")
                ],
            }
            for code, label in Language.choices
        ]


def _number_input(low: object, high: object, step: object = 1) -> forms.NumberInput:
    """The rule's bounds as the browser's hints; the rule itself is checked here."""
    return forms.NumberInput(attrs={"min": low, "max": high, "step": step})


class VariantForm(forms.Form):
    """A variant's card. Its values are checked by the catalogue's rules
    (``catalog.variant_rules``), the same as the API's and the import's."""

    sku = forms.CharField(
        label=_("SKU"),
        validators=[validate_text],
        widget=forms.TextInput(attrs={"maxlength": SKU_MAX_LENGTH}),
    )
    gtin = forms.CharField(label=_("GTIN"), max_length=14, required=False)
    price_eur = forms.DecimalField(
        label=_("Price (EUR)"),
        validators=[validate_price_eur],
        widget=_number_input("0.01", PRICE_CEILING_EUR - Decimal("0.01"), "0.01"),
    )
    weight_grams = forms.IntegerField(
        label=_("Shipping weight (g)"),
        validators=[validate_weight_grams],
        widget=_number_input(1, WEIGHT_MAX_GRAMS),
    )
    net_content = forms.IntegerField(
        label=_("Net content"),
        help_text=_("What one unit holds: 330 ml, 250 g, 10 pieces."),
        validators=[validate_net_content],
        widget=_number_input(1, NET_CONTENT_MAX),
    )
    # (an initial value, so that the empty card for a new variant stays unchanged)
    net_unit = forms.ChoiceField(
        label=_("Unit"), choices=NET_UNIT_CHOICES, initial=NET_UNIT_CHOICES[0][0]
    )
    attributes = forms.CharField(
        label=_("Attributes"),
        required=False,
        help_text=_("One a line: flavour: dark"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_multiline_text],
    )
    is_active = forms.BooleanField(label=_("On sale"), required=False, initial=True)

    def clean_sku(self):
        sku = self.cleaned_data["sku"]
        if sku != self.initial.get("sku"):  # a stored SKU is not judged again
            validate_sku(sku)
        return sku

    def clean_attributes(self):
        attributes = {}
        for number, line in enumerate(self.cleaned_data["attributes"].splitlines(), 1):
            if not line.strip():
                continue
            key, sep, value = line.partition(":")
            if not sep or not key.strip() or not value.strip():
                raise ValidationError(
                    _("Line %(n)d: write name: value."), params={"n": number}
                )
            attributes[key.strip().lower()] = value.strip()
        return attributes

    def data_object(self) -> VariantData:
        d = self.cleaned_data
        return VariantData(
            sku=d["sku"],
            price_eur=d["price_eur"],
            weight_grams=d["weight_grams"],
            net_content=d["net_content"],
            net_unit=d["net_unit"],
            gtin=d["gtin"],
            attributes=d["attributes"],
        )


VariantFormSet = formset_factory(VariantForm, extra=1, can_delete=False)


def _attributes_text(attributes: dict) -> str:
    lines = []
    for key, value in attributes.items():
        if isinstance(value, dict):
            value = value.get("en") or next(iter(value.values()), "")
        lines.append(f"{key}: {value}")
    return "\n".join(lines)


@merchant_member(CATALOGUE_ROLES)
def product_list(request):
    merchant = request.membership.merchant
    products = Product.objects.filter(merchant=merchant).prefetch_related(
        "translations"
    )
    status = request.GET.get("status", "")
    if status in Product.Status.values:
        products = products.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        products = products.filter(
            Q(translations__name__icontains=query)
            | Q(variants__sku__icontains=query)
            | Q(merchant_ref__icontains=query)
        ).distinct()
    shown = list(products.order_by("-updated_at")[:200])
    sales = sales_by_product(shown)
    return render(
        request,
        "etalage/portal/products.html",
        {
            "merchant": merchant,
            "products": [
                (product, _portal_name(product, merchant), sales.get(product.pk, []))
                for product in shown
            ],
            "statuses": Product.Status.choices,
            "status": status,
            "query": query,
        },
    )


def _portal_name(product, merchant) -> str:
    """The product's name as its merchant reads it: in the portal's language, else
    the merchant's own, else any (never the slug when a name exists)."""
    translations = [t for t in product.translations.all() if t.name]
    by_language = {t.language: t.name for t in translations}
    return (
        by_language.get(get_language())
        or by_language.get(merchant.language)
        or next(iter(by_language.values()), product.slug)
    )


def _save(request, merchant, product, form, variants):
    """Write the product, its texts, its new and changed variants and a new
    picture, all or nothing (``product_save``); a refusal shows on its field."""
    rows = [
        row
        for row in variants
        if row.cleaned_data
        and row.cleaned_data.get("sku")
        and (product is None or not row.initial.get("pk") or row.has_changed())
    ]
    upload = request.FILES.get("image")
    data = form.cleaned_data
    try:
        return product_save(
            merchant=merchant,
            product=product,
            fields=ProductFields(
                category=Category.objects.get(pk=data["category"]),
                brand=data["brand"],
                hs_code=data["hs_code"],
                tax_class=data["tax_class"],
                origin_country=data["origin_country"].upper(),
            ),
            texts=form.texts(),
            variants=[
                VariantEdit(
                    data=row.data_object(),
                    variant_id=row.initial.get("pk"),
                    is_active=row.cleaned_data["is_active"],
                )
                for row in rows
            ],
            image=NewImage(
                data=upload.read(),
                is_illustration=bool(request.POST.get("image_is_illustration")),
            )
            if upload
            else None,
        )
    except ValidationError as error:
        _show_refusal(form, rows, error)
        return None


_VARIANT_FIELD = re.compile(r"variants\.(\d+)\.(\w+)")


def _show_refusal(form, rows, error: ValidationError) -> None:
    """Show a refusal on its field: a variant's (``variants.1.sku``) on its card,
    the rest on the product's form."""
    if hasattr(error, "error_dict"):
        rest = {}
        for name, errors in error.error_dict.items():
            match = _VARIANT_FIELD.fullmatch(name)
            index = int(match[1]) if match else len(rows)
            if index < len(rows) and match[2] in rows[index].fields:
                for each in errors:
                    rows[index].add_error(match[2], each)
            else:
                rest[name] = errors
        if not rest:
            return
        error = ValidationError(rest)
    add_service_errors(form, error)


@merchant_member(CATALOGUE_ROLES)
def product_edit(request, pk=None):
    merchant = request.membership.merchant
    product = None
    if pk is not None:
        product = get_object_or_404(
            Product.objects.prefetch_related("translations", "variants", "images"),
            pk=pk,
            merchant=merchant,
        )
    categories = request_category_tree(request).roots
    if request.method == "POST" and "submit_for_review" in request.POST and product:
        try:
            product_submit_for_review(product=product)
        except ValidationError as error:
            request.session["portal_problem"] = error.messages[0]
        else:
            messages.success(request, _("The product is submitted for review."))
        return redirect("web:portal-product", pk=product.pk)
    if request.method == "POST" and "set_stock" in request.POST and product:
        _set_stock(request, merchant, product)
        return redirect("web:portal-product", pk=product.pk)
    if request.method == "POST" and "delete_image" in request.POST and product:
        product_image_delete(
            image=posted_or_404(
                ProductImage.objects.filter(product=product),
                request.POST["delete_image"],
            )
        )
        return redirect("web:portal-product", pk=product.pk)

    change = listing_change_latest(product) if product is not None else None
    pending = change if change and change.status == change.Status.PENDING else None
    initial, variant_initial = _initial(product, pending) if product else ({}, [])
    post = request.POST if request.method == "POST" else None
    form = ProductForm(post, initial=initial, categories=categories)
    variants = VariantFormSet(post, initial=variant_initial, prefix="variants")
    if post is not None and form.is_valid() and variants.is_valid():
        saved = _save(request, merchant, product, form, variants)
        if saved is not None:
            if listing_change_pending(saved):
                messages.success(request, _(
                    "The product is saved. The changes to its names, customs code, "
                    "tax class, origin, category or net content wait for the "
                    "marketplace's review; the approved version stays on sale "
                    "until then."
                ))  # fmt: skip
            else:
                messages.success(request, _("The product is saved."))
            return redirect("web:portal-product", pk=saved.pk)
    return render(
        request,
        "etalage/portal/product_form.html",
        {
            "merchant": merchant,
            "product": product,
            "name": _portal_name(product, merchant) if product else "",
            "form": form,
            "variants": variants,
            "problem": request.session.pop("portal_problem", None),
            "stock_rows": _stock_rows(merchant, product) if product else [],
            "change": change,
            "change_rows": listing_change_rows(change, get_language())
            if change and change.status != ListingChange.Status.APPROVED
            else [],
        },
    )


def _initial(product: Product, pending: ListingChange | None) -> tuple[dict, list]:
    """The form's values: the product as it is, with the changes waiting for
    review in place of the approved values (the merchant edits what it proposed)."""
    proposed = pending.fields if pending else {}
    initial = {
        "category": proposed.get("category", str(product.category_id)),
        "brand": product.brand,
        **{name: proposed.get(name, getattr(product, name))
           for name in ("hs_code", "tax_class", "origin_country")},
    }  # fmt: skip
    for t in product.translations.all():
        initial.update({f"name_{t.language}": t.name,
                        f"description_{t.language}": t.description,
                        f"ingredients_{t.language}": t.ingredients})  # fmt: skip
    for language, text in (pending.texts if pending else {}).items():
        initial.update({f"{field}_{language}": value for field, value in text.items()})
    nets = pending.nets if pending else {}
    variant_initial = []
    for v in product.variants.all():
        content, unit = nets.get(str(v.pk), (v.net_content, v.net_unit))
        variant_initial.append({
            "pk": v.pk, "sku": v.sku, "gtin": v.gtin, "price_eur": v.price_eur,
            "weight_grams": v.weight_grams, "net_content": content, "net_unit": unit,
            "attributes": _attributes_text(v.attributes), "is_active": v.is_active,
        })  # fmt: skip
    return initial, variant_initial


def _stock_rows(merchant, product):

    warehouse = merchant_warehouse(merchant=merchant)
    levels = {
        s.variant_id: s
        for s in Stock.objects.filter(warehouse=warehouse, variant__product=product)
    }
    return [
        {
            "variant": variant,
            "on_hand": levels[variant.pk].on_hand if variant.pk in levels else 0,
            "allocated": levels[variant.pk].allocated if variant.pk in levels else 0,
        }
        for variant in product.variants.all()
    ]


def _set_stock(request, merchant, product):
    """Record the counted stock of the variants given, all or none
    (``stock_counts_record``); a refusal names the SKU."""
    counts = []
    for variant in product.variants.all():
        value = request.POST.get(f"stock-{variant.pk}", "").strip()
        if value == "":
            continue
        try:
            counts.append((variant, int(value)))
        except ValueError:
            request.session["portal_problem"] = (
                f"{variant.sku}: {_('Enter a whole number.')}"
            )
            return
    try:
        stock_counts_record(
            warehouse=merchant_warehouse(merchant=merchant),
            counts=counts,
            by=request.user,
            note="count in the portal",
        )
    except ValidationError as error:
        sku, messages_ = next(iter(error.message_dict.items()))
        request.session["portal_problem"] = f"{sku}: {messages_[0]}"
