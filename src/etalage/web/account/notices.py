"""A buyer's contact points and notice preferences in *My account*, and the short
link the text messages carry to an order."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from etalage.accounts.contact import (
    buyer_email_add,
    buyer_email_confirm,
    buyer_mobile_add,
    buyer_mobile_confirm,
    notice_preferences_set,
)
from etalage.core.client_address import client_address
from etalage.orders.selectors import buyer_order_language
from etalage.web.access import buyer_required


def _refused(request: HttpRequest, error: ValidationError) -> None:
    """Say on the next page why the service refused (its messages name the field)."""
    for message in error.messages:
        messages.error(request, message)


ORDER_NUMBER = re.compile(r"E\d{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){3}")


def order_short(request: HttpRequest, number: str) -> HttpResponse:
    """``/o/<number>``, the texts' link, opened on the buyer's phone: the order's
    page in the order's language for its buyer; anyone else is asked to sign in,
    in their phone's language, and comes back to the order (``next``), which
    shows it only to its buyer. Nothing is said of the order before that, not
    even whether it exists."""
    number = number.strip().upper()
    if not ORDER_NUMBER.fullmatch(number):
        raise Http404("not an order number")
    language = None
    if request.user.is_authenticated:
        language = buyer_order_language(buyer=request.user, number=number)
    if language is not None:
        with translation.override(language):
            return redirect(reverse("web:order", args=[number]))
    with translation.override(translation.get_language_from_request(request)):
        target = reverse("web:order", args=[number])
        if request.user.is_authenticated:  # another account: the buyer's, then
            messages.info(
                request,
                _(
                    "No order of this account has the number %(number)s. If you "
                    "placed it with another account, sign in with that one."
                )
                % {"number": number},
            )
        return redirect(f"{reverse('web:login')}?{urlencode({'next': target})}")


class PreferencesForm(forms.Form):
    order_emails = forms.BooleanField(required=False)
    order_texts = forms.BooleanField(required=False)


@buyer_required
@require_POST
def notices_set(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST)
    form.is_valid()  # two check boxes: always valid
    notice_preferences_set(user=request.user,  # type: ignore[arg-type]
                           order_emails=form.cleaned_data["order_emails"],
                           order_texts=form.cleaned_data["order_texts"])  # fmt: skip
    messages.success(request, _("Your choices are saved."))
    return redirect("web:account")


@buyer_required
@require_POST
def email_add(request: HttpRequest) -> HttpResponse:
    try:
        email = buyer_email_add(
            user=request.user,  # type: ignore[arg-type]
            email=request.POST.get("email", ""),
            language=get_language(),
            address=client_address(request),
            site_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("We sent a link to %(email)s: open it to confirm the address.")
            % {"email": email},
        )
    return redirect("web:account")


def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        buyer_email_confirm(token=token)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Your email address is confirmed."))
    return redirect("web:account")


@buyer_required
@require_POST
def mobile_add(request: HttpRequest) -> HttpResponse:
    """An account opened by email adds a mobile number for texts: a code goes to it."""
    try:
        number = buyer_mobile_add(
            user=request.user,  # type: ignore[arg-type]
            mobile=request.POST.get("mobile", ""),
            language=get_language(),
            address=client_address(request),
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("We sent a code to %(mobile)s: type it below.") % {"mobile": number},
        )
    return redirect("web:account")


@buyer_required
@require_POST
def mobile_confirm(request: HttpRequest) -> HttpResponse:
    try:
        buyer_mobile_confirm(user=request.user,  # type: ignore[arg-type]
                             code=request.POST.get("code", ""))  # fmt: skip
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Your mobile number is added: texts go to it."))
    return redirect("web:account")
