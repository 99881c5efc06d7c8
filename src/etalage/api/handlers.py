"""How the API answers what goes wrong, in its one error shape: a refusal of its
own (``ApiError``), the input's checks, a service's refusal, a missing sign-in or
key, a missing CSRF token; in the reader's language."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from etalage.api.errors import ApiError, error_body, refusal_said

# Where the merchants' API is: its callers sign in with a key, not a session.
MERCHANT_PATH = "/api/v1/merchant/"


def _answer(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    field: str | None = None,
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, field), status=status)


def _refused(api: NinjaAPI, request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _answer(api, request, exc.status, exc.code, exc.message, exc.field)


def _given(request: HttpRequest, location: tuple[Any, ...]) -> object:
    """What the request sent at ``location`` (the refusal's), as far as it is a
    query, form or JSON body value; None when it is not found."""
    source, *path = location or ("",)
    try:
        if source in ("query", "form"):
            sent = request.GET if source == "query" else request.POST
            return sent.get(path[-1])
        if source == "body":
            value = json.loads(request.body)
            for part in path:
                if part != "payload" or not isinstance(value, dict) or part in value:
                    value = value[part]
            return value
    except (ValueError, KeyError, IndexError, TypeError):
        pass
    return None


def _invalid(
    api: NinjaAPI, request: HttpRequest, exc: NinjaValidationError
) -> HttpResponse:
    """The first refusal of the input's checks, naming its field."""
    first = dict(exc.errors[0]) if exc.errors else {}
    location = tuple(first.get("loc", ()))
    field = ".".join(
        str(part)
        for part in location
        if part not in ("query", "path", "body", "payload", "form", "file")
    )
    message = refusal_said({"input": _given(request, location), **first})
    said = f"{field}: {message}" if field else message
    return _answer(api, request, 422, "invalid", said, field or None)


def _unauthenticated(
    api: NinjaAPI, request: HttpRequest, exc: AuthenticationError
) -> HttpResponse:
    if request.path.startswith(MERCHANT_PATH):
        message = gettext(
            "Send a valid, unrevoked API key: Authorization: Bearer etl_…"
        )
        return _answer(api, request, 401, "unauthorized", message, "Authorization")
    message = gettext(
        "Sign in first (POST /api/v1/auth/login): this is the signed-in buyer's."
    )
    return _answer(api, request, 401, "unauthorized", message)


def _service_refused(
    api: NinjaAPI, request: HttpRequest, exc: DjangoValidationError
) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.message_dict.items()))
        return _answer(api, request, 422, "invalid", errors[0], field)
    return _answer(api, request, 422, "invalid", exc.messages[0])


def _http_error(api: NinjaAPI, request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, NinjaValidationError):  # a body the parser refused
        return _invalid(api, request, exc.__cause__)
    if exc.status_code == 403 and str(exc.message).startswith("CSRF"):
        # A signed-in browser session (cookie) that did not send its token.
        message = gettext(
            "Send the CSRF token in the X-CSRFToken header (the value of the "
            "csrftoken cookie): a request signed in by its session cookie needs it."
        )
        return _answer(api, request, 403, "csrf_failed", message, "X-CSRFToken")
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
    return _answer(api, request, exc.status_code, code, str(exc.message))


HANDLERS: dict[type[Exception], Callable[..., HttpResponse]] = {
    ApiError: _refused,
    NinjaValidationError: _invalid,
    AuthenticationError: _unauthenticated,
    DjangoValidationError: _service_refused,
    HttpError: _http_error,
}


def register_handlers(api: NinjaAPI) -> None:
    """Answer ``api``'s errors in the one shape."""
    for kind, handler in HANDLERS.items():
        api.add_exception_handler(kind, partial(handler, api))
