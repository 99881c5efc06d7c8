"""The embedded sandbox's stand-in for WeChat's sign-in: the web authorization page
an official account sends the browser to (the page itself is ``web.wechat``'s; the
checks and the codes are here), and the API that exchanges codes
(``/sns/oauth2/access_token``, ``/sns/userinfo``, a mini-program's
``/sns/jscode2session``), answered as WeChat answers, errors included.

Its WeChat users are the testers' browsers: each picks a WeChat name once (kept in
a cookie of the sandbox's page) and gets, per app, an openid WeChat-like in shape
and, across the sandbox's apps, one unionid. On only with the sandboxes; every page
says it is the sandbox."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.utils import timezone

from etalage.accounts import wechat_oauth
from etalage.accounts.models import SandboxWeChatGrant
from etalage.core.outbound import outside_call_begins

Answer = tuple[int, dict[str, str], bytes]
CODE_LIFETIME = timedelta(minutes=5)  # WeChat's: five minutes, used once
APPS = (wechat_oauth.SANDBOX_APPID, wechat_oauth.SANDBOX_MINI_PROGRAM_APPID)
_STATE = re.compile(r"[A-Za-z0-9]{0,128}")


def _keyed(*parts: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), "|".join(parts).encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sandbox_openid(app_id: str, user_key: str) -> str:
    """A sandbox WeChat user's openid for an app (28 characters, as WeChat's)."""
    return "o" + _keyed("openid", app_id, user_key)[:27]


def sandbox_unionid(user_key: str) -> str:
    """A sandbox WeChat user's unionid, the same for every app of the sandbox."""
    return "o" + _keyed("unionid", user_key)[:27]


def authorize_refusal(query: dict[str, str], site_host: str) -> str:
    """What WeChat would refuse in an authorization request ("" if nothing): an app
    it does not know, a ``redirect_uri`` outside the app's authorized domain (here:
    the site's), another ``response_type``, a ``scope`` it does not have, a
    ``state`` other than up to 128 letters and digits."""
    if query.get("appid") != wechat_oauth.SANDBOX_APPID:
        return "appid: not an official account of this sandbox"
    redirect = urlsplit(query.get("redirect_uri", ""))
    if redirect.scheme not in ("http", "https") or redirect.netloc != site_host:
        return "redirect_uri: outside the authorized domain (redirect_uri 参数错误)"
    if query.get("response_type") != "code":
        return "response_type: must be code"
    if query.get("scope") not in ("snsapi_base", "snsapi_userinfo"):
        return "scope: snsapi_base or snsapi_userinfo (scope 参数错误或没有 scope 权限)"
    if not _STATE.fullmatch(query.get("state", "")):
        return "state: at most 128 letters and digits"
    return ""


def grant_issue(
    *, app_id: str, kind: str, scope: str, user_key: str, nickname: str
) -> str:
    """A code for a sandbox WeChat user and an app (the authorization page's, or a
    mini-program's ``wx.login``): five minutes, used once."""
    code = secrets.token_hex(16)
    SandboxWeChatGrant.objects.create(
        app_id=app_id,
        kind=kind,
        scope=scope,
        code=code,
        openid=sandbox_openid(app_id, user_key),
        unionid=sandbox_unionid(user_key),
        nickname=nickname[:100],
    )
    return code


def redirect_back(redirect_uri: str, state: str, code: str = "") -> str:
    """Where the authorization page sends the browser: ``redirect_uri`` with the
    code and the state, or the state alone when the buyer refused."""
    query = [("code", code), ("state", state)] if code else [("state", state)]
    joiner = "&" if "?" in redirect_uri else "?"
    return f"{redirect_uri}{joiner}{urlencode(query)}"


def sandbox_transport(
    method: str, url: str, headers: dict[str, str], body: bytes
) -> Answer:
    """WeChat's sign-in API, answered in this process (the same rules as a call
    outside: never inside a transaction)."""
    outside_call_begins(url)
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    path = parts.path.removeprefix(wechat_oauth.SANDBOX_PATH + "/api")
    if method != "GET":
        return _json({"errcode": 43001, "errmsg": "require GET method"})
    if path == wechat_oauth.ACCESS_TOKEN_PATH:
        return _json(_exchange(query, "oauth", "code"))
    if path == wechat_oauth.CODE2SESSION_PATH:
        return _json(_exchange(query, "mini_program", "js_code"))
    if path == wechat_oauth.USERINFO_PATH:
        return _json(_userinfo(query))
    return 404, {"content-type": "text/plain"}, b"not found"


def _json(payload: dict[str, Any]) -> Answer:
    # WeChat answers its errors with HTTP 200 and an errcode.
    body = json.dumps(payload, ensure_ascii=False).encode()
    return 200, {"content-type": "application/json; encoding=utf-8"}, body


def _error(code: int, message: str) -> dict[str, Any]:
    return {"errcode": code, "errmsg": message}


def _exchange(query: dict[str, str], kind: str, field: str) -> dict[str, Any]:
    if query.get("appid") not in APPS:
        return _error(40013, "invalid appid")
    if query.get("secret") != wechat_oauth.SANDBOX_SECRET:
        return _error(40125, "invalid appsecret")
    if query.get("grant_type") != "authorization_code":
        return _error(40002, "invalid grant_type")
    grant = SandboxWeChatGrant.objects.filter(
        code=query.get(field, ""), kind=kind, app_id=query["appid"]
    ).first()
    if grant is None or grant.created_at < timezone.now() - CODE_LIFETIME:
        return _error(40029, "invalid code")
    token = secrets.token_hex(24)
    used = SandboxWeChatGrant.objects.filter(pk=grant.pk, used_at=None).update(
        used_at=timezone.now(), access_token=token
    )
    if not used:
        return _error(40163, "code been used")
    if kind == "mini_program":
        return {
            "openid": grant.openid,
            "session_key": base64.b64encode(secrets.token_bytes(16)).decode(),
            "unionid": grant.unionid,
        }
    answer: dict[str, Any] = {
        "access_token": token,
        "expires_in": 7200,
        "refresh_token": secrets.token_hex(24),
        "openid": grant.openid,
        "scope": grant.scope,
    }
    if grant.scope == "snsapi_userinfo":  # the unionid comes with consent only
        answer["unionid"] = grant.unionid
    return answer


def _userinfo(query: dict[str, str]) -> dict[str, Any]:
    grant = SandboxWeChatGrant.objects.filter(
        access_token=query.get("access_token") or "-", kind="oauth"
    ).first()
    if grant is None or grant.openid != query.get("openid"):
        return _error(40001, "invalid credential, access_token is invalid")
    if grant.scope != "snsapi_userinfo":
        return _error(48001, "api unauthorized")
    return {
        "openid": grant.openid,
        "nickname": grant.nickname,
        "sex": 0,
        "province": "",
        "city": "",
        "country": "",
        "headimgurl": "",
        "privilege": [],
        "unionid": grant.unionid,
    }
