"""Signing in with WeChat in WeChat's browser (OAuth 2.0, the official account's
web authorization): the buyer is sent to WeChat with a ``state`` kept in the
session, against cross-site forgery, and comes back with a code Étalage exchanges
(``accounts.wechat_sign_in``) to sign in, open an account, or link the WeChat user
to the account signed in. The sandbox's stand-in for WeChat is
``web.sandbox.wechat``. Thin: the accounts context does the work."""

from __future__ import annotations

import hmac
import secrets
import time

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from etalage.accounts import wechat_oauth
from etalage.accounts.wechat_sign_in import (
    WeChatRefused,
    web_grant,
    wechat_buyer_sign_in,
    wechat_identity_link,
    wechat_identity_unlink,
)
from etalage.web.access import buyer_required
from etalage.web.account.sign_in import cart_kept
from etalage.web.account.sign_up import BACKEND

SESSION_KEY = "wechat_sign_in"
STATE_SECONDS = 600  # a sign-in not back from WeChat within ten minutes is over


def _next(request, wanted: str, fallback: str) -> str:
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


def wechat_sign_in(request):
    """Send the browser to WeChat's authorization: silent (``snsapi_base``: the
    openid only), or asking the buyer to share their WeChat name
    (``snsapi_userinfo``, ``?share=1``). Signed in already: links the WeChat user
    to the account."""
    app = wechat_oauth.official_account()
    if app is None:
        raise Http404("signing in with WeChat is not set up")
    signed_in = request.user.is_authenticated
    scope: wechat_oauth.Scope = (
        "snsapi_userinfo" if request.GET.get("share") == "1" else "snsapi_base"
    )
    state = secrets.token_hex(16)  # letters and digits, as WeChat takes them
    request.session[SESSION_KEY] = {
        "state": state,
        "next": _next(
            request,
            request.GET.get("next", ""),
            reverse("web:account" if signed_in else "web:home"),
        ),
        "link": str(request.user.pk) if signed_in else "",
        "at": time.time(),
    }
    return redirect(
        wechat_oauth.authorize_url(
            app,
            redirect_uri=request.build_absolute_uri(reverse("web:wechat-callback")),
            scope=scope,
            state=state,
        )
    )


def wechat_callback(request):
    """WeChat's way back: the ``state`` must be this browser's (once, within ten
    minutes); the code says who the buyer is."""
    started = request.session.pop(SESSION_KEY, None)
    state = request.GET.get("state", "")
    if (
        not isinstance(started, dict)
        or not hmac.compare_digest(str(started.get("state", "")), state)
        or time.time() - float(started.get("at", 0)) > STATE_SECONDS
    ):
        messages.error(
            request,
            _(
                "This sign-in with WeChat has expired or was not started here: "
                "try again."
            ),
        )
        return redirect("web:login")
    linking = bool(started["link"])
    if linking and str(request.user.pk) != started["link"]:
        messages.error(request, _("Sign in again to link your WeChat."))
        return redirect("web:login")
    code = request.GET.get("code", "")
    if not code:  # the buyer did not allow it
        messages.info(request, _("Nothing was shared with Étalage by WeChat."))
        return redirect(started["next"] if linking else "web:login")
    try:
        grant = web_grant(code=code)
        if linking:
            wechat_identity_link(user=request.user, grant=grant)
            messages.success(request, _("Your WeChat is linked to your account."))
            return redirect(started["next"])
        user, created = wechat_buyer_sign_in(grant=grant)
    except WeChatRefused:
        messages.error(request, _("WeChat did not confirm who you are: try again."))
        return redirect(started["next"] if linking else "web:login")
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
        return redirect(started["next"] if linking else "web:login")

    def signed_in():
        login(request, user, backend=BACKEND)
        if created:
            messages.success(
                request,
                _(
                    "Welcome to Étalage: your account signs in with WeChat. Add a "
                    "mobile number in My account to hear about your orders by text."
                ),
            )
        return redirect(started["next"])

    return cart_kept(request, user, signed_in)


@buyer_required
@require_POST
def wechat_unlink(request, pk):
    try:
        wechat_identity_unlink(user=request.user, identity_id=str(pk))
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(request, _("Your WeChat is no longer linked."))
    return redirect(f"{reverse('web:account')}#wechat")
