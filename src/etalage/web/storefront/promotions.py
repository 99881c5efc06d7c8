"""Promotions on the storefront's pages: the coupons a product page offers and
claiming one, the shop's offers and the flash sale beside the price, and the
buyer's claimed coupons at checkout."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from etalage.catalog.selectors import ProductPage, variant_label
from etalage.core.reference import reference_cached
from etalage.money import format_money
from etalage.promotions.models import SalePrice
from etalage.promotions.selectors import (
    claimed_coupons,
    coupon_standings,
    offer_of,
    offers_in_force,
    shop_claimable_coupons,
)
from etalage.promotions.services import PromotionRefused, coupon_claim
from etalage.promotions.texts import offer_label
from etalage.web.access import buyer_required
from etalage.web.fragments import CSRF_SLOT, csrf_token
from etalage.web.request_data import request_market

NEXT_SLOT = mark_safe("<promotions-next/>")  # noqa: S308 (a constant, not input)


def claimed_coupon_choices(*, buyer_id: object, language: str) -> list[tuple[str, str]]:
    """The buyer's coupons to choose from at checkout: (key, what it takes off)."""
    return [
        (str(p.pk), offer_label(offer_of(p), language))
        for p in claimed_coupons(buyer_id=buyer_id, now=timezone.now())
    ]


PromotionsShown = tuple[list[tuple[str, str]], list[str]]


def promotions_shown(request: HttpRequest, page: ProductPage) -> PromotionsShown:
    """The coupons to claim on a product's page, ``[(key, label)]``, and the shop's
    offers that apply to it: reference data, kept like the rates for the reference
    cache's seconds (a new promotion shows within them)."""
    language = get_language()
    # The shop's coupons and offers are the same on each of its pages: kept once a
    # shop, with the products each applies to (none: all).
    coupons = [
        (key, label)
        for products, key, label in reference_cached(
            f"shop-coupons:{page.merchant_id}:{language}",
            lambda: _coupons_shown(page.merchant_id, language),
        )
        if not products or str(page.id) in products
    ]
    offers = [
        label
        for products, label in reference_cached(
            f"shop-offers:{page.merchant_id}:{language}",
            lambda: _offers_shown(page.merchant_id, language),
        )
        if not products or str(page.id) in products
    ]
    return coupons, offers


def promotions_html(
    request: HttpRequest,
    page: ProductPage,
    sales: dict[UUID, SalePrice],
    shown: PromotionsShown,
) -> str:
    """A product page's promotions as every reader sees them (kept with the page's
    body: ``web.fragments``): the coupons to claim, the shop's spend-and-save and
    free shipping, and each variant's flash sale with its price struck through and
    when it ends (Beijing time), for the sales running now (``sales``, by
    variant). The reader's own parts are slots: the token, the way back, and each
    coupon's button, which says the reader's standing (``promotions_filled``)."""
    flash = []
    if sales:
        _market, pricing = request_market(request)
        flash = _sales_shown(page, sales, pricing, get_language())
    return promotions_rendered(shown, flash)


def promotions_rendered(shown: PromotionsShown, flash: list[dict]) -> str:
    """The promotions' template with its slots (``promotions_html``)."""
    coupons, offers = shown
    if not (coupons or offers or flash):
        return ""
    return render_to_string(
        "etalage/storefront/_promotions.html",
        {
            "coupons": [(key, label, _standing_slot(key)) for key, label in coupons],
            "offers": offers,
            "sales": flash,
            "next": NEXT_SLOT,
            "csrf_token": CSRF_SLOT,
        },
    )


def promotions_filled(
    request: HttpRequest, html: str, shown: PromotionsShown
) -> SafeString:
    """The kept promotions with this request's token, way back and, on each
    coupon, the reader's standing: "Used", "Claimed", "Claim" for a signed-in
    buyer who has not claimed it, "Sign in to claim" for a visitor."""
    if not html:
        return mark_safe("")
    keys = [key for key, _label in shown[0]]
    if not keys:
        return mark_safe(html)  # noqa: S308 (rendered by its template)
    user = request.user
    signed_in = bool(user.is_authenticated)
    standings = coupon_standings(
        buyer_id=user.pk if signed_in else None, promotion_ids=keys
    )
    path = request.get_full_path()
    html = html.replace(CSRF_SLOT, csrf_token(request))
    html = html.replace(NEXT_SLOT, escape(path))
    for key in keys:
        button = _standing_button(standings.get(key, ""), signed_in, path)
        html = html.replace(_standing_slot(key), button)
    return mark_safe(html)  # noqa: S308 (a template's, its slots escaped)


def _standing_slot(key: str) -> SafeString:
    return mark_safe(f"<coupon-standing-{key}/>")  # noqa: S308 (a promotion's UUID)


def _standing_button(standing: str, signed_in: bool, path: str) -> str:
    if standing == "used":
        return format_html(
            '<button type="button" class="secondary" disabled>{}</button>',
            pgettext("coupon", "Used"),
        )
    if standing == "claimed":
        return format_html(
            '<button type="button" class="secondary" disabled>{}</button>',
            pgettext("coupon", "Claimed"),
        )
    if signed_in:
        return format_html(
            '<button type="submit" class="secondary">{}</button>', _("Claim")
        )
    return format_html(
        '<a href="{}?next={}">{}</a>',
        reverse("web:login"),
        urlencode(path),
        _("Sign in to claim"),
    )


def _coupons_shown(
    merchant_id: UUID, language: str
) -> list[tuple[frozenset, str, str]]:
    """The shop's coupons to claim: the products each applies to (none: all), its
    key and its label."""
    coupons = shop_claimable_coupons(merchant_id=merchant_id, now=timezone.now())
    return [
        (offer.products, str(promotion.pk), offer_label(offer, language))
        for promotion, offer in coupons
    ]


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
