"""Who may call which part of the API: one authentication per audience, in one place.

- The catalogue (products, categories, search, merchants' pages): anyone, no sign-in.
- Buyers: ``BuyerSession``, the storefront's session (its CSRF token on writes),
  answered in the buyer's language (the request's Accept-Language, else the language
  the buyer chose for the account, else Chinese); ``signed_in_buyer`` names them.
- Merchants' systems: ``MerchantKey``, a Bearer key of an approved merchant, with its
  per-minute allowance; ``merchant_key(request, scope)`` refuses a key without the
  scope. What a merchant may write is decided again by the merchants context's
  ``permissions`` in the services, whatever the door.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from etalage.accounts.contact import buyer_language
from etalage.api.errors import ApiError
from etalage.api.limits import count_request
from etalage.merchants.api_keys import api_key_authenticate
from etalage.merchants.models import ApiKey


class MerchantKey(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = api_key_authenticate(token)
        if key is not None:
            # Answers in the merchant's language unless the caller asks for another.
            if not request.META.get("HTTP_ACCEPT_LANGUAGE"):
                translation.activate(key.merchant.language)
                request.LANGUAGE_CODE = key.merchant.language
            _count_request(key)
        return key


def _count_request(key: ApiKey) -> None:
    """Refuse the request past the key's per-minute allowance."""
    limit = settings.ETALAGE_API_REQUESTS_PER_MINUTE
    count_request(subject=f"key:{key.pk}", limit=limit, what="requests for this key")


def api_key(request: HttpRequest) -> ApiKey:
    """The request's API key (the merchant routers' ``ApiKeyAuth`` let it in)."""
    key: ApiKey = request.auth  # type: ignore[attr-defined]  # set by django-ninja
    return key


def merchant_key(request: HttpRequest, scope: str) -> ApiKey:
    """The request's API key, refused unless it has ``scope``."""
    key = api_key(request)
    if scope not in key.scopes:
        raise ApiError(403, "forbidden_scope", f"this key lacks the scope {scope}")
    return key


class BuyerSession(SessionAuth):
    """A signed-in buyer, answered in the buyer's language."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and not request.META.get("HTTP_ACCEPT_LANGUAGE"):
            language = buyer_language(user)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return user


def signed_in_buyer(request: HttpRequest) -> User:
    """The buyer the session signed in (the routers' ``BuyerSession`` let it in)."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def csrf_checked(request: HttpRequest) -> None:
    """Refuse a write without the session's CSRF token (where no sign-in checks
    it: signing up and in, a link's token)."""
    refused = check_csrf(request, lambda r: None)
    if refused is not None:
        raise ApiError(
            403,
            "csrf_failed",
            _("Send the X-CSRFToken header (its value from GET /api/v1/auth/csrf)."),
            "X-CSRFToken",
        )
