"""The storefront cart: lines from many merchants, priced per merchant sub-order."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from etalage.catalog.selectors import product_thumbnails, variant_label
from etalage.checkout.info import checkout_info
from etalage.checkout.models import Cart
from etalage.checkout.selectors import cart_lines
from etalage.checkout.services import cart_add, cart_set_quantity
from etalage.core.ids import parse_id
from etalage.customs.models import BuyerIdentity
from etalage.customs.selectors import identities_of
from etalage.money import Money, format_money
from etalage.orders.transit_times import window_basis_text, window_text
from etalage.web.presenters import product_name
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


# The identity the buyer last chose at checkout: the cart checks the limits for it.
CHOSEN_IDENTITY = "etalage_identity"


def buyer_identity(
    request, wanted: str | None = None, identities: list[BuyerIdentity] | None = None
) -> BuyerIdentity | None:
    """The identity the signed-in buyer chose (``wanted``, else the one chosen last
    at checkout), else their first one."""
    if identities is None:
        identities = identities_of(user=request.user)
    wanted = wanted or request.session.get(CHOSEN_IDENTITY)
    return next(
        (i for i in identities if str(i.pk) == wanted),
        identities[0] if identities else None,
    )


@require_POST
def cart_add_view(request):
    cart = request_cart(request, create=True)
    _market, strategy = request_market(request)
    try:
        addition = cart_add(
            cart=cart,
            variant_id=request.POST.get("variant", ""),
            quantity=int(request.POST.get("quantity") or 1),
            strategy=strategy,
        )
        if addition.added < addition.asked:
            request.session["cart_problem"] = _(
                "Only %(added)d more could be added: your cart now holds all %(n)d "
                "there are."
            ) % {"added": addition.added, "n": addition.line.quantity}
    except (ValidationError, ValueError) as error:
        request.session["cart_problem"] = (
            error.messages[0] if isinstance(error, ValidationError) else str(error)
        )
    return _remember(redirect("web:cart"), request, cart)


def cart_view(request):
    cart = request_cart(request)
    _market, strategy = request_market(request)
    if request.method == "POST" and cart is not None:
        posted = dict(request.POST.items())
        if posted.get("remove", "").isdigit():  # the line's own Remove button
            posted = {f"line-{posted['remove']}": "0"}
        for key, value in posted.items():
            if key.startswith("line-"):
                try:
                    cart_set_quantity(
                        cart=cart,
                        line_id=int(key[5:]),
                        quantity=int(value or 0),
                        strategy=strategy,
                    )
                except ValidationError as error:
                    request.session["cart_problem"] = error.messages[0]
                except ValueError:
                    request.session["cart_problem"] = "quantity"
        return redirect("web:cart")
    language = get_language()
    lines = cart_lines(cart=cart) if cart is not None else []
    identity = buyer_identity(request)
    info = (
        checkout_info(
            strategy=strategy, lines=lines, language=language, identity=identity
        )
        if lines
        else None
    )
    quote = info.quote if info else None
    problem = request.session.pop("cart_problem", None)
    if info and info.quote is None:
        problem = info.messages[-1]
    line_ids = {line.variant_id: line.pk for line in lines}
    sub_orders = (
        present_quote(
            quote, line_ids, language, strategy, pictures=True, promises=info.promises
        )
        if quote and info
        else []
    )
    return render(
        request,
        "etalage/storefront/cart.html",
        {
            "quote": quote,
            "sub_orders": sub_orders,
            "priced_in_parcel": priced_in_parcel(sub_orders),
            "total": format_money(quote.total, language) if quote else None,
            "savings": format_money(quote.savings, language)
            if quote and quote.savings.amount
            else "",
            "hints": quote.hints if quote else (),
            "problem": problem,
            "identity_known": identity is not None,
            "cbec": strategy.has_cbec_tax,
            "takes_orders": strategy.takes_orders,
        },
    )


def present_quote(
    quote, line_ids, language, strategy, pictures: bool = False, promises=None
):
    """The cart's (and checkout's) sub-orders for a page. A line's price is the kind
    the product page shows: goods with the line's own CBEC tax, where the market
    has one; freight is added once per parcel. That tax counts the line's share of
    its parcel's freight, so where it differs from the product page's (one unit
    shipped alone), the line says that one as well (`alone`). With `pictures`,
    each line has its product's thumbnail (one query more). With `promises` (the
    checkout's delivery window per route), each parcel says when it should arrive,
    where the market takes orders."""

    def money(amount: Money) -> str:
        return format_money(amount, language)

    def alone(ql, unit: Money) -> str:
        """The product page's price of the line's unit, where it is not ``unit``."""
        variant = ql.variant
        estimate = strategy.estimate(
            variant.price_eur,
            tax_class=variant.product.tax_class,
            weight_grams=variant.weight_grams,
            net=variant.net,
        )
        if estimate is None or estimate.with_tax == unit:
            return ""
        return money(estimate.with_tax)

    thumbnails = (
        product_thumbnails(
            ql.variant.product_id for sub in quote.sub_orders for ql in sub.lines
        )
        if pictures
        else {}
    )
    views = []
    for sub in quote.sub_orders:
        tax = sub.tax
        line_tax = {t.key: t.tax for t in tax.lines} if tax else {}

        def with_tax(ql, currency=sub.currency, line_tax=line_tax) -> Money:
            own = line_tax.get(str(ql.variant.pk), Decimal(0))
            return ql.unit_price * ql.quantity + Money(own, currency)

        def cny(amount, currency=sub.currency) -> str:
            return money(Money(amount, currency))

        views.append(
            {
                "route": sub.placement.route,
                "route_description": sub.placement.route.description,
                "freight_label": sub.placement.route.freight_label,
                "merchant": sub.merchant_name,
                "merchant_slug": sub.merchant_slug,
                "lines": [
                    {
                        "id": line_ids[ql.variant.pk],
                        "name": product_name(ql.variant.product, language),
                        "label": variant_label(ql.variant, language),
                        "slug": ql.variant.product.slug,
                        "thumbnail": thumbnails.get(ql.variant.product_id, ""),
                        "quantity": ql.quantity,
                        "unit_price": money(
                            unit := (with_tax(ql) / ql.quantity).rounded()
                        ),
                        "alone": alone(ql, unit),
                        "goods": money(with_tax(ql)),
                        "regular": money(ql.regular_price)
                        if ql.regular_price is not None
                        else "",
                    }
                    for ql in sub.lines
                ],
                # At the prices shown; each promotion then takes its part off.
                "goods": money(sub.goods_shown or sub.goods),
                "freight": money(sub.freight_shown or sub.freight),
                "promotions": [
                    (label, money(amount)) for label, amount in sub.promotions
                ],
                "consumption_tax": cny(tax.consumption_tax)
                if tax and tax.consumption_tax
                else None,
                "vat": cny(tax.vat) if tax else None,
                "tariff": cny(tax.tariff) if tax and tax.tariff else None,
                "total": money(sub.total),
                "problem": sub.problem,
                **promise_view((promises or {}).get(sub.placement.route), strategy),
            }
        )
    return views


def promise_view(window, strategy) -> dict[str, str]:
    """A parcel's delivery window for a page (nothing where the market does not
    take orders: no parcel goes there)."""
    if window is None or not strategy.takes_orders:
        return {}
    return {"promise": window_text(window), "promise_basis": window_basis_text(window)}


def priced_in_parcel(sub_orders) -> bool:
    """Some line's price with tax is not its product page's (shipped alone)."""
    return any(line["alone"] for sub in sub_orders for line in sub["lines"])
