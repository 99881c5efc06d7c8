"""Search: the results page with its facets, and suggestions as the buyer types.
Thin: the search context does the work."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from babel import Locale
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from etalage.catalog.models import Category
from etalage.merchants.models import Merchant
from etalage.money.formatting import cldr_locale
from etalage.search.selectors import (
    PER_PAGE,
    PRICE_RANGES,
    SORTS,
    Filters,
    search_products,
    search_suggest,
)
from etalage.search.text import MAX_QUERY_CHARS
from etalage.web.request_data import request_category_tree, request_market
from etalage.web.storefront.cards import cards_of
from etalage.web.storefront.search_html import search_body_html

PARAMETERS = (
    "q",
    "category",
    "merchant",
    "origin",
    "in_stock",
    "stars",
    "price",
    "sort",
)


def _filters(request, tree, currency: str) -> tuple[Filters, dict[str, str]]:
    """The filters the query string asks for; what it asks that is not understood
    is left out (and so not kept in the links)."""
    chosen: dict[str, str] = {}
    filters = Filters()
    node = tree.by_slug.get(request.GET.get("category", ""))
    if node is not None:
        filters.category = Category.objects.filter(pk=node.id).first()
        chosen["category"] = node.slug
    slug = request.GET.get("merchant", "")
    merchant = (
        Merchant.objects.filter(slug=slug, status=Merchant.Status.APPROVED).first()
        if slug
        else None
    )
    if merchant is not None:
        filters.merchant, chosen["merchant"] = merchant, merchant.slug
    origin = request.GET.get("origin", "").upper()
    if len(origin) == 2 and origin.isalpha():
        filters.origin, chosen["origin"] = origin, origin
    if request.GET.get("in_stock") == "1":
        filters.in_stock, chosen["in_stock"] = True, "1"
    if request.GET.get("stars") == "4":
        filters.min_stars, chosen["stars"] = 4, "4"
    ranges = PRICE_RANGES.get(currency, PRICE_RANGES["EUR"])
    price = request.GET.get("price", "")
    if price.isdigit() and int(price) < len(ranges):
        low, high = ranges[int(price)]
        filters.price_min = Decimal(low)
        filters.price_max = Decimal(high) if high is not None else None
        chosen["price"] = price
    return filters, chosen


def _link(base: dict[str, str], **changes: str | None) -> str:
    values = {**base, **changes}
    return "?" + urlencode({k: v for k, v in values.items() if v})


def search(request):
    language = get_language()
    market, pricing = request_market(request)
    tree = request_category_tree(request)
    text = request.GET.get("q", "").strip()
    filters, chosen = _filters(request, tree, market.currency)
    sort = request.GET.get("sort", "")
    sort = sort if sort in SORTS else "relevance"
    page = request.GET.get("page", "1")
    page_number = int(page) if page.isdigit() and 0 < int(page) < 1000 else 1
    notes = []
    if len(text) > MAX_QUERY_CHARS:
        notes.append(
            _("Only the first %(count)s characters of your search were used.")
            % {"count": MAX_QUERY_CHARS}
        )
    results = None
    if text:
        results = search_products(
            text=text,
            market_code=market.code,
            currency=market.currency,
            filters=filters,
            sort=sort,
            page=page_number,
            cards=True,
        )
        if not results.query.words:
            notes.append(
                _(
                    "Your search has no letters, characters or digits to look "
                    "for. Try a word, such as 啤酒 or chocolate."
                )
            )
    base = {
        "q": text[:MAX_QUERY_CHARS],
        **chosen,
        "sort": sort if sort != "relevance" else "",
    }
    if results and results.total and page_number > _last_page(results):
        # A page past the last (an old link, a hand-typed number): the last one.
        return redirect(request.path + _link(base, page=str(_last_page(results))))
    facets = _facet_links(results, tree, base, market.currency) if results else {}
    context = {
        "text": text[:MAX_QUERY_CHARS],
        "results": results,
        "notes": notes,
        "cards": cards_of(results.cards or results.products, pricing, language)
        if results
        else [],
        "facets": facets,
        # Nothing found: the categories the words belong to, named in the language.
        "related": [
            tree.by_id[c.pk] for c in results.related_categories if c.pk in tree.by_id
        ]
        if results
        else [],
        # The filters in use, each a link that takes it away (shown as chips).
        "chosen": chosen,
        "in_use": [f for values in facets.values() for f in values if f["on"]],
        "sorts": [
            (s, _link(base, sort=s if s != "relevance" else None, page=None), s == sort)
            for s in SORTS
        ],
        "pages": _pages(results, page_number, base) if results else {},
    }
    # The body written by Python (``search_html``), held to the template it replaced.
    context["body"] = search_body_html(context, market.currency)
    return render(request, "etalage/storefront/search.html", context)


def _facet_links(results, tree, base, currency):
    """Each facet's values as links that add (or, when chosen, remove) the filter."""
    links = {}
    countries = Locale.parse(cldr_locale(get_language())).territories
    for name in ("category", "merchant", "origin"):
        entries = []
        for f in results.facets.get(name, []):
            if name == "category":
                node = tree.by_id.get(f["object"].pk) if f.get("object") else None
                if node is None:
                    continue
                value, label = node.slug, node.name
            elif name == "merchant":
                if not f.get("object"):
                    continue
                value, label = f["object"].slug, f["object"].name
            else:  # a country's code, named in the reader's language
                value, label = f["value"], countries.get(f["value"], f["value"])
            on = base.get(name) == value
            entries.append(
                {
                    "label": label,
                    "count": f["count"],
                    "on": on,
                    "url": _link(base, **{name: None if on else value, "page": None}),
                }
            )
        links[name] = entries
    ranges = PRICE_RANGES.get(currency, PRICE_RANGES["EUR"])
    links["price"] = [
        {
            "label": f"{low}–{high}" if high else f"≥ {low}",
            "count": f["count"],
            "on": base.get("price") == str(i),
            "url": _link(base, price=None if base.get("price") == str(i) else str(i)),
        }
        for i, ((low, high), f) in enumerate(
            zip(ranges, results.facets.get("price", []), strict=False)
        )
        if f["count"] or base.get("price") == str(i)
    ]
    stocked = results.facets.get("in_stock", [{"count": 0}])[0]["count"]
    links["in_stock"] = [
        {
            "label": _("In stock"),
            "count": stocked,
            "on": base.get("in_stock") == "1",
            "url": _link(base, in_stock=None if base.get("in_stock") else "1"),
        }
    ]
    rated = results.facets.get("stars", [{"count": 0}])[0]["count"]
    links["stars"] = [
        {
            "label": _("4 stars and up"),
            "count": rated,
            "on": base.get("stars") == "4",
            "url": _link(base, stars=None if base.get("stars") else "4", page=None),
        }
    ]
    return links


def _last_page(results) -> int:
    return max(1, -(-results.total // PER_PAGE))


def _pages(results, number, base):
    last = _last_page(results)
    return {
        "number": number,
        "last": last,
        "previous": _link(base, page=str(number - 1)) if number > 1 else "",
        "next": _link(base, page=str(number + 1)) if number < last else "",
    }


def suggest(request):
    """Suggestions for the header's search box (an htmx fragment)."""
    text = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    language = get_language()
    found = search_suggest(text, cards=True) if text else None
    tree = request_category_tree(request)
    market, pricing = request_market(request)
    return render(
        request,
        "etalage/storefront/_suggest.html",
        {
            "text": text,
            "products": cards_of(found.cards or found.products, pricing, language)
            if found
            else [],
            "categories": [
                tree.by_id[c.pk] for c in found.categories if c.pk in tree.by_id
            ]
            if found
            else [],
            "merchants": found.merchants if found else [],
        },
    )
