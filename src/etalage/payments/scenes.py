"""Which way to pay suits the buyer's device (pure): read from the browser's user
agent, the scenes offered first and the others (``provider.SCENES`` says what
each is).

- Inside WeChat (its browser says ``MicroMessenger``; a mini-program's web view
  ``miniProgram`` too): WeChat Pay in WeChat (JSAPI).
- Inside Alipay's app (``AlipayClient``): Alipay, opening the app (APP).
- Any other phone or tablet browser: WeChat Pay (H5, WeChat opens) and Alipay's
  phone cashier (WAP).
- A desktop: WeChat Pay's QR code and Alipay's cashier (WEB).
Every device is also offered the QR code, to pay from another phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["wechat", "alipay", "phone", "desktop"]

_PHONE = re.compile(r"Mobi|Android|iPhone|iPad|iPod|HarmonyOS|Windows Phone", re.I)
_IOS = re.compile(r"iPhone|iPad|iPod|Mac OS X.*Mobile", re.I)
_ANDROID = re.compile(r"Android|HarmonyOS", re.I)


@dataclass(frozen=True)
class Choice:
    provider: Literal["wechat", "alipay"]
    scene: str


def device_kind(user_agent: str) -> Kind:
    """The kind of device a user agent says it is."""
    if "MicroMessenger" in user_agent:
        return "wechat"
    if "AlipayClient" in user_agent:
        return "alipay"
    if _PHONE.search(user_agent):
        return "phone"
    return "desktop"


def os_type(user_agent: str) -> Literal["", "IOS", "ANDROID"]:
    """The phone's system, as Antom names it ("" for none it names)."""
    if _ANDROID.search(user_agent):
        return "ANDROID"
    if _IOS.search(user_agent):
        return "IOS"
    return ""


FIRST: dict[Kind, tuple[Choice, ...]] = {
    "wechat": (Choice("wechat", "jsapi"),),
    "alipay": (Choice("alipay", "app"),),
    "phone": (Choice("wechat", "h5"), Choice("alipay", "wap")),
    "desktop": (Choice("wechat", "native"), Choice("alipay", "web")),
}
OTHERS: dict[Kind, tuple[Choice, ...]] = {
    # Alipay's pages do not open in WeChat's browser: its cashier is offered for a
    # browser the buyer opens the page in (WeChat's menu: "Open in browser").
    "wechat": (Choice("alipay", "wap"), Choice("wechat", "native")),
    "alipay": (Choice("alipay", "wap"), Choice("wechat", "native")),
    "phone": (Choice("wechat", "native"),),
    "desktop": (),
}


def choices(user_agent: str) -> tuple[tuple[Choice, ...], tuple[Choice, ...]]:
    """(the ways to pay offered first, the others) for the device."""
    kind = device_kind(user_agent)
    return FIRST[kind], OTHERS[kind]
