"""How a buyer's requests are signed in (the storefront's session, its CSRF token on
writes) and in which language they are answered: the request's Accept-Language,
else the language the buyer chose for the account, else Chinese."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import SessionAuth
from ninja.utils import check_csrf

from etalage.accounts.contact import buyer_language
from etalage.api.errors import ApiError


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
