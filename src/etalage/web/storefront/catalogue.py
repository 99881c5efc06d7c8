"""The storefront's catalogue: the home page, categories, merchants, a product,
the market switch. Fetch through selectors, shape with presenters, render."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from etalage.catalog import selectors as catalog
from etalage.merchants.models import Merchant
from etalage.search.selectors import products_listed
from etalage.web.forms import ListingFilterForm, MarketForm
from etalage.web.fragments import CSRF_SLOT, LISTINGS, cached_fragment
from etalage.web.middleware import MARKET_COOKIE
from etalage.web.presenters import merchant_text, product_card
from etalage.web.request_data import (
    CachedCountPaginator,
    merchant_choices,
    request_category_tree,
    request_market,
)
from etalage.web.storefront.cards import cards_of
from etalage.web.storefront.product_page import product_page_view
from etalage.web.storefront.reviews import merchant_rating_context

HOME_NEWEST = 8
LISTING_PARAMETERS = frozenset({"page", "sort", "price_min", "price_max", "merchant"})


def home(request):
    language = get_language()
    market, pricing = request_market(request)
    tree = request_category_tree(request)
    featured_merchants, featured_products = catalog.pavilion_entries()
    newest = _newest(market.code)
    return render(
        request,
        "etalage/storefront/home.html",
        {
            "categories": tree.roots,
            "featured_merchants": [
                {
                    "merchant": entry.merchant,
                    "text": merchant_text(entry.merchant, language),
                    "story": entry.story(language),
                }
                for entry in featured_merchants
            ],
            "featured_products": [
                {
                    "card": product_card(entry.product, pricing, language),
                    "story": entry.story(language),
                }
                for entry in featured_products
            ],
            "newest": cards_of(newest, pricing, language),
        },
    )


def _newest(market_code: str) -> list:
    """The pavilion's newest products as the listings' "newest" orders them, from
    the search index (a listing of the whole catalogue: its cost does not grow
    with it; the database's newest walked every visible product, seconds at a
    million on SQLite), or from the database while this node has no index."""
    listing = products_listed(
        market_code=market_code, sort="newest", limit=HOME_NEWEST, cards=True
    )
    if listing is None:
        return list(catalog.storefront_products()[:HOME_NEWEST])
    return listing.cards or listing.products


def _listing(
    request, *, template, context, category_ids=None, merchant=None, cache_key=""
):
    """The listing's context (filters, the page of cards) added to ``context``, and
    the page rendered with ``template`` (only the results for htmx's requests)."""
    _listing_context(request, context, category_ids, merchant, cache_key)
    if _results_only(request):
        return render(request, "etalage/storefront/_results.html", context)
    return render(request, template, context)


def _results_only(request) -> bool:
    return bool(
        request.headers.get("HX-Request")
        and request.headers.get("HX-Target") == "results"
    )


def _listing_context(request, context, category_ids, merchant, cache_key) -> None:
    language = get_language()
    market, pricing = request_market(request)
    merchants = [] if merchant else merchant_choices(category_ids, cache_key)
    form = ListingFilterForm(request.GET or None, merchants=merchants)
    filters = form.cleaned_data if form.is_valid() else {}
    page = _indexed_page(request, filters, market.code, category_ids, merchant)
    if page is None:  # this node has no search index yet: from the database
        products = catalog.storefront_products(
            category_ids=category_ids,
            merchant=merchant,
            merchant_slug=filters.get("merchant") or None,
            market_code=market.code,
            price_min=filters.get("price_min"),
            price_max=filters.get("price_max"),
            sort=filters.get("sort") or catalog.Sort.NEWEST,
        )
        page = CachedCountPaginator(products, settings.ETALAGE_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        {
            "form": form,
            "page": page,
            "cards": cards_of(page.object_list, pricing, language),
            "query": query.urlencode(),
        }
    )


class _IndexedPage:
    """One page of a listing as the search index gave it, for Django's paginator
    (which asks for the count, then for that page's slice)."""

    def __init__(self, products, total, offset):
        self.products, self.total, self.offset = products, total, offset

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, part):
        return self.products[part.start - self.offset : part.stop - self.offset]


