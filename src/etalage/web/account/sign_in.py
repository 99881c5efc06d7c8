"""Signing in on the storefront, keeping what the visitor put in the cart before."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.contrib.auth.views import LoginView
from django.http import HttpResponse
from django.urls import Resolver404, resolve

from etalage.checkout.services import cart_merge
from etalage.web.auth import ThrottledAuthenticationForm
from etalage.web.storefront.cart import CART_COOKIE, request_cart


def cart_kept(request, user, sign_in: Callable[[], HttpResponse]) -> HttpResponse:
    """Sign in (``sign_in`` does it and answers) keeping what the visitor put in the
    cart before: the cart the cookie names joins the person's own."""
    anonymous = request_cart(request)  # before signing in: found by the cookie
    response = sign_in()
    if anonymous is not None and anonymous.user_id is None:
        cart_merge(source=anonymous, user=user)
        response.delete_cookie(CART_COOKIE)
    return response


class SignInView(LoginView):
    """Sign in, and keep what the visitor put in the cart before signing in."""

    template_name = "etalage/storefront/login.html"
    authentication_form = ThrottledAuthenticationForm

    def form_valid(self, form):
        signed_in = super().form_valid
        return cart_kept(self.request, form.get_user(), lambda: signed_in(form))

    def get_context_data(self, **kwargs):
        """Say which order the sign-in leads to (a text message's link)."""
        context = super().get_context_data(**kwargs)
        try:
            found = resolve(urlsplit(self.get_redirect_url()).path)
        except Resolver404:
            found = None
        if found is not None and found.url_name == "order":
            context["order_number"] = found.kwargs["number"]
        return context
