"""Signing in with WeChat: a buyer WeChat vouches for (``wechat_oauth``) gets into
the account linked to that WeChat user, or a new one; a buyer signed in links
their WeChat user from *My account*; a mini-program's buyer signs in by its
``wx.login`` code. WeChat is asked with no transaction open, the account written
in a short one.

An account is found by the app's openid, else by the unionid (the same person in
Étalage's other WeChat app). A new account has no password (it signs in with
WeChat) and no mobile number: texts about orders go to a number the buyer adds in
*My account*; customs' telephone is the identity's, asked at checkout as for every
buyer. The WeChat name is kept only when the buyer agreed to share it."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import User
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from etalage.accounts import sandbox_wechat, wechat_oauth
from etalage.accounts.models import WeChatIdentity
from etalage.accounts.wechat_oauth import Grant, Transport, WeChatApp, WeChatRefused
from etalage.core.http import http_transport

__all__ = ["WeChatRefused"]


def transport_for(app: WeChatApp) -> Transport:
    """The sandbox's stand-in for the sandbox's apps, else WeChat over HTTPS."""
    return sandbox_wechat.sandbox_transport if app.sandbox else http_transport


def _unavailable() -> ValidationError:
    return ValidationError(_("Signing in with WeChat is not available here."))


def web_grant(*, code: str) -> Grant:
    """Who the official account's web authorization vouches for (WeChatRefused
    when WeChat refuses the code; a ValidationError for a snapshot's user)."""
    app = wechat_oauth.official_account()
    if app is None:
        raise _unavailable()
    grant = wechat_oauth.code_exchange(app, code, transport_for(app))
    if grant.snapshot:
        raise ValidationError(
            _("Open this page in WeChat itself (not a preview) to sign in.")
        )
    return grant


def mini_program_grant(*, js_code: str) -> Grant:
    """Who a mini-program's ``wx.login`` code is (WeChatRefused)."""
    app = wechat_oauth.mini_program()
    if app is None:
        raise _unavailable()
    return wechat_oauth.code2session(app, js_code, transport_for(app))


def _found(grant: Grant) -> User | None:
    """The account of the WeChat user: by the app's openid, else by the unionid."""
    identity = (
        WeChatIdentity.objects.select_related("user")
        .filter(app_id=grant.app_id, openid=grant.openid)
        .first()
    )
    if identity is None and grant.unionid:
        identity = (
            WeChatIdentity.objects.select_related("user")
            .filter(unionid=grant.unionid)
            .first()
        )
    return identity.user if identity is not None else None


def _identity_keep(user: User, grant: Grant) -> WeChatIdentity:
    """Record (or refresh) the user's identity for the grant's app."""
    identity, _created = WeChatIdentity.objects.get_or_create(
        app_id=grant.app_id, openid=grant.openid, defaults={"user": user}
    )
    changed = []
    if grant.unionid and identity.unionid != grant.unionid:
        identity.unionid = grant.unionid
        changed.append("unionid")
    if grant.nickname and identity.nickname != grant.nickname:
        identity.nickname = grant.nickname
        changed.append("nickname")
    if changed:
        identity.save(update_fields=[*changed, "updated_at"])
    return identity


def _username(grant: Grant, attempt: int) -> str:
    """A new WeChat account's user name: short, and telling nothing of the openid
    (the pages show it while the buyer has no name)."""
    seed = f"{attempt}:{grant.app_id}:{grant.openid}".encode()
    return "wechat_" + hashlib.sha256(seed).hexdigest()[:10]


