"""Signing in with WeChat over the API: a mini-program's buyer signs in with the
code of ``wx.login`` (WeChat's ``code2session`` says who it is): into the account
linked to that WeChat user (by the mini-program's openid, else by the unionid of
the official account's sign-in), a new one, or, signed in already, linking it.
Then JSAPI payments in the mini-program (``POST /orders/{number}/payments`` with
``scene`` jsapi and ``mini_program``) name the buyer by that openid.

In WeChat's browser, a headless storefront sends the buyer to ``/wechat/sign-in/``
(``?next=``, ``?share=1`` to ask for the WeChat name): the web authorization
comes back to the storefront's session."""

from __future__ import annotations

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from etalage.accounts.wechat_sign_in import (
    WeChatRefused,
    mini_program_grant,
    wechat_buyer_sign_in,
    wechat_identity_link,
)
from etalage.api.access import csrf_checked
from etalage.api.errors import ApiError, ErrorOut

router = Router(tags=["buyer sign-up and sign-in"])
ERRORS = {403: ErrorOut, 409: ErrorOut, 422: ErrorOut, 502: ErrorOut}
BACKEND = "django.contrib.auth.backends.ModelBackend"


class MiniProgramIn(Schema):
    code: str = Field(
        ...,
        min_length=1,
        max_length=128,
        description="The code the mini-program's wx.login gave (five minutes, once).",
    )


class WeChatSignedInOut(Schema):
    username: str
    created: bool = Field(..., description="A new account was opened for the buyer.")
    app_id: str = Field(..., description="The mini-program's app id.")


@router.post("/auth/wechat/mini-program", response={200: WeChatSignedInOut, **ERRORS})
def auth_wechat_mini_program(
    request: HttpRequest, payload: MiniProgramIn
) -> WeChatSignedInOut:
    """Sign in (or link, when signed in) with the mini-program's ``wx.login`` code."""
    csrf_checked(request)
    try:
        grant = mini_program_grant(js_code=payload.code)
    except WeChatRefused as refused:
        status = 422 if refused.errcode in (40029, 40163) else 502
        raise ApiError(status, "wechat_refused", refused.errmsg, "code") from None
    except ValidationError as refused:
        raise ApiError(409, "not_available", refused.messages[0]) from None
    try:
        if request.user.is_authenticated:
            wechat_identity_link(user=request.user, grant=grant)
            user, created = request.user, False
        else:
            user, created = wechat_buyer_sign_in(grant=grant)
            login(request, user, backend=BACKEND)
    except ValidationError as refused:
        raise ApiError(
            409, "wechat_linked_elsewhere", refused.messages[0], "code"
        ) from None
    return WeChatSignedInOut(
        username=user.username, created=created, app_id=grant.app_id
    )
