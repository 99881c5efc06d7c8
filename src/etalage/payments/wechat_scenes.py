"""WeChat Pay Global's payment scenes (API v3): where the buyer pays from decides
which order-placement API Étalage calls and what the buyer's client is given.

- ``native`` (a desktop): ``POST /v3/global/transactions/native``, ``trade_type``
  ``NATIVE``; WeChat Pay answers ``code_url``, the text of a QR code to scan.
- ``jsapi`` (inside WeChat: its browser, or a mini-program):
  ``POST /v3/global/transactions/jsapi``, ``trade_type`` ``JSAPI``, the buyer as
  ``payer.openid`` for the ``appid`` sent (the official account's, or the
  mini-program's); WeChat Pay answers ``prepay_id``, which the client starts with
  ``appId``, ``timeStamp``, ``nonceStr``, ``package`` (``prepay_id=…``),
  ``signType`` ``RSA`` and ``paySign`` (``launch_parameters``).
- ``h5`` (any other phone browser): ``POST /v3/global/transactions/mweb``,
  ``trade_type`` ``MWEB``, ``scene_info`` with the buyer's ``payer_client_ip`` and
  the ``store_info`` (``name``, ``address``); WeChat Pay answers ``mweb_url``, where
  the browser goes (WeChat opens), with ``redirect_url`` added for the way back.

Sources: WeChat Pay Global's API pages (pay.weixin.qq.com/wiki/doc/api_external:
*Order Placement* chapter3_2_1, *JSAPI/Mini Program Payment Order Placement*
chapter3_3_1 and chapter4_1_26, *H5 Order Placement* chapter4_1_30, *Call Payment
in H5 within WeChat* chapter4_1_25, *Mini Program Calls Payment* chapter3_5_12).
Étalage is a merchant in WeChat Pay's common (direct) mode: ``appid``/``mchid``
and ``payer.openid``, not the institutional mode's ``sp_``/``sub_`` fields.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric import rsa

from etalage.money import Money
from etalage.payments import wechat_signing
from etalage.payments.provider import (
    Device,
    ProviderError,
    Started,
    minor_units,
)

NATIVE_PATH = "/v3/global/transactions/native"
JSAPI_PATH = "/v3/global/transactions/jsapi"
H5_PATH = "/v3/global/transactions/mweb"
PATHS = {"native": NATIVE_PATH, "jsapi": JSAPI_PATH, "h5": H5_PATH}
TRADE_TYPES = {"native": "NATIVE", "jsapi": "JSAPI", "h5": "MWEB"}
# What each order-placement API answers the buyer's client with.
ANSWERED = {"native": "code_url", "jsapi": "prepay_id", "h5": "mweb_url"}


@dataclass(frozen=True)
class Merchant:
    """What the order requests say of the merchant."""

    mchid: str
    app_ids: tuple[str, ...]  # the official account's first, then a mini-program's
    merchant_category_code: str
    store_name: str
    store_address: str


def order_request(
    merchant: Merchant,
    *,
    device: Device,
    request_id: str,
    amount: Money,
    reference: str,
    description: str,
    notify_url: str,
) -> tuple[str, dict[str, Any]]:
    """(path, body) of the order placement for the device's scene (ValueError for a
    scene WeChat Pay does not have, or a JSAPI payment without its openid or for an
    app id that is not the merchant's)."""
    if device.scene not in PATHS:
        raise ValueError(f"WeChat Pay has no {device.scene!r} payments")
    app_id = merchant.app_ids[0]
    if device.scene == "jsapi":
        if not device.openid:
            raise ValueError("a JSAPI payment needs the buyer's openid")
        if device.app_id not in merchant.app_ids:
            raise ValueError(f"{device.app_id!r} is not one of the merchant's apps")
        app_id = device.app_id
    body: dict[str, Any] = {
        "appid": app_id,
        "mchid": merchant.mchid,
        "description": description[:127],
        "out_trade_no": request_id,
        "notify_url": notify_url,
        "trade_type": TRADE_TYPES[device.scene],
        "merchant_category_code": merchant.merchant_category_code,
        "attach": reference,
        "amount": {"total": minor_units(amount), "currency": amount.currency},
    }
    if device.scene == "jsapi":
        body["payer"] = {"openid": device.openid}
    if device.scene == "h5":
        if not device.client_ip:
            raise ValueError("an H5 payment needs the buyer's address")
        body["scene_info"] = {
            "payer_client_ip": device.client_ip,
            "store_info": {
                "name": merchant.store_name[:256],
                "address": merchant.store_address[:512],
            },
        }
    return PATHS[device.scene], body


def started(
    scene: str, status: int, answer: dict[str, Any], return_url: str
) -> Started:
    """What the buyer's client is given, from WeChat Pay's answer (ProviderError
    for a refusal or an answer without it)."""
    field = ANSWERED[scene]
    value = answer.get(field) if status == 200 else None
    if not isinstance(value, str) or not value:
        code, message = answer.get("code"), answer.get("message")
        raise ProviderError(f"{PATHS[scene]}: HTTP {status}, {code} {message}")
    if scene == "jsapi":
        return Started(provider_payment_id="", prepay_id=value)
    if scene == "h5":
        # WeChat sends the buyer back to where the payment began unless the
        # address carries ``redirect_url`` (URL-encoded).
        joiner = "&" if "?" in value else "?"
        back = f"{joiner}redirect_url={quote(return_url, safe='')}"
        return Started(provider_payment_id="", redirect_url=value + back)
    return Started(provider_payment_id="", qr_code=value)


def launch_parameters(
    key: rsa.RSAPrivateKey,
    *,
    app_id: str,
    prepay_id: str,
    timestamp: str = "",
    nonce: str = "",
) -> dict[str, str]:
    """What ``WeixinJSBridge.invoke('getBrandWCPayRequest', …)`` in WeChat's browser
    and ``wx.requestPayment`` in a mini-program take to start a JSAPI payment,
    ``paySign`` signed by the merchant's key now (a mini-program passes all but
    ``appId``)."""
    timestamp = timestamp or str(int(time.time()))
    nonce = nonce or secrets.token_hex(16)
    package = f"prepay_id={prepay_id}"
    return {
        "appId": app_id,
        "timeStamp": timestamp,
        "nonceStr": nonce,
        "package": package,
        "signType": "RSA",
        "paySign": wechat_signing.sign(
            key, wechat_signing.pay_message(app_id, timestamp, nonce, package)
        ),
    }
