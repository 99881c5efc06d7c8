"""Paying an order (the buyer's button), the providers' notification endpoint and
the embedded sandbox's pages. Thin: the payments context does the work."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from etalage.core.client_address import client_address
from etalage.core.limits import limit_hit
from etalage.payments.adapters import adapter_class, provider_available
from etalage.payments.models import Provider, SandboxPayment
from etalage.payments.notifications import notification_receive
from etalage.payments.provider import from_minor_units
from etalage.payments.sandbox import (
    sandbox_decide,
    sandbox_transport,
    settlement_report,
)
from etalage.payments.services import PaymentRefused, payment_start
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
    if payment.redirect_url:
        return redirect(payment.redirect_url)
    return redirect("web:order", number=order.number)  # the page shows the QR code


@csrf_exempt
@require_POST
def notify(request, provider: str):
    """A provider's notification: kept raw, acknowledged, processed after commit.
    A sender posting more than the limit a minute, or a body past the size cap, is
    refused before anything is kept."""
    if not provider_available(provider):  # unknown, or not set up here
        raise Http404("no such provider")
    sender = client_address(request)
    body = capped_body(request, f"notify:{sender}")
    if isinstance(body, HttpResponse):
        return body
    notification_receive(
        provider=provider,
        headers=dict(request.headers),
        body=body.decode("utf-8", "replace"),
        remote_addr=sender,
    )
    status, answer = adapter_class(provider).acknowledgement()
    return HttpResponse(answer, status=status, content_type="application/json")


def capped_body(request, counter: str) -> bytes | HttpResponse:
    """The body a party outside posted, or the refusal: 429 past
    ``ETALAGE_NOTIFY_PER_MINUTE`` posts a minute on ``counter`` (a sender), 413 past
    ``ETALAGE_NOTIFY_MAX_BYTES``. Read before anything is kept."""
    if limit_hit(counter, seconds=60) > settings.ETALAGE_NOTIFY_PER_MINUTE:
        return HttpResponse(status=429, headers={"Retry-After": "60"})
    body: bytes = request.read(settings.ETALAGE_NOTIFY_MAX_BYTES + 1)
    if len(body) > settings.ETALAGE_NOTIFY_MAX_BYTES:
        return HttpResponse(status=413)
    return body


def _sandbox_on() -> None:
    if not settings.ETALAGE_PAYMENT_SANDBOX:
        raise Http404("the payment sandbox is off")


def _relay(request, url: str) -> HttpResponse:
    status, headers, body = sandbox_transport(
        request.method, url, dict(request.headers), request.body
    )
    response = HttpResponse(body, status=status, content_type="application/json")
    for name, value in headers.items():
        if name != "content-type":
            response[name] = value
    return response


@csrf_exempt
def sandbox_antom_api(request, rest: str):
    """The sandbox's Antom API over HTTP, for clients outside this process."""
    _sandbox_on()
    return _relay(request, request.build_absolute_uri())


@csrf_exempt
def sandbox_wechat_api(request, rest: str):
    """The sandbox's WeChat Pay API over HTTP."""
    _sandbox_on()
    return _relay(request, request.build_absolute_uri())


def sandbox_cashier(request, provider: str, payment_id: str):
    """The sandbox's cashier (Alipay) or the page a scan of its QR code opens
    (WeChat Pay): pay, decline, or come back later."""
    _sandbox_on()
    payment = get_object_or_404(
        SandboxPayment, payment_id=payment_id, provider=provider
    )
    if request.method == "POST" and payment.state == SandboxPayment.State.WAITING:
        misbehaviour = request.POST.get("misbehaviour", "")
        payment = sandbox_decide(
            payment,
            pay=request.POST.get("decision") == "pay",
            payer_other=request.POST.get("payer") == "other",
            misbehaviour=misbehaviour
            if misbehaviour in SandboxPayment.Misbehaviour.values
            else "",
        )
        if payment.redirect_url:
            return redirect(payment.redirect_url)
        return redirect(request.path)
    return render(
        request,
        "etalage/payments/sandbox_cashier.html",
        {
            "payment": payment,
            "provider": Provider(provider).label,
            "amount": from_minor_units(payment.amount_minor, payment.currency).amount,
            "misbehaviours": SandboxPayment.Misbehaviour.choices,
        },
    )


@staff_member_required
def sandbox_settlement(request, provider: str, day: str):
    """The sandbox's settlement report of a day, in the provider's format (the
    operator's, as the real report is: signed in to the back office)."""
    _sandbox_on()
    if provider not in Provider.values:
        raise Http404("no such provider")
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise Http404("not a date") from None
    return HttpResponse(
        settlement_report(provider, when),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{provider}-{day}.csv"'},
    )
