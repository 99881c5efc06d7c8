"""A search page's facet links in a template, written by Python:
``{% load facets %}<ul>{% facet_links facets.category %}</ul>`` writes what
``{% for f in … %}<li><a href="{{ f.url }}"…>{{ f.label }}</a> <span
class="count">{{ f.count }}</span></li>{% endfor %}`` wrote (six lists a page,
a template render per link), every value escaped as the template did."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _link(f: Mapping[str, Any]) -> str:
    current = ' aria-current="true"' if f.get("on") else ""
    return (
        f'<li><a href="{conditional_escape(f["url"])}"{current}>'
        f"{conditional_escape(localize(f['label']))}</a> "
        f'<span class="count">{conditional_escape(localize(f["count"]))}</span></li>'
    )


@register.simple_tag(name="facet_links")
def facet_links(items: Iterable[Mapping[str, Any]] | None) -> SafeString:
    return mark_safe("".join(_link(f) for f in items or ()))  # noqa: S308 (escaped)
