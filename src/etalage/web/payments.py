"""Paying an order (the buyer's button), the providers' notification endpoint and
the embedded sandbox's pages. Thin: the payments context does the work."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from etalage.payments.antom import from_minor_units
from etalage.payments.models import Provider, SandboxPayment
from etalage.payments.sandbox import sandbox_decide, sandbox_pay
from etalage.payments.services import (
    ACKNOWLEDGED,
    PaymentRefused,
    notification_receive,
    payment_start,
)
from etalage.web.checkout import _own_order


@login_required
@require_POST
def pay(request, number: str, provider: str):
    order = _own_order(request, number)
    return_url = request.build_absolute_uri(reverse("web:order", args=[order.number]))
    try:
        payment = payment_start(order=order, provider=provider, return_url=return_url)
    except PaymentRefused as refused:
        messages.error(request, str(refused))
        return redirect("web:order", number=order.number)
    return redirect(payment.redirect_url)


@csrf_exempt
@require_POST
def notify_antom(request):
    """Antom's notifications: kept raw, acknowledged, processed after commit."""
    notification_receive(
        provider=Provider.ALIPAY,
        headers=dict(request.headers),
        body=request.body.decode("utf-8", "replace"),
        remote_addr=request.META.get("REMOTE_ADDR", ""),
    )
    return JsonResponse(ACKNOWLEDGED)


def _sandbox_on() -> None:
    if not settings.ETALAGE_PAYMENT_SANDBOX:
        raise Http404("the payment sandbox is off")


@csrf_exempt
@require_POST
def sandbox_antom_pay(request):
    """The sandbox's ``POST /v1/payments/pay`` over HTTP, for clients outside."""
    _sandbox_on()
    status, headers, body = sandbox_pay(
        {k.lower(): v for k, v in request.headers.items()}, request.body
    )
    response = HttpResponse(body, status=status, content_type="application/json")
    for name, value in headers.items():
        if name != "content-type":
            response[name] = value
    return response


def sandbox_antom_cashier(request, payment_id: str):
    _sandbox_on()
    payment = get_object_or_404(SandboxPayment, payment_id=payment_id)
    if request.method == "POST" and payment.state == SandboxPayment.State.WAITING:
        payment = sandbox_decide(payment, pay=request.POST.get("decision") == "pay")
        return redirect(payment.redirect_url)
    return render(
        request,
        "etalage/payments/sandbox_cashier.html",
        {
            "payment": payment,
            "amount": from_minor_units(payment.amount_minor, payment.currency).amount,
        },
    )
