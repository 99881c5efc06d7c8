"""The order page's ways to pay, picked from the buyer's device
(``payments.scenes``): ``{% pay_choices as pay %}`` gives the ways offered first,
the others, and the parameters a WeChat JSAPI payment waiting to be started is
started with (``?wechat_pay=start``)."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from etalage.payments import scenes
from etalage.payments.models import Payment
from etalage.payments.selectors import payment_waiting
from etalage.payments.services import payment_launch_parameters

register = template.Library()


def _label(choice: scenes.Choice, first: bool, kind: str) -> tuple[str, str]:
    """(the button's words, a line under it) for a way to pay."""
    if choice.provider == "wechat":
        if choice.scene == "native" and not first:
            return _("Show a WeChat Pay QR code"), _(
                "To scan with WeChat on another phone."
            )
        if choice.scene == "h5":
            return _("Pay with WeChat Pay"), _("WeChat opens to pay.")
        return _("Pay with WeChat Pay"), ""
    if choice.scene == "app":
        return _("Pay with Alipay"), _("The Alipay app opens to pay.")
    if choice.scene == "wap" and kind == "wechat":
        return _("Pay with Alipay"), _(
            "WeChat does not open Alipay: open this page in your phone's browser "
            "first (WeChat's menu, “Open in browser”)."
        )
    return _("Pay with Alipay"), ""


@register.simple_tag(takes_context=True)
def pay_choices(context: template.Context) -> dict[str, Any]:
    """The ways to pay the order in the context, for the request's device."""
    request = context["request"]
    order = context["order"]
    agent = request.headers.get("User-Agent", "")
    kind = scenes.device_kind(agent)
    first, others = scenes.choices(agent)
    system = scenes.os_type(agent)
    # Antom's phone cashier and its app need the phone's system: none offered
    # where the browser does not say it.
    usable = [c for c in first + others if c.scene not in ("wap", "app") or system]

    def shown(choice: scenes.Choice, is_first: bool) -> dict[str, str]:
        label, hint = _label(choice, is_first, kind)
        return {"provider": choice.provider, "scene": choice.scene,
                "label": label, "hint": hint}  # fmt: skip

    launch = ""
    if request.GET.get("wechat_pay") == "start":
        waiting: Payment | None = payment_waiting(order)
        if waiting is not None and waiting.prepay_id:
            launch = json.dumps(payment_launch_parameters(waiting))
    return {
        "first": [shown(c, True) for c in first if c in usable],
        "others": [shown(c, False) for c in others if c in usable],
        "launch": launch,
        "sandbox": settings.ETALAGE_PAYMENT_SANDBOX,
    }
