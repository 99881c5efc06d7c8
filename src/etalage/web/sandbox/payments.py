"""The embedded payment sandbox's pages: the stand-ins for Antom's and WeChat Pay's
APIs, their cashier and scan pages, the WeChat JSAPI and H5 sheets, and the
settlement report (the operator's, signed in to the back office). Never the real
providers. Thin: the payments context does the work."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt

from etalage.payments import sandbox_wechat_scenes
from etalage.payments.models import Provider, SandboxPayment
from etalage.payments.provider import from_minor_units
from etalage.payments.sandbox import (
    sandbox_decide,
    sandbox_transport,
    settlement_report,
)
from etalage.web.access import operator_required


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
    _speak_the_buyers_language(request, payment)
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


def _speak_the_buyers_language(request, payment: SandboxPayment) -> None:
    """The real cashiers speak the buyer's language; so does the sandbox's: the
    language of the shop's page the buyer is to come back to (its return address,
    which the payment carries), else the browser's (the language cookie, then
    Accept-Language, as a phone's WeChat follows the phone's), else Chinese."""
    back = urlsplit(payment.redirect_url or "")
    if back.path and url_has_allowed_host_and_scheme(
        payment.redirect_url, allowed_hosts={request.get_host()}
    ):
        language = (
            translation.get_language_from_path(back.path) or settings.LANGUAGE_CODE
        )
    else:
        language = translation.get_language_from_request(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language


@operator_required
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


def sandbox_wechat_jsapi(request):
    """What WeChat's client shows when a page (``WeixinJSBridge``) or a
    mini-program (``wx.requestPayment``) starts a JSAPI payment: the parameters
    checked as WeChat checks them (``paySign`` included), then the sandbox's
    payment sheet; the buyer comes back to ``return``."""
    _sandbox_on()
    names = ("appId", "timeStamp", "nonceStr", "package", "signType", "paySign")
    params = {name: request.GET.get(name, "") for name in names}
    payment, refusal = sandbox_wechat_scenes.jsapi_payment(params)
    if payment is None:
        return HttpResponse(
            f"get_brand_wcpay_request:fail ({refusal})",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    return _to_the_sheet(payment, request.GET.get("return", ""))


def sandbox_wechat_h5(request, payment_id: str):
    """The page WeChat Pay's H5 address opens in a phone's browser (WeChat opens to
    pay): the sandbox's payment sheet, then back to ``redirect_url``."""
    _sandbox_on()
    payment = get_object_or_404(
        SandboxPayment, payment_id=payment_id, provider=Provider.WECHAT, scene="MWEB"
    )
    return _to_the_sheet(payment, request.GET.get("redirect_url", ""))


def _to_the_sheet(payment: SandboxPayment, back: str):
    """The sandbox's WeChat payment page for ``payment``, which sends the buyer to
    ``back`` (an address of this site) once they have paid or declined."""
    back = sandbox_wechat_scenes.return_address(back)
    if back and payment.state == SandboxPayment.State.WAITING:
        SandboxPayment.objects.filter(pk=payment.pk).update(redirect_url=back)
    return redirect("sandbox-wechat-scan", payment_id=payment.payment_id)
