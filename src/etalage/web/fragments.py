"""Rendered parts of storefront pages, shared by every worker while what they show
is unchanged.

The body of a product page or of a category page is most of its cost: the queries,
the prices in the market's currency with the estimated tax, the template. It is the
same for everyone who reads it in one language and one market, but for the viewer's
CSRF token (the fragment holds a slot for it, filled on the way out; escaped text
can never contain the slot). So it is kept in the shared cache under what it shows,
with the *generations* of what it depends on:

- ``product:<slug>``: bumped when ``ProductsChanged`` names the product;
- ``category:<slug>``: bumped when a product in the category or under it changes;
- ``listings``: every listing (``MerchantChanged``: a merchant suspended or approved
  takes its listings out or puts them back);
- ``prices``: every price (``PricingChanged``: rates, margins, taxes, freight).

One round trip to the cache reads a fragment and the current generations together;
a fragment rendered at an older generation is rendered again. The generations are
read before rendering, so a change that commits while a fragment renders makes it
old at once. Stock is not followed (it moves with every order): a fragment lives
``ETALAGE_FRAGMENT_CACHE_SECONDS``, so the availability a page shows is at most that
old, and a product moved to another category, or renamed, leaves its old category's
listing, or its old address, within that time too. Placing an order checks the
stock itself. Without a shared cache (Redis) it is off: one process's memory would
not hear the background worker's invalidations.

A fragment may also say when the clock makes it old: an ``until`` (an aware
datetime) in its dict, such as the moment the next sale on a product starts or
ends; it is rendered again at the first view from that moment on, whatever its
lifetime.

The fragments' templates read no person: no ``user``, no messages, no session.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import mark_safe

from etalage.catalog.models import Product
from etalage.catalog.selectors import category_tree
from etalage.events.outbox import handles
from etalage.events.types import MerchantChanged, PricingChanged, ProductsChanged

CSRF_SLOT = mark_safe("<csrf-slot/>")  # noqa: S308 (a constant, not input)
PRICES = "prices"
LISTINGS = "listings"

Fragment = dict[str, Any]


def _generation_key(scope: str) -> str:
    return "etalage:fragment-generation:" + hashlib.sha256(scope.encode()).hexdigest()


def cached_fragment(
    request: HttpRequest,
    *,
    key: str,
    scopes: Iterable[str],
    render: Callable[[], Fragment],
) -> Fragment:
    """The fragment under ``key``: a dict whose ``html`` was rendered (by ``render``,
    with ``CSRF_SLOT`` as its token) no longer ago than the fragments' lifetime and
    since the last change of any of ``scopes`` and of the prices, and before its
    ``until`` if it has one; the viewer's CSRF token put in its slot."""
    seconds = settings.ETALAGE_FRAGMENT_CACHE_SECONDS
    if seconds <= 0 or not key:  # no key: not kept (a request unlike a page's)
        found = render()
    else:
        generation_keys = [_generation_key(s) for s in (*scopes, PRICES)]
        own_key = "etalage:fragment:" + hashlib.sha256(key.encode()).hexdigest()
        got = cache.get_many([own_key, *generation_keys])
        current = [got.get(k, 0) for k in generation_keys]
        stored = got.get(own_key)
        if stored is not None and stored[0] == current and not _past(stored[1]):
            found = stored[1]
        else:
            found = render()
            cache.set(own_key, (current, found), seconds)
    html = str(found["html"])
    if CSRF_SLOT in html:
        html = html.replace(CSRF_SLOT, csrf_token(request))
    return {**found, "html": mark_safe(html)}  # noqa: S308 (rendered by templates)


def csrf_token(request: HttpRequest) -> str:
    """The viewer's CSRF token for the slots of one response, masked once: Django
    masks it anew (32 random characters) at each ``get_token``, and a page fills
    several slots. Any masked form of the secret is accepted, so one is enough."""
    secret = request.META.get("CSRF_COOKIE")
    kept = getattr(request, "_etalage_csrf", None)
    if kept is not None and secret is not None and kept[0] == secret:
        return str(kept[1])
    token = get_token(request)
    request._etalage_csrf = (request.META.get("CSRF_COOKIE"), token)  # type: ignore[attr-defined]
    return token


def _past(fragment: Fragment) -> bool:
    until = fragment.get("until")
    return until is not None and until <= timezone.now()


def fragments_expire(scopes: Iterable[str]) -> None:
    """Make every fragment that depends on one of ``scopes`` old."""
    if settings.ETALAGE_FRAGMENT_CACHE_SECONDS <= 0:
        return
    for scope in set(scopes):
        key = _generation_key(scope)
        if not cache.add(key, 1, None):
            try:
                cache.incr(key)
            except ValueError:  # evicted between the two
                cache.add(key, 1, None)


def _product_scopes(products: Iterable[tuple[str, Any]]) -> list[str]:
    """A product's own scope and those of its category and the categories above."""
    tree = category_tree(language=settings.LANGUAGE_CODE)
    scopes = []
    for slug, category_id in products:
        scopes.append(f"product:{slug}")
        node = tree.by_id.get(category_id)
        while node is not None:
            scopes.append(f"category:{node.slug}")
            node = node.parent
    return scopes


@handles(ProductsChanged)
def product_fragments_expire(event: ProductsChanged) -> None:
    rows = Product.objects.filter(pk__in=event.product_ids)
    fragments_expire(_product_scopes(rows.values_list("slug", "category_id")))


@handles(MerchantChanged)
def merchant_fragments_expire(event: MerchantChanged) -> None:
    rows = Product.objects.filter(merchant_id=event.merchant_id)
    fragments_expire(
        [LISTINGS, *(f"product:{s}" for s in rows.values_list("slug", flat=True))]
    )


@handles(PricingChanged)
def price_fragments_expire(event: PricingChanged) -> None:
    fragments_expire([PRICES])
