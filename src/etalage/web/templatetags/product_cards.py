"""Product cards in a template: ``{% load product_cards %}`` then
``<ul class="grid">{% product_cards cards %}</ul>``, written by one Python
renderer (``web.storefront.cards.cards_html``) for every page that shows cards."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString

from etalage.web.storefront.cards import cards_html

register = template.Library()


@register.simple_tag(name="product_cards")
def product_cards_tag(items: Iterable[Any], of: str = "") -> SafeString:
    """The cards' ``<li>``; with ``of``, each item's card is that key or attribute
    of it (``{% product_cards featured_products of="card" %}``)."""
    if not of:
        return cards_html(items)
    return cards_html(i[of] if isinstance(i, dict) else getattr(i, of) for i in items)
