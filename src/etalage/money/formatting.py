"""Format money and numbers for people, by locale, with Babel's CLDR data: the one
place pages, emails and PDFs take their figures from."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency, format_decimal

from etalage.money.money import Money

# Django language codes to the CLDR locales used to format prices. A buyer reading
# Simplified Chinese in the China market sees ¥1,234.50; a Belgian reader 1.234,50 €.
_LOCALES = {
    "zh-hans": "zh_Hans_CN",
    "fr": "fr_BE",
    "nl": "nl_BE",
    "en": "en_GB",
    "de": "de_BE",
}


def cldr_locale(language: str) -> str:
    """Return the CLDR locale for a Django language code or a CLDR locale name."""
    return _LOCALES.get(language.lower(), language.replace("-", "_"))


@lru_cache(maxsize=64)
def _locale(language: str) -> Locale:
    """The CLDR locale of ``language``, parsed once (Babel parses a name on every
    call: half the cost of formatting a price)."""
    return Locale.parse(cldr_locale(language))


def format_money(money: Money, language: str) -> str:
    """Return the amount rounded to its minor unit, formatted for ``language``."""
    rounded = money.rounded()
    return _formatted(str(rounded.amount), rounded.currency, language)


@lru_cache(maxsize=16_384)
def _formatted(amount: str, currency: str, language: str) -> str:
    """Babel's formatting of one amount, kept: a page of 24 cards formats the same
    few thousand prices again and again, and Babel's pattern work was a sixth of
    a results page's CPU. Keyed by the amount's exact text (``-0.00`` is not
    ``0.00``), so the answer is always Babel's own."""
    return format_currency(Decimal(amount), currency, locale=_locale(language))


def format_number(value: Decimal | int, language: str) -> str:
    """Return a count or a measure (grams, pieces) formatted for ``language``:
    1 234 in French, 1.234 in Dutch, 1,234 in English."""
    return format_decimal(value, locale=cldr_locale(language))
