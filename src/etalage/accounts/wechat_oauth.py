"""WeChat's side of signing in with WeChat, as WeChat publishes it: the web
authorization of an official account (OAuth 2.0 in WeChat's own browser) and a
mini-program's login (code2session). Over Étalage's one outbound client, or the
embedded sandbox's stand-in (``sandbox_wechat``) when the sandboxes are on (the
caller hands the transport: ``wechat_sign_in``).

- The browser is sent to ``https://open.weixin.qq.com/connect/oauth2/authorize``
  with ``appid``, ``redirect_uri``, ``response_type=code``, ``scope``
  (``snsapi_base``: silent, the openid only; ``snsapi_userinfo``: the buyer agrees
  to share their WeChat name, and the unionid comes too) and ``state``, then
  ``#wechat_redirect``; WeChat comes back to ``redirect_uri?code=…&state=…`` (no
  code when the buyer refuses). The code lasts five minutes and works once.
- ``GET https://api.weixin.qq.com/sns/oauth2/access_token?appid&secret&code&
  grant_type=authorization_code`` answers ``access_token``, ``expires_in``,
  ``refresh_token``, ``openid``, ``scope``, ``unionid`` (snsapi_userinfo only) and
  ``is_snapshotuser`` (1: a virtual user of a page snapshot, not a person).
- ``GET https://api.weixin.qq.com/sns/userinfo?access_token&openid&lang=zh_CN``
  (snsapi_userinfo only) answers ``openid``, ``nickname``, ``unionid``…
- ``GET https://api.weixin.qq.com/sns/jscode2session?appid&secret&js_code&
  grant_type=authorization_code`` answers ``openid``, ``session_key``, ``unionid``.
- A refusal is ``{"errcode": …, "errmsg": …}`` (40029: invalid code).

Sources: developers.weixin.qq.com, the official account's *Web authorization*
(``doc/service/api/webdev/access/api_snsaccesstoken``, ``…/api_snsuserinfo``) and
the mini-program's *code2Session*
(``miniprogram/dev/server/API/user-login/api_code2session``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

from django.conf import settings

from etalage.core.http import http_transport

OPEN_URL = "https://open.weixin.qq.com"
API_URL = "https://api.weixin.qq.com"
AUTHORIZE_PATH = "/connect/oauth2/authorize"
ACCESS_TOKEN_PATH = "/sns/oauth2/access_token"  # noqa: S105 - a path
USERINFO_PATH = "/sns/userinfo"
CODE2SESSION_PATH = "/sns/jscode2session"
SANDBOX_PATH = "/sandbox/weixin"
# The sandbox's WeChat apps: its official account and its mini-program (WeChat Pay's
# sandbox pays for them: ``payments.wechat``).
SANDBOX_APPID = "wxSANDBOXETALAGE"
SANDBOX_MINI_PROGRAM_APPID = "wxSANDBOXMINIAPP"
SANDBOX_SECRET = "SANDBOX-SECRET-NOT-WECHATS"  # noqa: S105 - the sandbox's, public

Scope = Literal["snsapi_base", "snsapi_userinfo"]
# (method, url, headers, body) -> (status, headers with lower-case names, body)
Transport = Callable[
    [str, str, dict[str, str], bytes], tuple[int, dict[str, str], bytes]
]


class WeChatRefused(RuntimeError):
    """WeChat answered with an error code, or no usable answer came."""

    def __init__(self, errcode: int, errmsg: str):
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


@dataclass(frozen=True)
class WeChatApp:
    """One of Étalage's WeChat apps and where WeChat is reached for it."""

    app_id: str
    secret: str
    kind: Literal["official_account", "mini_program"]
    open_url: str  # where the browser is sent to authorize
    api_url: str  # where the server exchanges codes
    sandbox: bool


@dataclass(frozen=True)
class Grant:
    """Who WeChat says the buyer is for an app, after a code was exchanged."""

    app_id: str
    openid: str
    unionid: str = ""
    scope: str = ""
    access_token: str = ""
    snapshot: bool = False  # a page snapshot's virtual user: never an account
    nickname: str = ""


def _sandbox_urls() -> tuple[str, str]:
    base = settings.ETALAGE_SITE_URL.rstrip("/") + SANDBOX_PATH
    return base + "/open", base + "/api"


def official_account() -> WeChatApp | None:
    """The official account buyers sign in with in WeChat's browser: the sandbox's,
    or ``ETALAGE_WECHAT_APPID`` with ``ETALAGE_WECHAT_APP_SECRET`` (None: off)."""
    if settings.ETALAGE_PAYMENT_SANDBOX:
        open_url, api_url = _sandbox_urls()
        return WeChatApp(
            SANDBOX_APPID, SANDBOX_SECRET, "official_account", open_url, api_url, True
        )
    app_id, secret = settings.ETALAGE_WECHAT_APPID, settings.ETALAGE_WECHAT_APP_SECRET
    if not (app_id and secret):
        return None
    return WeChatApp(app_id, secret, "official_account", OPEN_URL, API_URL, False)


