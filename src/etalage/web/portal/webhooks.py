"""The merchant portal's webhooks (owners): endpoints and the events they receive,
the secret shown once, every delivery with its attempts and answers, "send again"."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etalage.merchants.permissions import OWNER_ROLES
from etalage.web.access import merchant_member
from etalage.web.forms import form_errors_text
from etalage.webhooks.delivery import (
    EndpointRefused,
    delivery_send_again,
    endpoint_create,
    endpoint_roll_secret,
    endpoint_update,
)
from etalage.webhooks.models import Delivery, Endpoint
from etalage.webhooks.schedule import EVENTS


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=gettext_lazy("URL"), max_length=500, assume_scheme="https"
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        widget=forms.CheckboxSelectMultiple,
        choices=lambda: [(name, f"{name}: {_(text)}") for name, text in EVENTS.items()],
    )
    enabled = forms.BooleanField(
        label=gettext_lazy("Enabled"), required=False, initial=True
    )


@merchant_member(OWNER_ROLES)
def webhooks(request):
    merchant = request.membership.merchant
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = endpoint_create(
                merchant=merchant,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
            )
        except EndpointRefused as refused:
            form.add_error(refused.field, str(refused))
        else:
            request.session["webhook_secret"] = [str(endpoint.pk), secret]
            return redirect("web:portal-webhooks")
    shown = request.session.pop("webhook_secret", None)
    endpoints = Endpoint.objects.filter(merchant=merchant)
    deliveries = (
        Delivery.objects.filter(endpoint__merchant=merchant)
        .select_related("endpoint")
        .prefetch_related("attempt_log")[:50]
    )
    return render(
        request,
        "etalage/portal/webhooks.html",
        {
            "merchant": merchant,
            "form": form,
            "endpoints": endpoints,
            "deliveries": deliveries,
            "secret": shown,
            "events": EVENTS,
        },
    )


@merchant_member(OWNER_ROLES)
def webhook_endpoint(request, pk):
    merchant = request.membership.merchant
    endpoint = Endpoint.objects.filter(merchant=merchant, pk=pk).first()
    if endpoint is None:
        raise Http404
    if request.method != "POST":
        return redirect("web:portal-webhooks")
    if "roll" in request.POST:
        request.session["webhook_secret"] = [
            str(endpoint.pk),
            endpoint_roll_secret(endpoint=endpoint),
        ]
        return redirect("web:portal-webhooks")
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            endpoint_update(
                endpoint=endpoint,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                enabled=form.cleaned_data["enabled"],
            )
        except EndpointRefused as refused:
            messages.error(request, str(refused))
    else:
        messages.error(request, form_errors_text(form))
    return redirect("web:portal-webhooks")


@merchant_member(OWNER_ROLES)
def webhook_send_again(request, pk):
    merchant = request.membership.merchant
    delivery = Delivery.objects.filter(endpoint__merchant=merchant, pk=pk).first()
    if delivery is None:
        raise Http404
    if request.method == "POST":
        delivery_send_again(delivery=delivery)
        messages.info(request, _("Queued to be sent again; its attempts show below."))
    return redirect("web:portal-webhooks")