LISTING_SORTS = {"newest": "newest", "price": "price_low", "-price": "price_high"}


def _indexed_page(request, filters, market_code, category_ids, merchant):
    """The listing's page served by the search index (a search with filters and
    no words), or None when this node has no index yet."""
    size = settings.ETALAGE_PAGE_SIZE
    asked = request.GET.get("page", "")
    number = int(asked) if asked.isdigit() and 0 < int(asked) < 10_000 else 1
    merchant_id = merchant.pk if merchant is not None else None
    if filters.get("merchant"):
        merchant_id = (
            Merchant.objects.filter(slug=filters["merchant"])
            .values_list("pk", flat=True)
            .first()
        )
    arguments = {
        "market_code": market_code,
        "category_ids": category_ids,
        "merchant_id": merchant_id,
        "price_min": filters.get("price_min"),
        "price_max": filters.get("price_max"),
        "sort": LISTING_SORTS.get(filters.get("sort") or "newest", "newest"),
        "limit": size,
        "cards": True,  # what the index stored of each: no product row read
    }
    listing = products_listed(offset=(number - 1) * size, **arguments)
    if listing is None:
        return None
    if listing.total and (number - 1) * size >= listing.total:  # past the end
        number = -(-listing.total // size)
        listing = products_listed(offset=(number - 1) * size, **arguments)
    rows = _IndexedPage(
        listing.cards or listing.products, listing.total, (number - 1) * size
    )
    return Paginator(rows, size).get_page(number)


def category(request, slug):
    tree = request_category_tree(request)
    node = tree.by_slug.get(slug)
    if node is None:
        raise Http404("no such category")
    results_only = _results_only(request)
    template = "_results.html" if results_only else "_category.html"

    def body():
        context = {"category": node, "categories": tree.roots, "csrf_token": CSRF_SLOT}
        _listing_context(request, context, node.descendant_ids(), None, node.slug)
        html = render_to_string(f"etalage/storefront/{template}", context, request)
        return {"html": html}

    market, _pricing = request_market(request)
    query = sorted(request.GET.lists())
    # Only the listing's own parameters make a page worth keeping: anything else
    # would let any query string fill the cache.
    listing = set(request.GET) <= LISTING_PARAMETERS
    body_html = cached_fragment(
        request,
        key=f"category:{slug}:{get_language()}:{market.code}:{template}:{query}"
        if listing
        else "",
        scopes=[f"category:{slug}", LISTINGS],
        render=body,
    )["html"]
    if results_only:
        return HttpResponse(body_html)
    return render(
        request,
        "etalage/storefront/category.html",
        {"category": node, "body": {"html": body_html}},
    )


def merchant(request, slug):
    try:
        found = catalog.storefront_merchant(slug=slug)
    except Merchant.DoesNotExist:
        raise Http404("no such merchant") from None
    return _listing(
        request,
        template="etalage/storefront/merchant.html",
        context={
            "merchant": found,
            "text": merchant_text(found, get_language()),
            "rating": merchant_rating_context(found),
        },
        merchant=found,
    )


def merchants(request):
    language = get_language()
    return render(
        request,
        "etalage/storefront/merchants.html",
        {
            "merchants": [
                {"merchant": m, "text": merchant_text(m, language)}
                for m in catalog.storefront_merchants()
            ]
        },
    )


def product(request, slug):
    """A product's page (``web.storefront.product_page``)."""
    return product_page_view(request, slug)


@require_POST
def market_switch(request):
    form = MarketForm(request.POST)
    target = "/"
    if form.is_valid():
        candidate = form.cleaned_data["next"] or "/"
        if url_has_allowed_host_and_scheme(
            candidate,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        ):
            target = candidate
    response = HttpResponseRedirect(target)
    if form.is_valid():
        response.set_cookie(
            MARKET_COOKIE,
            form.cleaned_data["market"].upper(),
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    return response
