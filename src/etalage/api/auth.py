"""How merchants' systems sign in to the API: a Bearer key, its scopes and its
per-minute allowance."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer

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


def merchant_key(request: HttpRequest, scope: str) -> ApiKey:
    """The request's API key, refused unless it has ``scope``."""
    key: ApiKey = request.auth
    if scope not in key.scopes:
        raise ApiError(403, "forbidden_scope", f"this key lacks the scope {scope}")
    return key
