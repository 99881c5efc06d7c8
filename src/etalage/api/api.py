"""The REST API, version 1, assembled from its rooms by audience: ``catalogue/``
(no sign-in), ``buyer/`` (the storefront's session) and ``merchant/`` (an API key,
under ``/merchant``); who may call what is ``access``'s."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from ninja import NinjaAPI

from etalage.api.buyer.account import public_router as account_public_router
from etalage.api.buyer.account import router as account_router
from etalage.api.buyer.cart import router as buyer_account_router
from etalage.api.buyer.orders import buyer_router
from etalage.api.buyer.payments import payments_router
from etalage.api.buyer.promotions import public_router as coupons_public_router
from etalage.api.buyer.promotions import router as coupons_router
from etalage.api.buyer.quotes import router as quotes_router
from etalage.api.buyer.refunds import router as refunds_router
from etalage.api.buyer.returns import router as returns_router
from etalage.api.buyer.reviews import router as buyer_reviews_router
from etalage.api.buyer.sign_in import router as buyer_auth_router
from etalage.api.buyer.wechat_sign_in import router as wechat_auth_router
from etalage.api.catalogue.categories import router as catalogue_categories_router
from etalage.api.catalogue.merchant_page import router as merchant_page_router
from etalage.api.catalogue.products import router as catalogue_products_router
from etalage.api.catalogue.reviews import router as catalogue_reviews_router
from etalage.api.errors import error_body
from etalage.api.handlers import register_handlers
from etalage.api.merchant.orders import merchant_router as merchant_orders_router
from etalage.api.merchant.products import router as merchant_router
from etalage.api.merchant.promotions import router as merchant_promotions_router
from etalage.api.merchant.reviews import router as merchant_reviews_router
from etalage.api.merchant.shipping import router as merchant_shipping_router
from etalage.api.merchant.summary import router as merchant_summary_router
from etalage.api.parser import StrictParser

api = NinjaAPI(
    title="Étalage API",
    version="1",
    description=(
        "Étalage's API. **Catalogue** (no sign-in): products and categories for a "
        "market and a language, prices with the cross-border tax. **Buyers** (signed "
        "in with a session; writes send the `X-CSRFToken` header): quotes, orders "
        "across merchants with their history and parcels' tracking, payments, "
        "refunds, returns, identities, addresses and the account; lists come by "
        "cursor (`{items, next}`) in the reader's language. **Merchants** (under "
        "`/merchant`, `Authorization: Bearer <key>` from the portal): products, "
        "stock, orders, parcels and labels. Money is a decimal string with its "
        'currency. Errors share one shape: `{"error": {"code", "message", "field"}}`.'
    ),
    urls_namespace="api",
    parser=StrictParser(),
)


def _mount_routers() -> None:
    api.add_router("", catalogue_products_router)
    api.add_router("", catalogue_categories_router)
    merchant_router.add_router("", merchant_orders_router)
    merchant_router.add_router("", merchant_shipping_router)
    merchant_router.add_router("", merchant_summary_router)
    merchant_router.add_router("", merchant_promotions_router)
    merchant_router.add_router("", merchant_reviews_router)
    api.add_router("/merchant", merchant_router)
    api.add_router("", quotes_router)
    api.add_router("", buyer_router)
    api.add_router("", payments_router)
    api.add_router("", buyer_account_router)
    api.add_router("", buyer_auth_router)
    api.add_router("", wechat_auth_router)
    api.add_router("", account_router)
    api.add_router("", account_public_router)
    api.add_router("", returns_router)
    api.add_router("", refunds_router)
    api.add_router("", coupons_public_router)
    api.add_router("", coupons_router)
    api.add_router("", merchant_page_router)
    api.add_router("", catalogue_reviews_router)
    api.add_router("", buyer_reviews_router)


register_handlers(api)
_mount_routers()


def api_not_found(request: HttpRequest) -> JsonResponse:
    """An address under /api/ that no endpoint answers, in the API's error shape."""
    body = error_body("not_found", f"no endpoint at {request.path}")
    return JsonResponse(body, status=404)
