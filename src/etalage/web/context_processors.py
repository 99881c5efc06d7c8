from babel import Locale
from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from etalage.money.formatting import cldr_locale
from etalage.web.request_data import request_category_tree, request_market


def storefront(request):
    """Give every page the language links, the market and the category menu."""
    current = get_language()
    path = _path_without_language(request.get_full_path(), current)

    def market_info():
        market, pricing = request_market(request)
        territories = Locale.parse(cldr_locale(current)).territories
        return {
            "market": market,
            "pricing": pricing,
            "markets": [
                {
                    "code": m.code,
                    "name": territories.get(m.country, m.name),
                    "currency": m.currency,
                    "takes_orders": strategy.takes_orders,
                }
                for m, strategy in request._etalage_market_strategies
            ],
        }

    return {
        "language_links": [
            {
                "code": code,
                "name": name,
                "url": path if code == settings.LANGUAGE_CODE else f"/{code}{path}",
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ],
        "shop": SimpleLazyObject(market_info),
        "nav_categories": SimpleLazyObject(
            lambda: request_category_tree(request).roots
        ),
    }


def _path_without_language(path: str, language: str) -> str:
    """Return the path as the default language has it (no /fr/, /nl/ or /en/ prefix).

    The storefront's URLs differ between languages only by this prefix, so a link to
    the same page in another language is that prefix plus this path.
    """
    prefix = f"/{language}/"
    if language != settings.LANGUAGE_CODE and path.startswith(prefix):
        return path[len(prefix) - 1 :]
    return path
