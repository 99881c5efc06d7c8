"""Paying an order through the API, for a headless storefront or a mini-program
(session and CSRF as the rest of the buyer's API): start a payment in the scene
of the buyer's device and get what the client needs to start it (a cashier or
WeChat page to send the buyer to, a QR code to show, the parameters WeChat's
client starts a JSAPI payment with), then read how it went."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal, cast

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from etalage.api.access import BuyerSession, signed_in_buyer
from etalage.api.errors import ApiError, ErrorOut
from etalage.api.paging import CursorPage, PageQuery, cursor_page
from etalage.core.client_address import client_address
from etalage.orders.models import Order
from etalage.payments.models import Payment
from etalage.payments.services import (
    DEFAULT_SCENES,
    PaymentRefused,
    WeChatSignInNeeded,
    payment_device,
    payment_launch_parameters,
    payment_start,
)

payments_router = Router(auth=BuyerSession(), tags=["buyer payments"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PaymentIn(Schema):
    provider: Literal["alipay", "wechat"] = Field(
        ...,
        description="alipay (Alipay through Antom) or wechat (WeChat Pay Global).",
    )
    scene: Literal["native", "jsapi", "h5", "web", "wap", "app"] | None = Field(
        None,
        description="Where the buyer pays from. WeChat Pay: native (a QR code to "
        "show, the default), jsapi (inside WeChat: its browser or a mini-program; "
        "the buyer's WeChat must be linked: sign in with WeChat, or "
        "POST /auth/wechat/mini-program), h5 (another phone browser: WeChat "
        "opens). Alipay: web (a desktop's cashier, the default), wap (a phone "
        "browser's cashier), app (an app: the Alipay app opens).",
    )
    mini_program: bool = Field(
        False,
        description="jsapi: the payment is made in Étalage's mini-program (its "
        "app id and the buyer's openid for it), not in WeChat's browser.",
    )
    os_type: Literal["ios", "android"] | None = Field(
        None, description="wap, app: the phone's system (Antom asks for it)."
    )
    return_url: str = Field(
        "",
        max_length=500,
        description="Where the cashier or WeChat sends the buyer back (the "
        "order's page by default); an address of this site.",
    )


class JsapiOut(Schema):
    """What ``wx.requestPayment`` (a mini-program: all but appId) and
    ``WeixinJSBridge.invoke('getBrandWCPayRequest', …)`` take, signed now."""

    appId: str  # noqa: N815 - WeChat's names
    timeStamp: str  # noqa: N815
    nonceStr: str  # noqa: N815
    package: str = Field(..., description="prepay_id=…")
    signType: str = Field(..., description="RSA")  # noqa: N815
    paySign: str = Field(  # noqa: N815
        ...,
        description="SHA256withRSA by the merchant over "
        "appId\\ntimeStamp\\nnonceStr\\npackage\\n, base64.",
    )


# Payment.State's values: pydantic refuses any other when a PaymentOut is made.
PaymentState = Literal["pending", "succeeded", "failed", "held"]


class PaymentOut(Schema):
    request_id: str
    provider: str
    scene: str = Field(..., description="The scene the payment was made for.")
    state: PaymentState
    amount: Decimal
    currency: str
    redirect_url: str = Field(
        ...,
        description="Where to send the buyer: Alipay's cashier (web, wap) or app "
        "link (app), WeChat's H5 page (h5, coming back to return_url); or empty.",
    )
    qr_code: str = Field(
        ...,
        description="The text of the QR code the buyer scans (WeChat Pay native), "
        "or empty.",
    )
    jsapi: JsapiOut | None = Field(
        default=None,
        description="WeChat Pay jsapi, while the payment waits: what the WeChat "
        "client starts it with.",
    )
    paid_at: datetime | None
    created_at: datetime


def _out(payment: Payment) -> PaymentOut:
    launch = payment_launch_parameters(payment)
    return PaymentOut(
        request_id=payment.request_id,
        provider=payment.provider,
        scene=payment.scene or DEFAULT_SCENES.get(payment.provider, ""),
        state=cast(PaymentState, payment.state),
        amount=payment.amount,
        currency=payment.currency,
        redirect_url=payment.redirect_url,
        qr_code=payment.qr_code,
        jsapi=JsapiOut(**launch) if launch else None,
        paid_at=payment.paid_at,
        created_at=payment.created_at,
    )


def _order(request: HttpRequest, number: str) -> Order:
    order = Order.objects.filter(buyer=signed_in_buyer(request), number=number).first()
    if order is None:
        raise ApiError(
            404, "not_found", _("You have no order with this number."), "number"
        )
    return order


class PaymentPage(CursorPage):
    items: list[PaymentOut]


@payments_router.post("/orders/{number}/payments", response={201: PaymentOut, **ERRORS})
def payments_start(
    request: HttpRequest, number: str, payload: PaymentIn
) -> Status[PaymentOut]:
    """Start paying the order in a scene (``Idempotency-Key`` required: sending it
    again, or asking while a payment of the scene is out, answers with that
    payment). A jsapi payment for a buyer whose WeChat is not linked is refused
    with the code ``wechat_sign_in_needed``."""
    if not request.headers.get("Idempotency-Key", "").strip():
        raise ApiError(
            422, "required", "send an Idempotency-Key header", "Idempotency-Key"
        )
    order = _order(request, number)
    own_page = request.build_absolute_uri(reverse("web:order", args=[order.number]))
    return_url = payload.return_url or own_page
    if not return_url.startswith(request.build_absolute_uri("/")):
        raise ApiError(422, "invalid", "an address of this site", "return_url")
    if payload.scene in ("wap", "app") and not payload.os_type:
        raise ApiError(422, "required", "the phone's system: ios or android", "os_type")
    try:
        device = payment_device(
            order=order,
            provider=payload.provider,
            scene=payload.scene or "",
            mini_program=payload.mini_program,
            client_ip=client_address(request),
            os_type=payload.os_type or "",
        )
        payment = payment_start(
            order=order, provider=payload.provider, return_url=return_url, device=device
        )
    except WeChatSignInNeeded as refused:
        raise ApiError(409, "wechat_sign_in_needed", str(refused), "scene") from None
    except PaymentRefused as refused:
        raise ApiError(409, "not_payable", str(refused)) from None
    return Status(201, _out(payment))


@payments_router.get("/orders/{number}/payments", response={200: PaymentPage, **ERRORS})
def payments_list(
    request: HttpRequest, number: str, page: Query[PageQuery]
) -> PaymentPage:
    """The order's payments and their states, newest first (cursor paging)."""
    payments, next_page = cursor_page(
        request,
        Payment.objects.filter(order=_order(request, number)),
        page,
        scope="payments",
    )
    return PaymentPage(items=[_out(p) for p in payments], next=next_page)
