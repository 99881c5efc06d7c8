from babel import Locale
from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from etalage.money.formatting import cldr_locale
from etalage.web.request_data import request_category_tree, request_market


def storefront(request):
    """Give every page the language links, the market and the category menu."""
    path = request.get_full_path()
    current = get_language()

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
                }
                for m in request._etalage_markets
            ],
        }

    return {
        "language_links": [
            {
                "code": code,
                "name": name,
                "url": translate_url(path, code),
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ],
        "shop": SimpleLazyObject(market_info),
        "nav_categories": SimpleLazyObject(
            lambda: request_category_tree(request).roots
        ),
    }
