"""Signing in with WeChat on the storefront's pages: ``{% wechat_offer as wechat %}``
says whether WeChat's sign-in is set up here (``available``), offered to this
browser (WeChat's own: ``offered``), and which WeChat users the account has."""

from __future__ import annotations

from typing import Any

from django import template

from etalage.accounts.wechat_identities import (
    wechat_app_id,
    wechat_identities_of,
    wechat_sign_in_available,
)
from etalage.payments import scenes

register = template.Library()


@register.simple_tag(takes_context=True)
def wechat_offer(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    available = wechat_sign_in_available()
    user = request.user
    identities = (
        wechat_identities_of(user=user) if available and user.is_authenticated else []
    )
    return {
        "available": available,
        "offered": available
        and scenes.device_kind(request.headers.get("User-Agent", "")) == "wechat",
        "identities": identities,
        # Unlinking the last one would leave an account without a password no way
        # to sign in (the service refuses it too).
        "can_unlink": len(identities) > 1
        or (user.is_authenticated and user.has_usable_password()),
        "mini_program": wechat_app_id(mini_program=True),
    }
