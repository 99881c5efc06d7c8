"""The buyer's account over the API, as *My account* keeps it: the contact points
(an email address added with its confirmation link, as the page does), which
channels the buyer hears about orders on, the language the API answers in, and
the WeChat identity linked to the account."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Router, Schema
from ninja.responses import Status

from etalage.accounts.contact import (
    buyer_email_add,
    buyer_email_confirm,
    notice_preferences_set,
)
from etalage.accounts.models import NoticePreferences
from etalage.accounts.wechat_identities import wechat_identities_of
from etalage.api.access import BuyerSession, csrf_checked, signed_in_buyer
from etalage.api.errors import ErrorOut
from etalage.core.client_address import client_address

router = Router(auth=BuyerSession(), tags=["buyer account and cart"])
public_router = Router(tags=["buyer sign-up and sign-in"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class NoticesOut(Schema):
    order_emails: bool = Field(..., description="Emails about my orders.")
    order_texts: bool = Field(..., description="Text messages about my orders.")


class WeChatOut(Schema):
    """A WeChat user linked to the account, for one of Étalage's WeChat apps."""

    app_id: str = Field(..., description="The official account or mini-program.")
    nickname: str = Field(..., description="The WeChat name, when shared.")
    linked_at: datetime


class AccountOut(Schema):
    username: str
    email: str | None = Field(..., description="The confirmed email address.")
    email_pending: str | None = Field(
        ..., description="An address added, waiting for its confirmation link."
    )
    mobile: str | None = Field(..., description="The mobile number texts go to.")
    language: str | None = Field(
        ...,
        description="The language the buyer chose: the API answers in it when a "
        "request sends no Accept-Language (none chosen: Chinese).",
    )
    notices: NoticesOut
    wechat: list[WeChatOut] = Field(
        ...,
        description="The WeChat users linked to the account (by signing in with "
        "WeChat), oldest first; empty while none is.",
    )


class PreferencesIn(Schema):
    order_emails: bool
    order_texts: bool
    language: str | None = Field(
        None,
        max_length=8,
        description='zh-hans, fr, nl or en; "" forgets the choice; left out: kept.',
    )


class EmailIn(Schema):
    email: str = Field(..., max_length=320)


class EmailSentOut(Schema):
    sent_to: str = Field(
        ...,
        description="The address a confirmation link went to: it counts once the "
        "link is opened (or its token sent to POST /auth/email/confirm).",
    )


class TokenIn(Schema):
    token: str = Field(..., max_length=500, description="The link's last part.")


def account_out(user: User) -> AccountOut:
    prefs = NoticePreferences.objects.filter(user=user).first()
    by_mobile = user.username.startswith("+86")
    return AccountOut(
        username=user.username,
        email=user.email or None,
        email_pending=(prefs.email_pending if prefs else "") or None,
        mobile=user.username if by_mobile else (prefs.mobile if prefs else "") or None,
        language=(prefs.language if prefs else "") or None,
        notices=NoticesOut(
            order_emails=prefs.order_emails if prefs else True,
            order_texts=prefs.order_texts if prefs else True,
        ),
        wechat=[
            WeChatOut(
                app_id=linked.app_id,
                nickname=linked.nickname,
                linked_at=linked.created_at,
            )
            for linked in wechat_identities_of(user=user)
        ],  # fmt: skip
    )


@router.get("/me", response={200: AccountOut, **ERRORS})
def me_get(request: HttpRequest) -> AccountOut:
    """The account: contact points, notices, language, linked WeChat."""
    return account_out(signed_in_buyer(request))


@router.put("/me/preferences", response={200: AccountOut, **ERRORS})
def me_preferences_set(request: HttpRequest, payload: PreferencesIn) -> AccountOut:
    """Choose the channels the buyer hears about orders on, and the language."""
    user = signed_in_buyer(request)
    notice_preferences_set(
        user=user,
        order_emails=payload.order_emails,
        order_texts=payload.order_texts,
        language=payload.language.lower() if payload.language is not None else None,
    )
    return account_out(user)


@router.post("/me/email", response={202: EmailSentOut, **ERRORS})
def me_email_add(request: HttpRequest, payload: EmailIn) -> Status[EmailSentOut]:
    """Add an email address to an account opened with a mobile number: a link
    confirming it is sent (within the hourly message limits); it counts once
    opened."""
    email = buyer_email_add(
        user=signed_in_buyer(request),
        email=payload.email,
        language=get_language() or "zh-hans",
        address=client_address(request),
        site_url=request.build_absolute_uri("/").rstrip("/"),
    )
    return Status(202, EmailSentOut(sent_to=email))


class EmailConfirmedOut(Schema):
    email: str


@public_router.post("/auth/email/confirm", response={200: EmailConfirmedOut, **ERRORS})
def auth_email_confirm(request: HttpRequest, payload: TokenIn) -> EmailConfirmedOut:
    """Confirm an added email address with the token of its link (what the
    link's page does): the account then has it. No sign-in needed, as the link."""
    csrf_checked(request)
    return EmailConfirmedOut(email=buyer_email_confirm(token=payload.token).email)
