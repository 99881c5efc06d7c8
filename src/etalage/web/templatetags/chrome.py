"""The storefront's header and footer, kept rendered (``web.chrome``):
``{% load chrome %}{% chrome "etalage/_header.html" %}``."""

from __future__ import annotations

from django import template
from django.template import Context
from django.utils.safestring import SafeString

from etalage.web.chrome import chrome_html

register = template.Library()


@register.simple_tag(name="chrome", takes_context=True)
def chrome_tag(context: Context, name: str) -> SafeString:
    return chrome_html(name, context)
