"""Promotions on the storefront's pages: the coupons a product page offers and
claiming one, the shop's offers and the flash sale beside the price, and the
buyer's claimed coupons at checkout."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from etalage.catalog.selectors import ProductPage, variant_label
from etalage.core.reference import reference_cached
from etalage.money import format_money
from etalage.promotions.models import SalePrice
from etalage.promotions.selectors import (
    claimable_coupons,
    claimed_coupons,
    offer_of,
    offers_in_force,
)
from etalage.promotions.services import PromotionRefused, coupon_claim
from etalage.promotions.texts import offer_label
from etalage.web.access import buyer_required
from etalage.web.request_data import request_market


def claimed_coupon_choices(*, buyer_id: object, language: str) -> list[tuple[str, str]]:
    """The buyer's coupons to choose from at checkout: (key, what it takes off)."""
    return [
        (str(p.pk), offer_label(offer_of(p), language))
        for p in claimed_coupons(buyer_id=buyer_id, now=timezone.now())
    ]


def promotions_section(
    request: HttpRequest, page: ProductPage, sales: dict[UUID, SalePrice]
) -> str:
    """A product page's promotions, rendered per request outside the page's shared
    cached body: the coupons to claim, the shop's spend-and-save and free shipping,
    and each variant's flash sale with its price struck through and when it ends
    (Beijing time). The coupons and offers shown are reference data, kept like the
    rates for the reference cache's seconds (a new promotion shows within them);
    the sales are those running now (``sales``, by variant: read with the page on
    every view), so that one shows from its first second to its last."""
    language = get_language()
    _market, pricing = request_market(request)
    coupons = reference_cached(
        f"product-coupons:{page.slug}:{language}",
        lambda: _coupons_shown(page, language),
    )
    # The shop's offers are the same on each of its pages: kept once a shop.
    offers = [
        label
        for products, label in reference_cached(
            f"shop-offers:{page.merchant_id}:{language}",
            lambda: _offers_shown(page.merchant_id, language),
        )
        if not products or str(page.id) in products
    ]
    flash = _sales_shown(page, sales, pricing, language) if sales else []
    if not (coupons or offers or flash):
        return ""
    return render_to_string(
        "etalage/storefront/_promotions.html",
        {
            "coupons": coupons,
            "offers": offers,
            "sales": flash,
            "next": request.get_full_path(),
        },
        request,
    )


def _coupons_shown(page: ProductPage, language: str) -> list[tuple[str, str]]:
    coupons = claimable_coupons(
        merchant_id=page.merchant_id, product_id=page.id, now=timezone.now()
    )
    prefetch_related_objects(coupons, "products")  # offer_of reads each one's
    return [(str(p.pk), offer_label(offer_of(p), language)) for p in coupons]


def _offers_shown(merchant_id: UUID, language: str) -> list[tuple[frozenset, str]]:
    """The shop's spend-and-save and free shipping in force: the products each
    applies to (none: all) and its label."""
    in_force = offers_in_force(merchant_ids=[merchant_id], now=timezone.now())
    return [
        (offer.products, offer_label(offer, language))
        for _promotion, offer in in_force.values()
    ]


def _sales_shown(
    page: ProductPage, sales: dict[UUID, SalePrice], pricing, language: str
) -> list[dict]:
    return [
        _sale_view(v, sales[v.id], page, pricing, language)
        for v in page.variants
        if v.id in sales
    ]


def _sale_view(variant, sale, page, pricing, language: str) -> dict:
    def shown(amount_eur):
        price = pricing.shown_price(
            amount_eur,
            tax_class=page.tax_class,
            weight_grams=variant.weight_grams,
            net=variant.net,
        )
        return format_money(price, language) if price is not None else ""

    return {
        "label": variant_label(variant, language),
        "price": shown(sale.price_eur),
        "regular": shown(variant.price_eur),
        "ends_at": sale.ends_at,
    }


@buyer_required
@require_POST
def coupon_claim_view(request: HttpRequest, key: UUID) -> HttpResponse:
    """Claim a coupon from a product page; back to it, saying what happened."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = "/"
    try:
        coupon_claim(promotion_id=key, buyer=request.user)
    except PromotionRefused as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(
            request, _("The coupon is yours: find it in My account and at checkout.")
        )
    return redirect(back or "/")
