"""What Étalage knows of buyers' WeChat users (reads): the openid a JSAPI payment
names the buyer by, and the WeChat identities *My account* lists."""

from __future__ import annotations

from django.contrib.auth.models import User

from etalage.accounts import wechat_oauth
from etalage.accounts.models import WeChatIdentity


def wechat_app_id(*, mini_program: bool = False) -> str:
    """The app id of Étalage's official account (or of its mini-program); "" when
    that app is not set up here."""
    app = (
        wechat_oauth.mini_program() if mini_program else wechat_oauth.official_account()
    )
    return app.app_id if app is not None else ""


def wechat_openid(*, user: User, app_id: str) -> str:
    """The buyer's openid for ``app_id`` ("" when Étalage holds none)."""
    return (
        WeChatIdentity.objects.filter(user=user, app_id=app_id)
        .values_list("openid", flat=True)
        .first()
        or ""
    )


def wechat_identities_of(*, user: User) -> list[WeChatIdentity]:
    """The WeChat users linked to the account, oldest first."""
    return list(WeChatIdentity.objects.filter(user=user))


def wechat_sign_in_available() -> bool:
    """Whether buyers can sign in with WeChat here (an official account set up)."""
    return wechat_oauth.official_account() is not None
