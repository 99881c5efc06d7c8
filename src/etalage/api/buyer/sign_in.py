"""Buyers sign up, confirm and sign in over the API (a headless storefront): the
same services as the pages, the same answers whether an address has an account,
the same lockout after failed passwords. Sessions and CSRF as the storefront."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from etalage.accounts.services import (
    buyer_sign_up,
    login_username,
    mobile_sign_up_confirm,
    sign_in_attempt,
)
from etalage.api.access import csrf_checked
from etalage.api.errors import ApiError, ErrorOut
from etalage.core.client_address import client_address
from etalage.core.languages import LANGUAGE_CODES

router = Router(tags=["buyer sign-up and sign-in"])
ERRORS = {403: ErrorOut, 422: ErrorOut, 429: ErrorOut}
BACKEND = "django.contrib.auth.backends.ModelBackend"


class CsrfOut(Schema):
    csrf_token: str = Field(..., description="Send it as the X-CSRFToken header.")


class SignUpIn(Schema):
    login: str = Field(..., max_length=254, description="Email or mainland mobile.")
    password: str = Field(..., max_length=128)
    lang: str | None = Field(
        None,
        description="The language the buyer reads: the email or text, and later "
        "the messages about their orders, speak it. Without it, the request's "
        "(Accept-Language), else zh-hans.",
    )


class SentOut(Schema):
    sent_to: str
    by: str = Field(..., description="email (a link) or mobile (a six-digit code)")


class CodeIn(Schema):
    login: str = Field(..., max_length=254)
    code: str = Field(..., min_length=6, max_length=6)


class SignInIn(Schema):
    login: str = Field(..., max_length=254)
    password: str = Field(..., max_length=128)


class MeOut(Schema):
    username: str


def _language(lang: str) -> str:
    if lang not in LANGUAGE_CODES:
        raise ApiError(422, "invalid", f"one of {', '.join(LANGUAGE_CODES)}", "lang")
    return lang


def _requested_language() -> str:
    """The request's language (LocaleMiddleware read Accept-Language), if one of
    Étalage's, else zh-hans."""
    language = translation.get_language() or ""
    return language if language in LANGUAGE_CODES else "zh-hans"


@router.get("/auth/csrf", response=CsrfOut)
def auth_csrf(request: HttpRequest) -> CsrfOut:
    """A CSRF token (and its cookie) for the writes that follow."""
    return CsrfOut(csrf_token=get_token(request))


@router.post("/auth/signup", response={202: SentOut, **ERRORS})
def auth_sign_up(request: HttpRequest, payload: SignUpIn) -> Status[SentOut]:
    """Open an account: a link goes to an email address, a code to a mobile number.
    The answer is the same whether the address has an account already."""
    csrf_checked(request)
    request.sensitive_post_parameters = "__ALL__"  # type: ignore[attr-defined]
    language = _language(payload.lang or _requested_language())
    with translation.override(language):
        who = buyer_sign_up(
            login=payload.login,
            password=payload.password,
            language=language,
            address=client_address(request),
            site_url=request.build_absolute_uri("/").rstrip("/"),
        )
    return Status(202, SentOut(sent_to=who.value, by=who.kind))


@router.post("/auth/confirm", response={200: MeOut, **ERRORS})
def auth_confirm(request: HttpRequest, payload: CodeIn) -> MeOut:
    """Confirm a mobile sign-up with the texted code; the buyer is signed in."""
    csrf_checked(request)
    user = mobile_sign_up_confirm(login=payload.login, code=payload.code)
    login(request, user, backend=BACKEND)
    return MeOut(username=user.username)


@router.post("/auth/login", response={200: MeOut, **ERRORS})
def auth_login(request: HttpRequest, payload: SignInIn) -> MeOut:
    """Sign in with an email address, a mobile number or a user name."""
    csrf_checked(request)
    request.sensitive_post_parameters = "__ALL__"  # type: ignore[attr-defined]

    def check() -> User:
        user = authenticate(
            request, username=login_username(payload.login), password=payload.password
        )
        if not isinstance(user, User):  # None: no such account, or a wrong password
            raise ValidationError(
                _("Wrong login or password, or an account not yet confirmed."),
                code="invalid_login",
            )
        return user

    try:
        user = sign_in_attempt(
            login=payload.login, address=client_address(request), check=check
        )
    except ValidationError as refused:
        status = 429 if refused.code == "throttled" else 422
        raise ApiError(
            status, refused.code or "invalid_login", refused.messages[0], "password"
        ) from None
    login(request, user)
    return MeOut(username=user.username)


@router.post("/auth/logout", response={204: None, **ERRORS})
def auth_logout(request: HttpRequest) -> Status[None]:
    csrf_checked(request)
    logout(request)
    return Status(204, None)
