"""The buyer's orders: the list, one order's page (its parcels, their tracking,
returns and payment) and cancelling an order not yet paid."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import segno
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from etalage.customs.routes import Route
from etalage.logistics.selectors import line_name, parcel_timeline
from etalage.money import Money, format_money
from etalage.orders import states
from etalage.orders.models import Order
from etalage.orders.reasons import CANCELLED_BY_BUYER
from etalage.orders.selectors import order_history, sub_orders_buyer_may_cancel
from etalage.orders.services import order_cancel
from etalage.orders.transit_times import sub_order_promise
from etalage.payments.models import Provider
from etalage.payments.selectors import (
    order_refunds,
    payment_followed,
    payment_just_failed,
    payment_waiting,
)
from etalage.promotions.parcels import ParcelOffer, parcel_offers
from etalage.promotions.selectors import (
    offer_of,
    order_merchant_line_shares,
    order_redemptions,
    parcel_savings,
)
from etalage.promotions.texts import offer_label
from etalage.returns.services import return_window_end, returnable
from etalage.web.access import buyer_required
from etalage.web.account.reviews import order_line_reviews


@buyer_required
def orders(request):
    return render(
        request,
        "etalage/storefront/orders.html",
        {"orders": request.user.orders.prefetch_related("sub_orders__merchant")[:50]},
    )


def _order_line(
    line, language: str, currency: str, taxed: bool, taken_off: Decimal
) -> dict:
    """A line of an order as its page shows it: priced as the cart and checkout
    priced it (at the price shown, before what the merchant's promotions took off
    it, ``taken_off``, which the parcel's offers then name), with its own tax for a
    CBEC order (the share of its parcel's freight counted), so one unit price means
    one thing from cart to order. Customs and the books keep the declared price."""
    tax = line.tariff + line.consumption_tax + line.vat if taxed else Decimal(0)
    with_tax = Money(line.goods + taken_off + tax, currency)
    return {
        "line": line,
        "name": line_name(line, language),
        "unit": format_money((with_tax / line.quantity).rounded(), language),
        "goods": format_money(with_tax, language),
    }


def _named(
    offers: list[ParcelOffer], savings: Decimal, language: str, currency: str
) -> list[tuple[str, str]]:
    """A parcel's offers by name with what each took off it, when each is known
    and they add up to what the parcel saved (else none: the parcel says
    "Promotions" with their sum)."""
    if not offers or any(o.amount is None for o in offers):
        return []
    if sum(o.amount or 0 for o in offers) != savings:
        return []
    return [
        (
            offer_label(offer_of(o.redemption.promotion), language),
            format_money(Money(o.amount, currency), language),
        )
        for o in offers
    ]


def _without_trailing_zeros(value: Decimal) -> Decimal:
    """7.432600 as 7.4326, and 10.000000 as 10 (never 1E+1)."""
    normal = value.normalize()
    return normal if normal.as_tuple().exponent <= 0 else normal.quantize(Decimal(1))


def own_order(request, number: str) -> Order:
    order = (
        Order.objects.filter(buyer=request.user, number=number)
        .prefetch_related(
            "sub_orders__merchant",
            "sub_orders__lines__variant__product__translations",
            "sub_orders__returns",
            "sub_orders__transitions",
            "transitions__by",
            "sub_orders__parcel__events",
        )
        .first()
    )
    if order is None:
        raise Http404
    return order


def _returns(sub) -> dict:
    """The parcel's returns, and whether (until when) it can be returned."""
    until = return_window_end(sub)
    return {
        "returns": list(sub.returns.all()),
        "returnable": returnable(sub),
        "return_until": until,
        "return_closed": until is not None and timezone.now() > until,
    }


@buyer_required
def order(request, number: str):
    order = own_order(request, number)
    language = get_language()

    def money(amount) -> str:
        return format_money(Money(amount, order.currency), language)

    taxed = order.cbec_year is not None  # a CBEC order: its lines carry their tax
    # Parcels with promotions: goods and freight as shown, then what they took off.
    promoted = parcel_savings(s.pk for s in order.sub_orders.all())
    taken_off = order_merchant_line_shares(s.pk for s in order.sub_orders.all())
    redemptions = order_redemptions(order_id=order.pk)
    offers = parcel_offers(
        ((s.pk, s.merchant_id) for s in order.sub_orders.all()), redemptions
    )
    reviews = order_line_reviews(order)
    subs = [
        {
            "sub": sub,
            "route_description": Route(sub.route).description,
            "lines": [
                _order_line(
                    line,
                    language,
                    order.currency,
                    taxed,
                    taken_off.get((sub.pk, line.variant_id), Decimal(0)),
                )
                for line in sub.lines.all()
            ],
            "goods": money(p.goods_shown if (p := promoted.get(sub.pk)) else sub.goods),
            "freight": money(p.freight_shown if p else sub.freight),
            "savings": money(p.savings) if p and p.savings else "",
            "offers": _named(
                offers.get(sub.pk, []), p.savings, language, order.currency
            )
            if p and p.savings
            else [],
            "consumption_tax": money(sub.consumption_tax)
            if sub.consumption_tax
            else "",
            "vat": money(sub.vat),
            "tariff": money(sub.tariff) if sub.tariff else "",
            "total": money(sub.total),
            "tracking": (tracking := parcel_timeline(sub)),
            "promise": sub_order_promise(sub, ((t.step, t.at) for t in tracking)),
            **_returns(sub),
            "line_reviews": reviews.get(sub.pk, []),
        }
        for sub in order.sub_orders.all()
    ]
    waiting = payment_waiting(order) if order.state == states.PLACED else None
    return render(
        request,
        "etalage/storefront/order.html",
        {
            "order": order,
            "taxed": taxed,
            "subs": subs,
            # Each offer by name with what it took off the order, as the cart names
            # them (a parcel's breakdown says what its offers took off it).
            "offers": [
                (offer_label(offer_of(r.promotion), language), money(r.amount))
                for r in redemptions
            ],
            "total": money(order.total),
            # While a payment is out, the page follows it (the notification may
            # come a second after the buyer is back from the cashier).
            "follow_payment": payment_followed(order),
            "qr_code": segno.make(waiting.qr_code, error="m").svg_data_uri(scale=5)
            if waiting and waiting.qr_code
            else "",
            "waiting": waiting,
            "payment_failed": order.state == states.PLACED
            and waiting is None
            and payment_just_failed(order),
            "refunds": [
                (r, money(r.amount), Provider(r.payment.provider).label)
                for r in order_refunds(order)
            ],
            # A number, so that the page writes it in the reader's way (7,4326).
            "fx_rate": _without_trailing_zeros(order.fx_rate)
            if order.fx_rate
            else None,
            "cancellable": bool(sub_orders_buyer_may_cancel(order.sub_orders.all())),
            "history": order_history(order),
        },
    )


@buyer_required
@require_POST
def order_cancel_view(request, number: str):
    order = own_order(request, number)
    # Shipped meanwhile: nothing to cancel; the page shows where the order is.
    with contextlib.suppress(states.IllegalTransition):
        order_cancel(
            order=order, by=request.user, reason=CANCELLED_BY_BUYER, by_buyer=True
        )
    return redirect("web:order", number=order.number)
