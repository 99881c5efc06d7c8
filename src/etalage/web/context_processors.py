from babel import Locale
from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from etalage.catalog.selectors import (
    listing_changes_pending_count,
    listings_in_review_count,
)
from etalage.ledger.selectors import payouts_returned_count
from etalage.logistics.selectors import parcels_late_count, parcels_late_to_hand_over
from etalage.merchants.selectors import applications_waiting_count
from etalage.money.formatting import cldr_locale
from etalage.orders.selectors import (
    WAITING_TO_SHIP,
    orders_awaiting_payment_count,
    parcels_waiting_count,
)
from etalage.pricing.selectors import stale_rates
from etalage.reviews.selectors import reports_waiting_count
from etalage.search.status import search_index_rows
from etalage.web.backoffice.dashboard import operator_dashboard
from etalage.web.request_data import request_category_tree, request_market

# What a narrow screen shows of each language's name (the full name stays for
# screen readers).
SHORT_LANGUAGE_NAMES = {"zh-hans": "中文", "fr": "FR", "nl": "NL", "en": "EN"}


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
                "short": SHORT_LANGUAGE_NAMES.get(code, code.upper()),
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


def backoffice(request):
    """What waits for the operator, and a stale ECB rate, on back-office pages
    (computed only when a back-office template reads it)."""
    if not request.path_info.startswith("/backoffice/"):
        return {}

    def waiting():
        return [
            (_("Merchant applications to decide"), applications_waiting_count(),
             reverse("admin:merchants_merchant_changelist") + "?status__exact=applied"),
            (_("Listings to review"), listings_in_review_count(),
             reverse("admin:catalog_product_changelist") + "?status__exact=in_review"),
            (_("Changes to live listings to review"), listing_changes_pending_count(),
             reverse("admin:catalog_listingchange_changelist")
             + "?status__exact=pending"),
            (_("Orders awaiting payment"), orders_awaiting_payment_count(),
             reverse("admin:orders_order_changelist") + "?state__exact=placed"),
            (_("Paid parcels not yet shipped"), parcels_waiting_count(),
             reverse("admin:orders_suborder_changelist")
             + "?state__in=" + ",".join(WAITING_TO_SHIP)),
            (_("Parcels late to reach the hub"), parcels_late_to_hand_over().count(),
             reverse("admin:orders_suborder_changelist") + "?late_to_hub=1"),
            (_("Parcels late on their way"), parcels_late_count(),
             reverse("admin:logistics_parcel_changelist") + "?late=any"),
            (_("Reported reviews to judge"), reports_waiting_count(),
             reverse("review-queue")),
            (_("Merchants whose payouts bounced, account unchanged"),
             payouts_returned_count(),
             reverse("admin:ledger_payout_changelist") + "?state__exact=returned"),
        ]  # fmt: skip

    return {
        "operator_waiting": SimpleLazyObject(waiting),
        "stale_rates": SimpleLazyObject(stale_rates),
        "search_index": SimpleLazyObject(search_index_rows),
        # The first page's charts (read by its template only).
        "operator_dashboard": SimpleLazyObject(operator_dashboard),
    }