def mini_program() -> WeChatApp | None:
    """The mini-program (``ETALAGE_WECHAT_MINI_PROGRAM_APPID`` and ``_SECRET``), or
    the sandbox's; None when there is none."""
    if settings.ETALAGE_PAYMENT_SANDBOX:
        open_url, api_url = _sandbox_urls()
        return WeChatApp(
            SANDBOX_MINI_PROGRAM_APPID,
            SANDBOX_SECRET,
            "mini_program",
            open_url,
            api_url,
            True,
        )
    app_id = settings.ETALAGE_WECHAT_MINI_PROGRAM_APPID
    secret = settings.ETALAGE_WECHAT_MINI_PROGRAM_SECRET
    if not (app_id and secret):
        return None
    return WeChatApp(app_id, secret, "mini_program", OPEN_URL, API_URL, False)


def authorize_url(
    app: WeChatApp, *, redirect_uri: str, scope: Scope, state: str
) -> str:
    """Where the browser goes to be authorized (the parameters in WeChat's order)."""
    query = urlencode(
        [
            ("appid", app.app_id),
            ("redirect_uri", redirect_uri),
            ("response_type", "code"),
            ("scope", scope),
            ("state", state),
        ]
    )
    return f"{app.open_url}{AUTHORIZE_PATH}?{query}#wechat_redirect"


def _get(
    app: WeChatApp, path: str, query: list[tuple[str, str]], transport: Transport
) -> dict[str, Any]:
    """A GET to WeChat's API and its JSON (WeChatRefused for an errcode, a status
    other than 200, or no answer). Never inside a transaction: the outbound
    client's watcher says so."""
    url = f"{app.api_url}{path}?{urlencode(query)}"
    try:
        status, _headers, raw = transport("GET", url, {}, b"")
    except OSError as error:
        raise WeChatRefused(-1, f"{path}: {error}") from None
    try:
        answer = json.loads(raw.decode("utf-8", "replace"))
    except ValueError:
        raise WeChatRefused(-1, f"{path}: HTTP {status}, not JSON") from None
    if not isinstance(answer, dict):
        raise WeChatRefused(-1, f"{path}: not an object")
    code = answer.get("errcode") or 0
    if status != 200 or code:
        raise WeChatRefused(
            int(code) if str(code).lstrip("-").isdigit() else -1,
            str(answer.get("errmsg", f"HTTP {status}")),
        )
    return answer


def _text(answer: dict[str, Any], name: str) -> str:
    value = answer.get(name, "")
    return value if isinstance(value, str) else ""


def code_exchange(
    app: WeChatApp, code: str, transport: Transport = http_transport
) -> Grant:
    """The buyer behind a web authorization's code (and their WeChat name when they
    agreed to share it: snsapi_userinfo)."""
    answer = _get(
        app,
        ACCESS_TOKEN_PATH,
        [
            ("appid", app.app_id),
            ("secret", app.secret),
            ("code", code),
            ("grant_type", "authorization_code"),
        ],
        transport,
    )
    openid = _text(answer, "openid")
    if not openid:
        raise WeChatRefused(-1, "the answer names no openid")
    grant = Grant(
        app_id=app.app_id,
        openid=openid,
        unionid=_text(answer, "unionid"),
        scope=_text(answer, "scope"),
        access_token=_text(answer, "access_token"),
        snapshot=answer.get("is_snapshotuser") == 1,
    )
    if "snsapi_userinfo" not in grant.scope.split(","):
        return grant
    info = _get(
        app,
        USERINFO_PATH,
        [("access_token", grant.access_token), ("openid", openid), ("lang", "zh_CN")],
        transport,
    )
    if _text(info, "openid") != openid:
        raise WeChatRefused(-1, "the profile is another user's")
    return Grant(
        app_id=grant.app_id,
        openid=openid,
        unionid=_text(info, "unionid") or grant.unionid,
        scope=grant.scope,
        access_token=grant.access_token,
        snapshot=grant.snapshot,
        nickname=_text(info, "nickname")[:100],
    )


def code2session(
    app: WeChatApp, js_code: str, transport: Transport = http_transport
) -> Grant:
    """The buyer behind a mini-program's ``wx.login`` code."""
    answer = _get(
        app,
        CODE2SESSION_PATH,
        [
            ("appid", app.app_id),
            ("secret", app.secret),
            ("js_code", js_code),
            ("grant_type", "authorization_code"),
        ],
        transport,
    )
    openid = _text(answer, "openid")
    if not openid:
        raise WeChatRefused(-1, "the answer names no openid")
    return Grant(
        app_id=app.app_id,
        openid=openid,
        unionid=_text(answer, "unionid"),
        scope="code2session",
    )
