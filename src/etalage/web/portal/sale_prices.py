"""Timed sale prices on a product's variants in the portal (owner and catalogue
roles): the sales to come, running and past, a new one (price in EUR, window in
Beijing time) and ending one. The rules (below the regular price, one sale at a
time per variant, an active variant) are the promotions service's; stock is not
touched: a sale sells the stock there is."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from etalage.catalog.models import Product, Variant
from etalage.merchants.permissions import CATALOGUE_ROLES
from etalage.money import Money, format_money
from etalage.promotions.models import SalePrice
from etalage.promotions.selectors import variant_sales
from etalage.promotions.services import (
    PromotionRefused,
    sale_price_end,
    sale_price_set,
)
from etalage.web.access import merchant_member
from etalage.web.forms import add_service_errors, posted_or_404
from etalage.web.portal.promotions import _beijing, _moment_input


def eur(amount) -> str:
    """An amount in euros as the reader writes it: 10,00 € in French."""
    return format_money(Money(amount, "EUR"), get_language() or "en")


class SalePriceForm(forms.Form):
    variant = forms.ChoiceField(label=_("Variant"))
    price_eur = forms.DecimalField(
        label=_("Sale price (EUR)"), min_value=0, max_digits=12, decimal_places=2
    )
    starts_at = forms.DateTimeField(
        label=_("Starts (Beijing time)"), widget=_moment_input()
    )
    ends_at = forms.DateTimeField(
        label=_("Ends (Beijing time)"), widget=_moment_input()
    )

    def __init__(self, *args, variants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["variant"].choices = [
            (str(v.pk), f"{v.sku} · {eur(v.price_eur)}") for v in variants
        ]


@merchant_member(CATALOGUE_ROLES)
def sale_prices(request: HttpRequest, pk) -> HttpResponse:
    """A product's sale prices, and a new one (another shop's product: 404)."""
    merchant = request.membership.merchant  # type: ignore[attr-defined]
    product = get_object_or_404(
        Product.objects.prefetch_related("variants"), pk=pk, merchant=merchant
    )
    variants = list(product.variants.all())
    form = SalePriceForm(request.POST or None, variants=variants)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        variant = next(v for v in variants if str(v.pk) == data["variant"])
        try:
            sale_price_set(
                variant=variant,
                price_eur=data["price_eur"],
                starts_at=_beijing(data["starts_at"]),
                ends_at=_beijing(data["ends_at"]),
            )
        except PromotionRefused as refused:
            add_service_errors(form, refused)
        else:
            messages.success(request, _("The sale price is saved."))
            return redirect("web:portal-sale-prices", pk=product.pk)
    sales = (
        SalePrice.objects.filter(variant__product=product)
        .select_related("variant")
        .order_by("-starts_at")
    )
    return render(
        request,
        "etalage/portal/sale_prices.html",
        {
            "merchant": merchant,
            "product": product,
            "form": form,
            "sales": sales,
            "now": timezone.now(),
        },
    )


@merchant_member(CATALOGUE_ROLES)
def sale_price_end_view(request: HttpRequest, pk, key) -> HttpResponse:
    """End one of the product's sales now (another shop's: 404)."""
    merchant = request.membership.merchant  # type: ignore[attr-defined]
    sale = posted_or_404(
        SalePrice.objects.filter(
            variant__product_id=pk, variant__product__merchant=merchant
        ).select_related("variant__merchant"),
        str(key),
    )
    if request.method == "POST":
        sale_price_end(sale=sale)
        messages.success(request, _("The sale has ended."))
    return redirect("web:portal-sale-prices", pk=pk)


def sales_by_product(
    products: Iterable[Product], now: datetime | None = None
) -> dict[object, list[SalePrice]]:
    """For the product list: each product's sales running now or to come, one per
    variant (two queries, whatever the number of products)."""
    variants = {
        v.pk: v.product_id
        for v in Variant.objects.filter(product__in=list(products)).only(
            "pk", "product_id"
        )
    }
    found: dict[object, list[SalePrice]] = {}
    for variant_id, sale in variant_sales(
        variant_ids=variants, now=now or timezone.now()
    ).items():
        found.setdefault(variants[variant_id], []).append(sale)
    return found
