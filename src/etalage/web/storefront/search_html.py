"""The search results page's body written by Python: the HTML the template's
``{% block content %}`` wrote (kept beside its test as
``web/tests/search_template.html``), without a template node per heading, facet
section, sort link, chip and page link. ``web/tests/test_search_html.py`` holds
it to the template byte for byte in the four languages with hostile values.

As the template did: a ``{% translate %}`` or a ``{% blocktranslate %}``'s text
is the catalogue's, unescaped; every value is localized and escaped."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from etalage.web.storefront.cards import cards_html
from etalage.web.templatetags.facets import facet_links
from etalage.web.templatetags.typography import colon

_SORTS = {
    "relevance": "relevance",
    "price_low": "price, lowest first",
    "price_high": "price, highest first",
}
_CURRENT = ' aria-current="true"'


def _v(value: Any) -> str:
    """A value as ``{{ value }}`` wrote it: localized, escaped."""
    return str(conditional_escape(localize(value)))


def _t(message: str) -> str:
    """``{% translate "message" %}``."""
    return gettext(message).replace("%%", "%")


def _section(title: str, links: Any) -> str:
    return f"<section><h2>{title}</h2><ul>{facet_links(links)}</ul></section>"


def _facets(facets: dict[str, Any], in_use: list[Any], currency: str) -> str:
    shown = f" ({_v(len(in_use))})" if in_use else ""
    titles = [
        ("category", _t("Category")),
        ("merchant", _t("Merchant")),
        ("price", f"{_t('Price')} ({_v(currency)})"),
        ("origin", _t("Origin")),
    ]
    # The first four only when they have a value; the stars and stock always.
    sections = [_section(t, facets[n]) if facets.get(n) else "" for n, t in titles]
    sections += [
        _section(_t("Buyers' rating"), facets.get("stars")),
        _section(_t("Availability"), facets.get("in_stock")),
    ]
    return (
        '\n  <details class="filters" data-close-on-narrow open>\n'
        f"    <summary>{_t('Filters')}{shown}</summary>\n"
        '    <div class="facets">\n      '
        + "\n      ".join(sections)
        + "\n    </div>\n  </details>\n  "
    )


def _chips(in_use: list[Any]) -> str:
    if not in_use:
        return ""
    chips = "".join(
        f'<li><a href="{_v(f["url"])}" aria-label="'
        f'{gettext("Remove the filter %(what)s") % {"what": _v(f["label"])}}">'
        f'{_v(f["label"])} <span aria-hidden="true">×</span></a></li>'
        for f in in_use
    )
    return f'<ul class="chips" aria-label="{_t("Filters in use")}">{chips}</ul>'


def _count(results: Any, sorts: list[Any]) -> str:
    total = results.total
    count = ngettext("%(counter)s product", "%(counter)s products", total) % {
        "counter": _v(total)
    }
    order = ""
    if total:
        links = " · ".join(
            f'<a href="{_v(url)}"{_CURRENT if on else ""}>'
            f"{_t(_SORTS.get(value, 'newest'))}</a>"
            for value, url, on in sorts
        )
        order = f" · {_t('Sort by')}{colon()}{links}"
    return f'<p class="count">{count}\n    {order}</p>'


def _nothing(text: str, results: Any, related: list[Any]) -> str:
    said = gettext("Nothing matches “%(text)s”.") % {"text": _v(text)}
    meant = results.did_you_mean
    offer = (
        f'{_t("Did you mean")} <a href="?q={_v(quote(str(meant), safe="/"))}">'
        f"{_v(meant)}</a>?"
        if meant
        else ""
    )
    places = ""
    if related:
        places = (
            f"<p>{_t('Perhaps in')}{colon()}"
            + " · ".join(
                f'<a href="{_v(reverse("web:category", args=[c.slug]))}">'
                f"{_v(c.name)}</a>"
                for c in related
            )
            + "</p>"
        )
    return f"\n    <p>{said}\n    {offer}</p>\n    {places}\n    "


def _pagination(pages: dict[str, Any]) -> str:
    if not pages.get("last", 0) > 1:
        return ""
    where = gettext("Page %(number)s of %(total)s") % {
        "number": _v(pages["number"]),
        "total": _v(pages["last"]),
    }
    previous = (
        f'<a rel="prev" href="{_v(pages["previous"])}">{_t("Previous")}</a>'
        if pages["previous"]
        else ""
    )
    following = (
        f'<a rel="next" href="{_v(pages["next"])}">{_t("Next")}</a>'
        if pages["next"]
        else ""
    )
    return (
        f'\n    <nav class="pagination" aria-label="{_t("Pages")}">\n'
        f"      {previous}\n      <span>{where}</span>\n      {following}\n"
        "    </nav>\n    "
    )


def _results(context: dict[str, Any], currency: str) -> str:
    results, text = context["results"], context["text"]
    in_use = context["in_use"]
    corrections = ""
    if results.query.corrections and results.total:
        terms = ", ".join(
            f"<em>{_v(t)}</em>" for t in results.query.corrections.values()
        )
        corrections = f"<p>{_t('Also searched for')}{colon()}{terms}</p>"
    if context["cards"]:
        found = f'\n    <ul class="grid">{cards_html(context["cards"])}</ul>\n    '
    elif results.query.words:
        found = _nothing(text, results, context["related"])
    else:
        found = ""
    return (
        '\n<div class="listing search-listing">\n  '
        + (_facets(context["facets"], in_use, currency) if results.total else "")
        + '\n  <div id="results" aria-live="polite">\n    '
        + _chips(in_use)
        + "\n    "
        + _count(results, context["sorts"])
        + "\n    "
        + corrections
        + "\n    "
        + found
        + "\n    "
        + _pagination(context["pages"])
        + "\n  </div>\n</div>\n"
    )


def search_body_html(context: dict[str, Any], currency: str) -> SafeString:
    """What ``search.html``'s content block wrote for the view's ``context``
    (``currency``: the market's, which the price facet names)."""
    text = context["text"]
    title = (
        gettext("Results for “%(text)s”") % {"text": _v(text)} if text else _t("Search")
    )
    notes = "".join(
        f'<p class="notice" role="status">{_v(n)}</p>' for n in context["notes"]
    )
    if not text:
        body = (
            "\n<p>"
            + _t(
                "Type what you are looking for in the box above: a product, a "
                "brand, a merchant, in Chinese (简体 or 繁體), pinyin, French, "
                "Dutch or English."
            )
            + "</p>\n"
        )
    elif context["results"]:
        body = _results(context, currency)
    else:
        body = ""
    return mark_safe(f"\n<h1>{title}</h1>\n{notes}\n{body}\n")  # noqa: S308 (escaped)
