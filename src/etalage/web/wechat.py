"""Signing in with WeChat in WeChat's browser (OAuth 2.0, the official account's
web authorization): the buyer is sent to WeChat with a ``state`` kept in the
session, against cross-site forgery, and comes back with a code Étalage exchanges
(``accounts.wechat_sign_in``) to sign in, open an account, or link the WeChat user
to the account signed in. Also the sandbox's stand-in for WeChat's authorization
page. Thin: the accounts context does the work."""

from __future__ import annotations

import hmac
import json
import secrets
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from etalage.accounts import sandbox_wechat, wechat_oauth
from etalage.accounts.wechat_sign_in import (
    WeChatRefused,
    web_grant,
    wechat_buyer_sign_in,
    wechat_identity_link,
    wechat_identity_unlink,
)
from etalage.web.accounts import BACKEND
from etalage.web.cart import cart_kept

SESSION_KEY = "wechat_sign_in"
STATE_SECONDS = 600  # a sign-in not back from WeChat within ten minutes is over
SANDBOX_COOKIE = "etalage_sandbox_wechat_user"


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


@login_required
@require_POST
def wechat_unlink(request, pk):
    try:
        wechat_identity_unlink(user=request.user, identity_id=str(pk))
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(request, _("Your WeChat is no longer linked."))
    return redirect(f"{reverse('web:account')}#wechat")


# --- the sandbox's stand-in for WeChat's authorization page -------------------------
def _sandbox_on() -> None:
    if not settings.ETALAGE_PAYMENT_SANDBOX:
        raise Http404("the sandboxes are off")


def _sandbox_user(request) -> dict[str, str] | None:
    try:
        value = request.get_signed_cookie(SANDBOX_COOKIE, salt=SANDBOX_COOKIE)
        user = json.loads(value)
    except (KeyError, signing.BadSignature, ValueError):
        return None
    if not isinstance(user, dict) or not user.get("key"):
        return None
    return {"key": str(user["key"]), "name": str(user.get("name", ""))[:100]}


def sandbox_wechat_authorize(request):
    """WeChat's authorization page, as the sandbox plays it: only in WeChat's
    browser; the request checked as WeChat checks it; the tester's WeChat user
    picked once; silent for ``snsapi_base``, asking consent for
    ``snsapi_userinfo``; back to ``redirect_uri`` with a code and the state."""
    _sandbox_on()
    query = {k: request.GET.get(k, "") for k in
             ("appid", "redirect_uri", "response_type", "scope", "state")}  # fmt: skip
    # The tester reads the page in the language of the page they came from (WeChat
    # shows its own in the phone's).
    language = translation.get_language_from_path(urlsplit(query["redirect_uri"]).path)
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language
    page = "etalage/accounts/sandbox_wechat_authorize.html"
    context: dict[str, object] = {"query": query}
    if "MicroMessenger" not in request.headers.get("User-Agent", ""):
        return render(request, page, {**context, "step": "outside"})
    refusal = sandbox_wechat.authorize_refusal(
        query, urlsplit(settings.ETALAGE_SITE_URL).netloc
    )
    if refusal:
        return render(request, page, {**context, "step": "refused",
                                      "refusal": refusal}, status=400)  # fmt: skip
    user = _sandbox_user(request)
    if request.method == "POST" and "nickname" in request.POST:
        name = request.POST["nickname"].strip()[:100] or "微信用户"
        answer = redirect(request.get_full_path())
        answer.set_signed_cookie(
            SANDBOX_COOKIE,
            json.dumps({"key": secrets.token_hex(16), "name": name}),
            salt=SANDBOX_COOKIE,
            httponly=True,
            samesite="Lax",
            max_age=365 * 86400,
        )
        return answer
    if user is None:
        return render(request, page, {**context, "step": "who"})
    silent = query["scope"] == "snsapi_base"
    if silent or request.method == "POST":
        allowed = silent or request.POST.get("decision") == "allow"
        code = (
            sandbox_wechat.grant_issue(
                app_id=query["appid"],
                kind="oauth",
                scope=query["scope"],
                user_key=user["key"],
                nickname=user["name"],
            )
            if allowed
            else ""
        )
        return redirect(
            sandbox_wechat.redirect_back(query["redirect_uri"], query["state"], code)
        )
    return render(request, page, {**context, "step": "consent", "user": user})


@csrf_exempt
def sandbox_wechat_api(request, rest: str):
    """The sandbox's WeChat sign-in API over HTTP, for clients outside this
    process (a mini-program's server in a test)."""
    _sandbox_on()
    status, headers, body = sandbox_wechat.sandbox_transport(
        request.method, request.build_absolute_uri(), {}, b""
    )
    return HttpResponse(body, status=status, content_type=headers["content-type"])


@csrf_exempt
@require_POST
def sandbox_mini_program_login(request):
    """The sandbox's stand-in for a mini-program's ``wx.login``: a code for the
    sandbox's WeChat user ``user`` (any letters and digits the tester picks)."""
    _sandbox_on()
    user = request.POST.get("user", "")
    if not user.isalnum() or len(user) > 64:
        return JsonResponse({"errMsg": "login:fail user"}, status=400)
    code = sandbox_wechat.grant_issue(
        app_id=wechat_oauth.SANDBOX_MINI_PROGRAM_APPID,
        kind="mini_program",
        scope="",
        user_key=user,
        nickname=request.POST.get("nickname", "")[:100],
    )
    return JsonResponse({"errMsg": "login:ok", "code": code})
