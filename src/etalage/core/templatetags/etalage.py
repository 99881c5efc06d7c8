"""Template filters for every page and email: ``{% load etalage %}``."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from etalage.money import Money, format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """``{{ order.total|money:order.currency }}``: ¥1,145.91, 1.145,91 €…"""
    if amount is None:
        return ""
    return format_money(Money(amount, currency), get_language() or "en")


@register.filter
def cents(minor: int | None) -> Decimal | None:
    """``{{ book.net_eur|cents|money:"EUR" }}``: minor units (the ledger's) as an
    amount."""
    return None if minor is None else Decimal(minor).scaleb(-2)
