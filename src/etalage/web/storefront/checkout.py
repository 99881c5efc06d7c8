"""Checkout: choose identity and address, see every parcel with its freight and tax,
the limits' verdict and the exact total, place once. The buyer's orders, once
placed, are ``web.account.orders``'s."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from etalage.checkout.info import checkout_info
from etalage.checkout.placement import IdempotencyConflict, OrderRefused, order_place
from etalage.checkout.selectors import cart_lines
from etalage.customs.selectors import addresses_of, identities_of
from etalage.money import format_money
from etalage.web.access import buyer_required
from etalage.web.request_data import request_market
from etalage.web.storefront.cart import (
    CHOSEN_IDENTITY,
    buyer_identity,
    present_quote,
    priced_in_parcel,
    request_cart,
)
from etalage.web.storefront.promotions import claimed_coupon_choices

PAGE_EXPIRED = _("This page has expired: check the totals, then place the order again.")
SENT_BEFORE = _(
    "This page was sent before with other choices; check your orders before "
    "placing it again."
)


TOKEN = re.compile(r"[0-9a-f]{32}")


class HttpResponseSeeOther(HttpResponseRedirect):
    """303: the page's post answered, fetch the page with a GET."""

    status_code = 303


# What the buyer chose and typed on the page ("Apply", "Update the totals"), kept
# for the page they are sent back to (post/redirect/get) until the order is placed.
KEPT = "etalage_checkout"


@buyer_required
def checkout(request):
    # A page sent twice (a double click, a retry) answers with the order the first
    # placed, so the placing comes before looking at the (by then empty) cart.
    cart = request_cart(request, create=request.method == "POST")
    market, strategy = request_market(request)
    token = request.POST.get("token", "")
    refused: list[str] = []
    # "Apply" and "Update the totals" post the page (never a GET: the URL would
    # carry the CSRF token, the identity and the address into the history, the
    # logs and the Referer); what it says is kept in the session and the buyer sent
    # back to the page, which a reload then asks again without resending anything.
    # Only "Place the order" places it.
    if request.method == "POST" and request.POST.get("recompute"):
        request.session[KEPT] = _sent(request.POST)
        return HttpResponseSeeOther(request.path)
    if request.method == "POST":
        placed, refused = _place_from_page(request, cart, market, strategy, token)
        if placed is not None:
            request.session.pop(KEPT, None)
            return redirect("web:order", number=placed.order.number)
    lines = cart_lines(cart=cart) if cart is not None else []
    if not lines:
        request.session.pop(KEPT, None)
        return redirect("web:cart")
    chosen = _sent(request.POST) if request.method == "POST" else _kept(request)
    context = _page(request, lines, market, strategy, refused, chosen)
    token = chosen["token"]
    context["token"] = token if TOKEN.fullmatch(token) else uuid.uuid4().hex
    return render(request, "etalage/storefront/checkout.html", context)


def _sent(data) -> dict[str, str]:
    """The buyer's choices as the page sent them (the coupon as typed)."""
    return {
        "identity": str(data.get("identity", ""))[:64],
        "address": str(data.get("address", ""))[:64],
        "coupon": chosen_coupon(data)[:64],
        "token": str(data.get("token", ""))[:32],
    }


def _kept(request) -> dict[str, str]:
    """The choices kept by the last "Apply" or "Update the totals", each replaced
    by a link's own (``?coupon=`` from a product page, ``?identity=``)."""
    kept = request.session.get(KEPT) or {}
    chosen = {key: str(kept.get(key, "")) for key in ("identity", "address", "token")}
    chosen["coupon"] = str(kept.get("coupon", ""))
    for key in ("identity", "address"):
        chosen[key] = request.GET.get(key) or chosen[key]
    if "coupon" in request.GET or "claimed_coupon" in request.GET:
        chosen["coupon"] = chosen_coupon(request.GET)[:64]
    return chosen


def _place_from_page(request, cart, market, strategy, token: str):
    """Place the order the page shows; return (placed or None, why not)."""
    try:
        shown = Decimal(request.POST.get("total", ""))
    except ArithmeticError:
        shown = None
    if not TOKEN.fullmatch(token) or shown is None or not shown.is_finite():
        return None, [str(PAGE_EXPIRED)]
    try:
        placed = order_place(
            buyer=request.user,
            cart=cart,
            market=market,
            strategy=strategy,
            identity_id=request.POST.get("identity"),
            address_id=request.POST.get("address"),
            idempotency_key="web:" + token,
            language=get_language(),
            expected_total=shown,
            coupon_code=chosen_coupon(request.POST),
        )
    except OrderRefused as refusal:
        # The coupon's refusal is shown under its field by the page (which finds it
        # again for the same coupon), not a second time at the top.
        return None, [
            m
            for field, ms in refusal.message_dict.items()
            if field != "coupon"
            for m in ms
        ]
    except IdempotencyConflict:
        return None, [str(SENT_BEFORE)]
    return placed, []


def _page(
    request, lines, market, strategy, refused: list[str], chosen: dict[str, str]
) -> dict:
    """What the checkout page shows for the buyer's choices: every parcel, the
    problems that stop the order (after what a refused post said) and the total."""
    language = get_language()
    identities = identities_of(user=request.user)
    addresses = addresses_of(user=request.user)
    wanted = chosen["identity"]
    identity = buyer_identity(request, wanted, identities)
    if identity is not None and wanted:  # the cart checks the limits for it too
        request.session[CHOSEN_IDENTITY] = str(identity.pk)
    address = next(
        (a for a in addresses if str(a.pk) == chosen["address"]),
        addresses[0] if addresses else None,
    )
    coupon = chosen["coupon"]
    info = checkout_info(
        strategy=strategy,
        lines=lines,
        language=language,
        identity=identity,
        address=address,
        coupon_code=coupon,
        buyer_id=request.user.pk,
    )
    quote = info.quote
    claimed = claimed_coupon_choices(buyer_id=request.user.pk, language=language)
    claimed_keys = {key for key, _label in claimed}
    line_ids = {line.variant_id: line.pk for line in lines}
    sub_orders = (
        present_quote(quote, line_ids, language, strategy, promises=info.promises)
        if quote
        else []
    )
    return {
        "sub_orders": sub_orders,
        "priced_in_parcel": priced_in_parcel(sub_orders),
        "total": format_money(quote.total, language) if quote else None,
        "total_amount": quote.total.amount if quote else "",
        "savings": format_money(quote.savings, language)
        if quote and quote.savings.amount
        else "",
        # A claimed coupon shows chosen in its list, not as its key in the field.
        "coupon": "" if coupon in claimed_keys else coupon[:64],
        "claimed_coupon": coupon if coupon in claimed_keys else "",
        "coupon_problem": info.coupon_problem.message if info.coupon_problem else "",
        "coupons": claimed,
        "identities": identities,
        "addresses": addresses,
        "chosen_identity": identity,
        "chosen_address": address,
        "year_left": format_money(info.year_left, language),
        "problems": refused + info.messages,
        "can_place": info.can_place,
        "delivers_here": strategy.takes_orders,
        "cbec": strategy.has_cbec_tax,
        "hold_minutes": market.hold_minutes,
    }


def chosen_coupon(data) -> str:
    """The coupon the page was sent with: the claimed one chosen from the list when
    its button (or, with JavaScript, the list itself) sent the page, else the code
    typed, else the claimed one still chosen."""
    claimed = (data.get("claimed_coupon") or "").strip()
    typed = (data.get("coupon") or "").strip()
    if data.get("recompute") == "claimed":
        return claimed
    return typed or claimed
