"""The sandbox's stand-in for WeChat's sign-in: its authorization page, its API
(``sns/oauth2/access_token``, ``sns/userinfo``, ``jscode2session``) and the
mini-program's login, served by Étalage itself with test keys; never WeChat."""

from __future__ import annotations

import json
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from etalage.accounts import sandbox_wechat, wechat_oauth

SANDBOX_COOKIE = "etalage_sandbox_wechat_user"


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