def wechat_buyer_sign_in(*, grant: Grant) -> tuple[User, bool]:
    """The account the WeChat user signs in to, and whether it is new (made now:
    no password, named by the WeChat name when shared). A disabled account is
    refused."""
    for attempt in range(3):  # the same WeChat user signing in twice at once
        try:
            with transaction.atomic():
                user = _found(grant)
                created = user is None
                if user is None:
                    user = User(
                        username=_username(grant, attempt),
                        first_name=grant.nickname[:150],
                        is_active=True,
                    )
                    user.set_unusable_password()
                    user.save()
                elif not user.is_active:
                    raise ValidationError(_("This account is closed."))
                _identity_keep(user, grant)
                return user, created
        except IntegrityError:
            continue
    raise ValidationError(_("Signing in with WeChat did not work; try again."))


@transaction.atomic
def wechat_identity_link(*, user: User, grant: Grant) -> WeChatIdentity:
    """Link the WeChat user to the signed-in buyer's account; refused when it is
    another account's, or when the account has another WeChat user for the app."""
    owner = _found(grant)
    if owner is not None and owner.pk != user.pk:
        raise ValidationError(
            _("This WeChat user is linked to another Étalage account.")
        )
    other = (
        WeChatIdentity.objects.filter(user=user, app_id=grant.app_id)
        .exclude(openid=grant.openid)
        .exists()
    )
    if other:
        raise ValidationError(
            _("Your account is linked to another WeChat user: unlink it first.")
        )
    return _identity_keep(user, grant)


@transaction.atomic
def wechat_identity_unlink(*, user: User, identity_id: str) -> None:
    """Unlink one of the account's WeChat users; refused when the account would be
    left with no way to sign in (no password, no other WeChat user)."""
    identity = WeChatIdentity.objects.filter(user=user, pk=identity_id).first()
    if identity is None:
        raise ValidationError(_("This WeChat user is not linked to your account."))
    others = WeChatIdentity.objects.filter(user=user).exclude(pk=identity.pk)
    if not user.has_usable_password() and not others.exists():
        raise ValidationError(
            _(
                "You sign in with WeChat only: add an email address, then choose a "
                "password (“Forgot your password?”), before unlinking it."
            )
        )
    identity.delete()


def settings_checked(**_kwargs: object) -> list[checks.CheckMessage]:
    """At start: WeChat's sign-in settings half given is an error naming what is
    missing (the sandbox needs none)."""
    found: list[checks.CheckMessage] = []
    if settings.ETALAGE_PAYMENT_SANDBOX:
        return found
    if settings.ETALAGE_WECHAT_APP_SECRET and not settings.ETALAGE_WECHAT_APPID:
        found.append(
            checks.Error(
                "ETALAGE_WECHAT_APP_SECRET is set without ETALAGE_WECHAT_APPID "
                "(the official account it belongs to): sign in with WeChat is off.",
                id="accounts.E001",
            )
        )
    mini = (
        settings.ETALAGE_WECHAT_MINI_PROGRAM_APPID,
        settings.ETALAGE_WECHAT_MINI_PROGRAM_SECRET,
    )
    if any(mini) and not all(mini):
        missing = (
            "ETALAGE_WECHAT_MINI_PROGRAM_SECRET"
            if mini[0]
            else "ETALAGE_WECHAT_MINI_PROGRAM_APPID"
        )
        found.append(
            checks.Error(
                f"The mini-program is half set up: {missing} missing (its buyers "
                "can neither sign in nor pay in it).",
                id="accounts.E002",
            )
        )
    return found


def settings_deploy_checked(**_kwargs: object) -> list[checks.CheckMessage]:
    """``check --deploy``: WeChat Pay set up without the official account's secret
    leaves buyers in WeChat with no way to pay there (JSAPI needs their openid)."""
    if settings.ETALAGE_PAYMENT_SANDBOX:
        return []
    if settings.ETALAGE_WECHAT_APPID and not settings.ETALAGE_WECHAT_APP_SECRET:
        return [
            checks.Warning(
                "ETALAGE_WECHAT_APP_SECRET is not set: signing in with WeChat and "
                "paying with WeChat Pay inside WeChat (JSAPI) are off.",
                id="accounts.W001",
            )
        ]
    return []
