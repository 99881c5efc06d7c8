"""Paying an order: the buyer's button on the order page sends the buyer to the
provider's page in the scene the device allows. Thin: the payments context does
the work."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from etalage.core.client_address import client_address
from etalage.payments import scenes
from etalage.payments.services import (
    PaymentRefused,
    WeChatSignInNeeded,
    payment_device,
    payment_start,
)
from etalage.web.access import buyer_required
from etalage.web.account.orders import own_order


@buyer_required
@require_POST
def pay(request, number: str, provider: str):
    """Start paying the order in the scene the page offered (the device's): send
    the buyer to the provider's page, or back to the order to scan a QR code or
    have WeChat start a JSAPI payment. A JSAPI payment needs the buyer's openid
    for the official account: WeChat's silent authorization gives it first."""
    order = own_order(request, number)
    order_path = reverse("web:order", args=[order.number])
    agent = request.headers.get("User-Agent", "")
    try:
        device = payment_device(
            order=order,
            provider=provider,
            scene=request.POST.get("scene", ""),
            client_ip=client_address(request),
            os_type=scenes.os_type(agent),
        )
        payment = payment_start(
            order=order,
            provider=provider,
            return_url=request.build_absolute_uri(order_path),
            device=device,
        )
    except WeChatSignInNeeded:  # linked, the buyer is back at the order to pay
        query = urlencode({"next": order_path})
        return redirect(f"{reverse('web:wechat-sign-in')}?{query}")
    except PaymentRefused as refused:
        messages.error(request, str(refused))
        return redirect(order_path)
    if payment.redirect_url:
        return redirect(payment.redirect_url)
    if payment.prepay_id:  # the order page has WeChat start it
        return redirect(f"{order_path}?{urlencode({'wechat_pay': 'start'})}")
    return redirect(order_path)  # the page shows the QR code
