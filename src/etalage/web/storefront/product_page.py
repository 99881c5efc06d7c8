"""The product page: the catalogue's read of the product kept per language, its
body rendered once per language, market and running sales (``web.fragments``),
and what moves with each view (the delivery window, the buyer's coupon
standings, the view count) put in per request.

Three reads make a first view cheap: the product in plain values
(``catalog.selectors.product_page``, no model built), the sales running now on its
variants with the moment the next starts or ends, the stock; the body is shaped
in Python from them and rendered by one small template. A view again reads the
product's data, its body and its reviews from the shared cache and makes no
query: the kept data is old from the moment a sale on the product starts or ends
(its ``until``), and a sale set or ended early is a change of the product, so a
sale shows from its first second to its last though the body is kept a while.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

from etalage.analytics.product_views import product_view_count
from etalage.catalog.selectors import ProductPage, product_page
from etalage.inventory.services import stock_available_by_kind
from etalage.orders.transit_times import delivery_windows
from etalage.pricing.strategy import MarketStrategy
from etalage.promotions.models import SalePrice
from etalage.promotions.selectors import sale_prices_in_force_until
from etalage.web.fragments import CSRF_SLOT, cached_fragment
from etalage.web.presenters import estimate_view, price_text, variant_view
from etalage.web.request_data import request_category_tree, request_market
from etalage.web.storefront.cart import promise_view
from etalage.web.storefront.promotions import (
    promotions_filled,
    promotions_html,
    promotions_shown,
)
from etalage.web.storefront.reviews import reviews_section

PROMISE_SLOT = mark_safe("<promise-slot/>")  # noqa: S308 (a constant, not input)


def product_page_view(request: HttpRequest, slug: str) -> HttpResponse:
    language = get_language()
    market, _pricing = request_market(request)
    page, sales = _page_data(request, slug, language)
    prices = {variant_id: sale.price_eur for variant_id, sale in sales.items()}
    # The body differs with the prices it shows, and the promotions kept with it
    # with when each sale ends: the sales running are in its key.
    running = ",".join(
        f"{v}={sale.price_eur}@{sale.ends_at.isoformat()}"
        for v, sale in sorted(sales.items())
    )
    # So do the promotions it shows (reference data): they are kept with it.
    shown = promotions_shown(request, page)

    def rendered() -> dict[str, Any]:
        promotions = promotions_html(request, page, sales, shown)
        return {**_product_body(request, page, prices), "promotions": promotions}

    body = cached_fragment(
        request,
        key=f"product:{slug}:{language}:{market.code}:{running}:{shown!r}",
        scopes=[f"product:{slug}"],
        render=rendered,
    )
    product_view_count(page.id)
    tree = request_category_tree(request)
    return render(
        request,
        "etalage/storefront/product.html",
        {
            "body": {**body, "html": _with_promise(request, body)},
            "category": tree.by_id.get(page.category_id),
            # The reader's own coupon standings: put in the kept promotions' slots.
            "promotions": promotions_filled(request, body["promotions"], shown),
            "reviews": reviews_section(request, page.id, slug),
        },
    )


def _page_data(
    request: HttpRequest, slug: str, language: str
) -> tuple[ProductPage, dict[UUID, SalePrice]]:
    """The product's page data in ``language`` and the sales running on its
    variants, kept in the shared cache until the product changes or, by the
    clock, one of its sales starts or ends (and its data in every language, kept
    until the product changes, from which each language's is taken)."""

    def whole() -> dict[str, Any]:
        page = product_page(slug=slug)
        if page is None:
            raise Http404("no such product")
        return {"html": "", "page": page}

    def read() -> dict[str, Any]:
        # Every language's data kept too: a first view in another language reads
        # only the sales.
        page: ProductPage = cached_fragment(
            request,
            key=f"product-data:{slug}",
            scopes=[f"product:{slug}"],
            render=whole,
        )["page"]
        sales: dict[UUID, SalePrice] = {}
        until = None
        if page.variants:
            sales, until = sale_prices_in_force_until(
                variant_ids=[v.id for v in page.variants], now=timezone.now()
            )
        return {
            "html": "",
            "page": page.in_language(language),
            "sales": sales,
            "until": until,
        }

    kept = cached_fragment(
        request,
        key=f"product-data:{slug}:{language}",
        scopes=[f"product:{slug}"],
        render=read,
    )
    return kept["page"], kept["sales"]


def _with_promise(request: HttpRequest, body: dict[str, Any]) -> SafeString:
    """The product's body with today's delivery window in its slot (the body is
    shared for a while; the window moves with the day, so it is put in here)."""
    html = str(body["html"])
    route = body.get("route")
    promise = ""
    if route and PROMISE_SLOT in html:
        window = delivery_windows([route])[route]
        promise = render_to_string(
            "etalage/storefront/_promise.html",
            {"sub": promise_view(window, request_market(request)[1])},
        )  # (no context processors: the window is all it shows)
    return mark_safe(html.replace(PROMISE_SLOT, promise))  # noqa: S308 (templates)


def _available(
    page: ProductPage, pricing: MarketStrategy
) -> tuple[dict[UUID, int], Any]:
    """Units of each variant the market's warehouses hold, and the route of the
    first of them, by the market's priority, holding any."""
    kinds = list(pricing.stock_sources(page.hs_code))
    by_kind = stock_available_by_kind(
        variant_ids=[v.id for v in page.variants], kinds=kinds
    )
    available: dict[UUID, int] = {}
    for (variant_id, _kind), units in by_kind.items():
        available[variant_id] = available.get(variant_id, 0) + units
    stocked = {kind for (_v, kind), units in by_kind.items() if units > 0}
    route = next((pricing.route_for(k) for k in kinds if k in stocked), None)
    return available, route


def _product_body(
    request: HttpRequest, page: ProductPage, sales: dict[UUID, Decimal]
) -> dict[str, Any]:
    """The product page's body (a fragment: ``web.fragments``), its title and
    description, in the request's language and market, at the prices of the
    sales running now (a variant on sale is priced, estimated and shown at its
    sale price, as the cart charges it)."""
    language = get_language()
    _market, pricing = request_market(request)
    available, route = _available(page, pricing) if page.variants else ({}, None)
    # The page's variants are shaped by the presenters the other pages use.
    priced = [replace(v, price_eur=sales.get(v.id, v.price_eur)) for v in page.variants]
    cheapest = min(priced, key=lambda v: (v.price_eur, v.position), default=None)
    name = page.name(language)
    text = page.text(language)
    main = None
    if cheapest is not None:
        main = pricing.shown_price(
            cheapest.price_eur,
            tax_class=page.tax_class,
            weight_grams=cheapest.weight_grams,
            net=cheapest.net,
        )
    html = render_to_string(
        "etalage/storefront/_product.html",
        {
            "csrf_token": CSRF_SLOT,
            "page": page,
            "merchant_url": reverse("web:merchant", args=[page.merchant_slug]),
            "name": name,
            "text": text,
            "text_language": text.language if text else language,
            "category": request_category_tree(request).by_id.get(page.category_id),
            "images": page.images,
            "variants": [
                variant_view(v, page, pricing, language, available.get(v.id, 0))
                for v in priced
            ],
            "estimate": estimate_view(cheapest, page, pricing, language)
            if cheapest
            else None,
            "price": price_text(main, language),
            "price_is_from": len(priced) > 1,
            "merchant_story": page.merchant_story(language),
            "promise_slot": PROMISE_SLOT,
            # What it reads of the context processors', given without running
            # them: the fragment reads no person.
            "shop": {"pricing": pricing},
            "LANGUAGE_CODE": language,
        },
    )
    return {
        "html": html,
        "route": str(route) if route and pricing.takes_orders else "",
        "title": f"{name} · {page.merchant_name}",
        "description": Truncator(text.description if text else "").chars(150),
        "category_id": page.category_id,
        "product_id": page.id,
    }
