"""Buyers join and manage their account: sign up with an email address or a mobile
number, confirm it, choose a new password, keep identities and addresses."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from etalage.accounts.services import (
    buyer_sign_up,
    email_confirm,
    login_parse,
    message_allowed,
    mobile_sign_up_confirm,
    password_reset_by_code,
    password_reset_code_send,
    password_reset_link_ask,
    sign_up_code_resend,
)
from etalage.core.client_address import client_address
from etalage.web.account.sign_in import cart_kept
from etalage.web.forms import add_service_errors

BACKEND = "django.contrib.auth.backends.ModelBackend"
SIGN_UP_LOGIN = "etalage_sign_up"


def _signed_in(request, user, response):
    """Sign the person in and answer, keeping the cart they filled before."""

    def sign_in():
        login(request, user, backend=BACKEND)
        return response

    return cart_kept(request, user, sign_in)


class NewPasswordForm(forms.Form):
    """A password chosen, typed twice (signing up, accepting a team invitation)."""

    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(render_value=False)
    )
    password_again = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(render_value=False)
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return cleaned


class SignUpForm(NewPasswordForm):
    login = forms.CharField(
        label=_("Email address or mainland China mobile number"), max_length=254
    )
    field_order = ["login", "password", "password_again"]


class CodeForm(forms.Form):
    code = forms.CharField(label=_("The code we sent"), max_length=6, min_length=6)


@sensitive_post_parameters("password", "password_again")
def sign_up(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            who = buyer_sign_up(
                login=form.cleaned_data["login"],
                password=form.cleaned_data["password"],
                language=get_language(),
                address=client_address(request),
                site_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[SIGN_UP_LOGIN] = who.value
            return redirect("web:sign-up-sent")
    return render(request, "etalage/accounts/sign_up.html", {"form": form})


def sign_up_sent(request):
    """Where the link or the code went; a code is typed here."""
    sent_to = request.session.get(SIGN_UP_LOGIN)
    if not sent_to:
        return redirect("web:sign-up")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = mobile_sign_up_confirm(login=sent_to, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            del request.session[SIGN_UP_LOGIN]
            return _signed_in(request, user, redirect("web:account"))
    return render(
        request,
        "etalage/accounts/sign_up_sent.html",
        {"sent_to": sent_to, "by_email": "@" in sent_to, "form": form},
    )


@require_POST
def sign_up_code_again(request):
    sign_up_code_resend(login=request.session.get(SIGN_UP_LOGIN, ""),
                        language=get_language(),
                        address=client_address(request))  # fmt: skip
    return redirect("web:sign-up-sent")


def sign_up_confirm(request, uidb64: str, token: str):
    user = email_confirm(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "etalage/accounts/link_expired.html", status=400)
    messages.success(request, _("Your email address is confirmed: welcome."))
    return _signed_in(request, user, redirect("web:account"))


class ForgotForm(forms.Form):
    login = forms.CharField(
        label=_("Email address or mainland China mobile number"), max_length=254
    )


class NewPasswordByCodeForm(CodeForm):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)


def password_forgotten(request):
    """Ask for a link (email) or a code (mobile); say the same whoever asks."""
    form = ForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            who = login_parse(form.cleaned_data["login"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            address = client_address(request)
            if who.kind == "email" and message_allowed(to=who.value, address=address):
                password_reset_link_ask(
                    email=who.value,
                    language=get_language(),
                    site_url=request.build_absolute_uri("/"),
                )
            elif who.kind == "mobile":
                password_reset_code_send(login=who.value, language=get_language(),
                                         address=address)  # fmt: skip
            request.session[SIGN_UP_LOGIN] = who.value
            return redirect("web:password-sent")
    return render(request, "etalage/accounts/password_forgotten.html", {"form": form})


@sensitive_post_parameters("password")
def password_sent(request):
    sent_to = request.session.get(SIGN_UP_LOGIN)
    if not sent_to:
        return redirect("web:password-forgotten")
    form = NewPasswordByCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = password_reset_by_code(
                login=sent_to,
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            del request.session[SIGN_UP_LOGIN]
            messages.success(request, _("Your new password is set."))
            return _signed_in(request, user, redirect("web:account"))
    return render(
        request,
        "etalage/accounts/password_sent.html",
        {"sent_to": sent_to, "by_email": "@" in sent_to, "form": form},
    )


# Identities and addresses --------------------------------------------------------
