"""The storefront's chrome (the header: language links, markets, category menu,
search box; the footer: the market's tax and rate notes), rendered once per
language, market, current category and signed-in state by each process and kept
as long as the reference data it shows (``ETALAGE_REFERENCE_CACHE_SECONDS``: a
renamed category or a new day's rate shows within that time, as it does in the
pages' other reference data; 0, as in the tests: rendered for every page).

What differs between two pages with the same key is put in *slots* when the
chrome is rendered and filled, escaped, on the way out, as ``web.fragments``
does for bodies: the viewer's CSRF token, the search box's words, the page's
address (the language links and the market form's way back). The chrome reads
no person: the signed-in state is part of the key (it only chooses between
"My account" and "Sign in / Sign up"); no name, cart or message is in it.
Escaped text can never contain a slot (``<`` is always escaped), so no page's
input fills another's slot.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template import Context
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from etalage.web.fragments import CSRF_SLOT, csrf_token

SEARCH_SLOT = mark_safe("<chrome-search/>")  # noqa: S308 (a constant, not input)
NEXT_SLOT = mark_safe("<chrome-next/>")  # noqa: S308
KEPT = 512  # keys a process keeps (languages × markets × categories × 2)

_KEPT: dict[tuple[Any, ...], tuple[float, str]] = {}


def _language_slot(code: str) -> SafeString:
    return mark_safe(f"<chrome-language-{code}/>")  # noqa: S308 (a setting's code)


def _key(name: str, context: Context) -> tuple[Any, ...]:
    """What the chrome shows besides its slots."""
    shop = context.get("shop")
    market = getattr(shop, "market", None)
    fx = getattr(getattr(shop, "pricing", None), "fx", None)
    category = context.get("category")
    user = context.get("user")
    return (
        name,
        get_language(),
        getattr(market, "code", ""),
        (fx.rate, fx.rate_date, fx.margin_percent) if fx is not None else None,
        getattr(category, "slug", ""),
        bool(getattr(user, "is_authenticated", False)),
    )


def _rendered(name: str, context: Context) -> str:
    links = [
        {**link, "url": _language_slot(link["code"])}
        for link in context.get("language_links", [])
    ]
    template = context.template.engine.get_template(name)  # type: ignore[union-attr]
    with context.push(
        language_links=links,
        chrome_search=SEARCH_SLOT,
        chrome_next=NEXT_SLOT,
        csrf_token=CSRF_SLOT,
    ):
        return str(template.render(context))


def chrome_html(name: str, context: Context) -> SafeString:
    """The chrome template ``name`` for this page, its slots filled."""
    seconds = settings.ETALAGE_REFERENCE_CACHE_SECONDS
    key = _key(name, context)
    now = time.monotonic()
    kept = _KEPT.get(key) if seconds > 0 else None
    if kept is not None and kept[0] > now:
        html = kept[1]
    else:
        html = _rendered(name, context)
        if seconds > 0:
            if len(_KEPT) >= KEPT:
                _KEPT.clear()  # (a few hundred keys at most in use: start again)
            _KEPT[key] = (now + seconds, html)
    request: HttpRequest | None = context.get("request")
    if CSRF_SLOT in html:
        html = html.replace(CSRF_SLOT, csrf_token(request) if request else "")
    html = html.replace(
        SEARCH_SLOT, escape(request.GET.get("q", "") if request else "")
    )
    html = html.replace(NEXT_SLOT, escape(request.get_full_path() if request else ""))
    for link in context.get("language_links", []):
        html = html.replace(_language_slot(link["code"]), escape(link["url"]))
    return mark_safe(html)  # noqa: S308 (rendered by a template, slots escaped)
