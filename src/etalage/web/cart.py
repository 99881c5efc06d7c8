"""The storefront cart: lines from many merchants, priced per merchant sub-order."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from etalage.checkout.models import Cart
from etalage.checkout.selectors import cart_lines, fulfilment_plan
from etalage.checkout.services import cart_add, cart_merge, cart_set_quantity
from etalage.core.ids import parse_id
from etalage.money import Money, format_money
from etalage.pricing.quote import QuoteRefused, cart_quote
from etalage.web.auth import ThrottledAuthenticationForm
from etalage.web.presenters import product_name, variant_label
from etalage.web.request_data import request_market

CART_COOKIE = "etalage_cart"


def request_cart(request, create: bool = False) -> Cart | None:
    if request.user.is_authenticated:
        cart = Cart.objects.filter(user=request.user).order_by("-created_at").first()
        if cart is None and create:
            cart = Cart.objects.create(user=request.user)
        return cart
    token = request.COOKIES.get(CART_COOKIE, "")
    cart = (
        Cart.objects.filter(pk=token, user__isnull=True).first()
        if parse_id(token)
        else None
    )
    if cart is None and create:
        cart = Cart.objects.create()
    return cart


def _remember(response, request, cart: Cart):
    if not request.user.is_authenticated:
        response.set_cookie(
            CART_COOKIE,
            str(cart.pk),
            max_age=30 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _year_used(request) -> tuple[Decimal, bool]:
    """What the signed-in buyer's first identity used this year (and whether known)."""
    if not request.user.is_authenticated:
        return Decimal("0"), False
    identity = request.user.identities.first()
    if identity is None:
        return Decimal("0"), False
    from etalage.customs.services import cbec_year, yearly_used

    return yearly_used(id_number_hmac=identity.id_number_hmac, year=cbec_year()), True


@require_POST
def cart_add_view(request):
    cart = request_cart(request, create=True)
    market, _pricing = request_market(request)
    try:
        cart_add(
            cart=cart,
            variant_id=request.POST.get("variant", ""),
            quantity=int(request.POST.get("quantity") or 1),
            market=market,
        )
    except (ValidationError, ValueError) as error:
        request.session["cart_problem"] = (
            error.messages[0] if isinstance(error, ValidationError) else str(error)
        )
    return _remember(redirect("web:cart"), request, cart)


def cart_view(request):
    cart = request_cart(request)
    market, pricing = request_market(request)
    if request.method == "POST" and cart is not None:
        for key, value in request.POST.items():
            if key.startswith("line-"):
                try:
                    cart_set_quantity(
                        cart=cart,
                        line_id=int(key[5:]),
                        quantity=int(value or 0),
                        market=market,
                    )
                except ValidationError as error:
                    request.session["cart_problem"] = error.messages[0]
                except ValueError:
                    request.session["cart_problem"] = "quantity"
        return redirect("web:cart")
    language = get_language()
    lines = cart_lines(cart=cart) if cart is not None else []
    year_used, identity_known = _year_used(request)
    quote, problem = None, request.session.pop("cart_problem", None)
    if lines:
        plan = fulfilment_plan(market=market, lines=lines)
        try:
            quote = cart_quote(
                pricing=pricing,
                lines=[(line.variant, line.quantity) for line in lines],
                year_used=year_used,
                language=language,
                placements=plan.placements,
            )
        except QuoteRefused as refused:
            problem = str(refused)
    line_ids = {line.variant_id: line.pk for line in lines}
    return render(
        request,
        "etalage/storefront/cart.html",
        {
            "quote": quote,
            "sub_orders": present_quote(quote, line_ids, language) if quote else [],
            "total": format_money(quote.total, language) if quote else None,
            "problem": problem,
            "identity_known": identity_known,
            "cbec": pricing.has_cbec_tax,
            "takes_orders": market.country == "CN",
        },
    )


def present_quote(quote, line_ids, language):
    def money(amount: Money) -> str:
        return format_money(amount, language)

    views = []
    for sub in quote.sub_orders:
        tax = sub.tax

        def cny(amount, currency=sub.currency) -> str:
            return money(Money(amount, currency))

        views.append(
            {
                "route": sub.placement.route,
                "merchant": sub.merchant_name,
                "merchant_slug": sub.merchant_slug,
                "lines": [
                    {
                        "id": line_ids[ql.variant.pk],
                        "name": product_name(ql.variant.product, language),
                        "label": variant_label(ql.variant, language),
                        "slug": ql.variant.product.slug,
                        "quantity": ql.quantity,
                        "unit_price": money(ql.unit_price),
                        "goods": money(ql.unit_price * ql.quantity),
                    }
                    for ql in sub.lines
                ],
                "goods": money(sub.goods),
                "freight": money(sub.freight),
                "consumption_tax": cny(tax.consumption_tax)
                if tax and tax.consumption_tax
                else None,
                "vat": cny(tax.vat) if tax else None,
                "tariff": cny(tax.tariff) if tax and tax.tariff else None,
                "total": money(sub.total),
                "problem": sub.problem,
            }
        )
    return views


class SignInView(LoginView):
    """Sign in, and keep what the visitor put in the cart before signing in."""

    template_name = "etalage/storefront/login.html"
    authentication_form = ThrottledAuthenticationForm

    def form_valid(self, form):
        anonymous = request_cart(self.request)  # before login: found by the cookie
        response = super().form_valid(form)
        if anonymous is not None and anonymous.user_id is None:
            cart_merge(source=anonymous, user=form.get_user())
            response.delete_cookie(CART_COOKIE)
        return response
