"""Punctuation as each language writes it, for what templates put between
translated words and values: ``{% load typography %}``.

French puts a non-breaking space before ``:`` and inside « »; Chinese writes a
full-width colon and “ ”; English and Dutch write ``: `` and “ ”.
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

NBSP = "\u00a0"


def _language() -> str:
    return (get_language() or "en").lower()


@register.simple_tag
def colon() -> str:
    """``{% translate "Total" %}{% colon %}{{ total }}``: "Total: ", "Total : "
    (the space before it unbreakable), "合计："."""
    language = _language()
    if language.startswith("fr"):
        return NBSP + ": "
    if language.startswith("zh"):
        return "："
    return ": "


@register.filter(needs_autoescape=True)
def quoted(text: object, autoescape: bool = True) -> SafeString:
    """``{{ note|quoted }}``: “note”, « note » (spaces unbreakable)."""
    shown = conditional_escape(text) if autoescape else str(text)
    if _language().startswith("fr"):
        return mark_safe(f"«{NBSP}{shown}{NBSP}»")  # noqa: S308 (escaped above)
    return mark_safe(f"“{shown}”")  # noqa: S308 (escaped above)
