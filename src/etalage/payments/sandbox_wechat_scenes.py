"""The WeChat Pay sandbox's payment scenes, as WeChat Pay Global takes them
(``wechat_scenes`` says what each is): an order placed on the scene's path with
its ``trade_type`` and its own fields, checked as WeChat Pay checks them (a JSAPI
payer's openid must be one WeChat gave for that app id: here, the sandbox's
WeChat sign-in), and what the buyer's client is answered; then the pages a WeChat
client would show: the JSAPI payment sheet (its ``paySign`` checked against the
merchant's key) and the H5 page WeChat opens from a phone's browser."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from etalage.accounts.models import SandboxWeChatGrant
from etalage.core.ids import new_id
from etalage.payments import wechat, wechat_scenes, wechat_signing
from etalage.payments.models import Provider, SandboxPayment
from etalage.payments.provider import SignatureRefused
from etalage.payments.sandbox_keys import sandbox_key

# trade_type by the path it is placed on.
TRADE_TYPE_OF_PATH = {
    wechat_scenes.PATHS[scene]: trade_type
    for scene, trade_type in wechat_scenes.TRADE_TYPES.items()
}
_IP = re.compile(r"[0-9a-fA-F:.]{2,45}")


def order_refusal(path: str, request: dict[str, Any]) -> str:
    """What WeChat Pay would refuse in an order placed on ``path`` ("" if
    nothing): a ``trade_type`` other than the path's, an app or merchant that is
    not the sandbox's, an amount not in whole fen, a JSAPI payment without the
    payer's openid for its app, an H5 payment without the payer's address and the
    store."""
    if request.get("trade_type") != TRADE_TYPE_OF_PATH[path]:
        return f"trade_type: {TRADE_TYPE_OF_PATH[path]} on {path}"
    if request.get("mchid") != wechat.SANDBOX_MCHID:
        return "mchid: not this sandbox's merchant"
    apps = (wechat.SANDBOX_APPID, wechat.SANDBOX_MINI_PROGRAM_APPID)
    if request.get("appid") not in (
        apps if path == wechat_scenes.JSAPI_PATH else apps[:1]
    ):
        return "appid: not an app of this merchant (appid和mch_id不匹配)"
    amount = request.get("amount")
    if not isinstance(amount, dict) or type(amount.get("total")) is not int:
        return "amount.total: whole fen"
    if path == wechat_scenes.JSAPI_PATH:
        openid = (request.get("payer") or {}).get("openid")
        issued = SandboxWeChatGrant.objects.filter(
            app_id=request["appid"], openid=openid or "-"
        ).exists()
        if not issued:
            return "payer.openid: not a user of this appid (appid和openid不匹配)"
    if path == wechat_scenes.H5_PATH:
        scene = request.get("scene_info") or {}
        store = scene.get("store_info") or {}
        if not _IP.fullmatch(str(scene.get("payer_client_ip", ""))):
            return "scene_info.payer_client_ip: required"
        if not (store.get("name") and store.get("address")):
            return "scene_info.store_info: name and address required"
    return ""


def payment_fields(path: str, request: dict[str, Any]) -> dict[str, str]:
    """What the sandbox keeps of the scene with a new payment."""
    fields = {"scene": TRADE_TYPE_OF_PATH[path], "app_id": request["appid"]}
    if path == wechat_scenes.JSAPI_PATH:
        # WeChat Pay's prepay ids: "wx", the time, then letters and digits.
        stamp = timezone.now().strftime("%d%H%M%S%f")[:14]
        fields["prepay_id"] = f"wx{stamp}{new_id().hex[:20]}"
        fields["payer_openid"] = request["payer"]["openid"]
    return fields


def same_order(payment: SandboxPayment, path: str, request: dict[str, Any]) -> bool:
    """Whether an order placed again with the same ``out_trade_no`` is the same."""
    return (
        payment.scene or "NATIVE",
        payment.amount_minor,
        payment.currency,
    ) == (
        TRADE_TYPE_OF_PATH[path],
        request["amount"]["total"],
        request["amount"]["currency"],
    )


def answer_for(payment: SandboxPayment, scan_url: str) -> dict[str, str]:
    """What the order placement answers the buyer's client with."""
    if payment.scene == "JSAPI":
        return {"prepay_id": payment.prepay_id}
    if payment.scene == "MWEB":
        return {"mweb_url": _site() + f"{wechat.SANDBOX_PATH}/h5/{payment.payment_id}/"}
    return {"code_url": scan_url}


def _site() -> str:
    return settings.ETALAGE_SITE_URL.rstrip("/")


def jsapi_payment(params: dict[str, str]) -> tuple[SandboxPayment | None, str]:
    """The payment a WeChat client was asked to start with ``params`` (those of
    ``getBrandWCPayRequest`` / ``wx.requestPayment``), checked as WeChat checks
    them: ``paySign`` by the merchant's key over appId, timeStamp, nonceStr and
    package, ``signType`` RSA, a prepay id of a JSAPI payment for that app.
    (payment, "") or (None, why not)."""
    package = params.get("package", "")
    payment = SandboxPayment.objects.filter(
        provider=Provider.WECHAT,
        scene="JSAPI",
        prepay_id=package.removeprefix("prepay_id=") or "-",
    ).first()
    if payment is None or not package.startswith("prepay_id="):
        return None, "package: no prepay_id of this sandbox"
    if params.get("appId") != payment.app_id:
        return None, "appId: not the app the payment was ordered for"
    if params.get("signType") != "RSA":
        return None, "signType: RSA"
    try:
        wechat_signing.verify(
            sandbox_key("wechat-merchant").public_key(),
            params.get("paySign", ""),
            wechat_signing.pay_message(
                params["appId"],
                params.get("timeStamp", ""),
                params.get("nonceStr", ""),
                package,
            ),
        )
    except SignatureRefused as refused:
        return None, f"paySign: {refused}"
    return payment, ""


def return_address(url: str) -> str:
    """Where the sandbox's pages send the buyer back: an address of this site
    (WeChat's pages return only to the merchant's registered domain), else ""."""
    site = urlsplit(_site())
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) == (site.scheme, site.netloc):
        return url
    if not parts.scheme and not parts.netloc and url.startswith("/"):
        return url if not url.startswith("//") else ""
    return ""
