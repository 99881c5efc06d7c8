"""Placing an order: the checkout's last step.

``order_place`` is the one way an order comes to be: in one transaction it locks the
buyer's cart, the stock rows (in key order) and the buyer's yearly CBEC usage,
builds the checkout again on them (``checkout_info``, as the pages and the quotes
API did), refuses what changed, writes the order, its sub-orders and lines, takes
the stock, counts the usage and records ``OrderPlaced`` in the outbox. The number of
queries does not grow with the number of lines: eight reads and locks, then every
write in one round trip (``core.writes``). The same idempotency key gives the same
order, never two: the database's unique key on (buyer, key) refuses a second one, and
a request that is refused or collides is answered with the order placed before under
its key, if there is one (looked up only then, not on every placement). What happens
to an order afterwards is the orders context's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from etalage.checkout.discounts import promotion_rows
from etalage.checkout.info import CheckoutInfo, checkout_info
from etalage.checkout.models import Cart, CartLine
from etalage.checkout.selectors import cart_lines, stock_sources_by_variant
from etalage.core.languages import pick_translation
from etalage.core.writes import Writes
from etalage.customs.selectors import address_of, identity_of
from etalage.customs.services import (
    CapExceeded,
    caps_reserve,
    cbec_year,
    usage_change,
    usage_lock,
)
from etalage.events.outbox import event_record
from etalage.events.types import OrderPlaced
from etalage.inventory.models import StockMovement
from etalage.inventory.services import stock_lock, stock_move_locked
from etalage.money import Money, MoneyError, format_money
from etalage.orders import states
from etalage.orders.models import Order, OrderLine, OrderTransition, SubOrder
from etalage.orders.numbers import order_number, sub_order_number
from etalage.pricing.models import Market
from etalage.pricing.strategy import MarketStrategy
from etalage.promotions.services import PromotionRefused, redemptions_take

M = TypeVar("M", bound=models.Model)


class OrderRefused(ValidationError):
    """The order cannot be placed; ``message_dict`` names the field and the reason."""


class IdempotencyConflict(ValueError):
    """The idempotency key was used for another request."""


@dataclass(frozen=True)
class Placed:
    order: Order
    created: bool  # False: the same request was placed before; this is that order


def request_digest(
    *,
    market_code: str,
    identity_id: object,
    address_id: object,
    language: str,
    expected_total: Decimal | None = None,
    coupon_code: str = "",
) -> str:
    body = {
        "market": market_code,
        "identity": str(identity_id or ""),
        "address": str(address_id or ""),
        "language": language,
        "expected_total": str(expected_total) if expected_total is not None else None,
    }
    if coupon_code:  # (orders placed without one keep the digest they had)
        body["coupon"] = coupon_code
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def order_place(
    *,
    buyer: User,
    cart: Cart | None,
    market: Market,
    strategy: MarketStrategy,
    identity_id: object,
    address_id: object,
    idempotency_key: str,
    language: str,
    expected_total: Decimal | None = None,
    coupon_code: str = "",
) -> Placed:
    """Place the buyer's cart (by default their newest) as an order (see the module's
    docstring). With ``expected_total`` (what the buyer was shown), an order whose
    total has changed since (a price, the day's rate, a line gone) is refused.
    ``coupon_code``: the coupon typed (or a claimed coupon's key); one that does
    not apply refuses the order, naming ``coupon`` and why."""
    coupon_code = (coupon_code or "").strip()
    key = (idempotency_key or "").strip()
    if not 1 <= len(key) <= 100:
        raise OrderRefused({"idempotency_key": _("Send a key of 1 to 100 characters.")})
    if expected_total is not None and not _whole_cents(expected_total, market.currency):
        raise OrderRefused({"expected_total": _("Send the total in whole cents.")})
    digest = request_digest(
        market_code=market.code,
        identity_id=identity_id,
        address_id=address_id,
        language=language,
        expected_total=expected_total,
        coupon_code=coupon_code,
    )
    for attempt in range(3):
        try:
            with translation.override(language), transaction.atomic():
                return _place(
                    buyer=buyer,
                    cart=cart,
                    market=market,
                    strategy=strategy,
                    identity_id=identity_id,
                    address_id=address_id,
                    key=key,
                    digest=digest,
                    language=language,
                    expected_total=expected_total,
                    coupon_code=coupon_code,
                )
        except PromotionRefused as refused:
            raise OrderRefused(refused.error_dict) from None
        except OrderRefused:
            # A retry of a request that was placed finds its cart empty (or changed):
            # it is answered with that order.
            earlier = _earlier(buyer, key, digest)
            if earlier is not None:
                return Placed(earlier, created=False)
            raise
        except IntegrityError:
            # Another request with this key committed first, or (rarely) the random
            # order number was taken: answer with that order, or number again.
            earlier = _earlier(buyer, key, digest)
            if earlier is not None:
                return Placed(earlier, created=False)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _whole_cents(amount: Decimal, currency: str) -> bool:
    try:
        return Money(amount, currency).is_rounded()
    except MoneyError:  # not a finite number
        return False


def _earlier(buyer: User, key: str, digest: str) -> Order | None:
    order = Order.objects.filter(buyer=buyer, idempotency_key=key).first()
    if order is not None and order.request_digest != digest:
        raise IdempotencyConflict(key)
    return order


def _refuse(field: str, message: str, code: str = "invalid") -> OrderRefused:
    return OrderRefused({field: ValidationError(message, code=code)})


def _place(
    *,
    buyer: User,
    cart: Cart | None,
    market: Market,
    strategy: MarketStrategy,
    identity_id: object,
    address_id: object,
    key: str,
    digest: str,
    language: str,
    expected_total: Decimal | None,
    coupon_code: str = "",
) -> Placed:
    # The cart's lock makes two checkouts of one cart (a double click, a retry while
    # the first is still running) wait for each other.
    carts = Cart.objects.select_for_update().filter(user=buyer)
    if cart is not None:
        carts = carts.filter(pk=cart.pk)
    cart = carts.order_by("-created_at").only("pk").first()
    if cart is None:
        raise _refuse("cart", _("Your cart is empty."), "empty_cart")

    if not strategy.takes_orders:
        raise _refuse("market", _("Étalage delivers orders to mainland China only."))
    lines = cart_lines(cart=cart)
    if not lines:
        raise _refuse("cart", _("Your cart is empty."), "empty_cart")
    identity = identity_of(user=buyer, key=identity_id)
    if identity is None:
        raise _refuse(
            "identity",
            _("Choose the identity customs will check (the payer's own)."),
            "identity_required",
        )
    address = address_of(user=buyer, key=address_id)
    if address is None:
        raise _refuse("address", _("Choose a delivery address."), "address_required")

    variants = [line.variant for line in lines]
    kinds = stock_sources_by_variant(strategy=strategy, variants=variants)
    wanted_kinds = sorted({kind for some in kinds.values() for kind in some})
    stocks = stock_lock(variant_ids=[v.pk for v in variants], kinds=wanted_kinds)
    now = timezone.now()
    year = cbec_year(now)
    usage = usage_lock(id_number_hmac=identity.id_number_hmac, year=year)
    info = checkout_info(
        strategy=strategy,
        lines=lines,
        language=language,
        identity=identity,
        address=address,
        year=year,
        year_used=usage.used,
        stocks=stocks,
        coupon_code=coupon_code,
        buyer_id=buyer.pk,
        now=now,
    )
    if coupon_code and info.coupon_problem is not None:
        problem = info.coupon_problem
        raise _refuse("coupon", problem.message, problem.code)
    if info.problems or info.quote is None:
        raise OrderRefused(
            {"cart": [ValidationError(p.message, code=p.code) for p in info.problems]}
        )
    quote = info.quote
    if expected_total is not None and quote.total.amount != expected_total:
        shown = format_money(Money(expected_total, quote.currency), language)
        raise _refuse(
            "expected_total",
            _(
                "The total is now %(now)s, not %(shown)s as shown: check the order "
                "and place it again."
            )
            % {"now": format_money(quote.total, language), "shown": shown},
            "total_changed",
        )
    try:
        caps_reserve(
            id_number_hmac=identity.id_number_hmac, year=year, wanted=info.caps_by_code
        )
    except CapExceeded as exceeded:
        raise _refuse("cart", exceeded.messages[0], "yearly_cap") from None
    writes = Writes()
    order = _write(
        buyer=buyer,
        market=market,
        info=info,
        language=language,
        key=key,
        digest=digest,
        now=now,
        writes=writes,
    )
    stock_move_locked(
        moves=list(info.plan.taken.values()),
        reason=StockMovement.Reason.ALLOCATED,
        note=order.number,
        writes=writes,
    )
    if quote.discounts is not None and quote.discounts.applied:
        writes.insert(
            redemptions_take(
                order_id=order.pk,
                buyer_id=buyer.pk,
                amounts=quote.discounts.amounts,
                now=now,
                language=language,
            )
        )
    if order.usage_amount:
        usage_change(usage=usage, reserved=order.usage_amount, writes=writes)
    event_record(OrderPlaced(order_id=order.pk, number=order.number), writes=writes)
    writes.delete(CartLine.objects.filter(cart=cart))
    writes.send()
    return Placed(order, created=True)


def _write(
    *,
    buyer: User,
    market: Market,
    info: CheckoutInfo,
    language: str,
    key: str,
    digest: str,
    now: datetime,
    writes: Writes,
) -> Order:
    """Build the order, its sub-orders and lines from the checkout; add their inserts
    to ``writes``."""
    assert info.quote is not None and info.identity and info.address
    quote, identity, address = info.quote, info.identity, info.address
    taken, cap_counted, year = info.plan.taken, info.caps_by_line, info.year
    currency = quote.currency
    fx = info.strategy.fx
    order = Order(
        number=order_number(timezone.localdate(now)),
        buyer=buyer,
        market=market,
        language=language,
        idempotency_key=key,
        request_digest=digest,
        identity=identity,
        buyer_name=identity.real_name,
        id_number_masked=identity.id_number_masked,
        id_number_hmac=identity.id_number_hmac,
        recipient=address.recipient,
        phone=address.phone,
        province=address.province,
        city=address.city,
        district=address.district,
        region_code=address.region_code,
        street=address.street,
        postcode=address.postcode,
        currency=currency,
        fx_rate=fx.rate if fx else None,
        fx_rate_date=fx.rate_date if fx else None,
        fx_margin_percent=fx.margin_percent if fx else 0,
        cbec_year=year,
        hold_expires_at=now + timedelta(minutes=market.hold_minutes),
    )
    sub_orders, order_lines = [], []
    for index, sub in enumerate(quote.sub_orders, start=1):
        tax = sub.tax
        # Placement goes on only when every line has its warehouse (no shortage).
        assert sub.placement.warehouse_id is not None, "a line without a warehouse"
        sub_order = SubOrder(
            order=order,
            number=sub_order_number(order.number, index),
            merchant_id=sub.merchant_id,
            warehouse_id=sub.placement.warehouse_id,
            route=sub.placement.route,
            customs_mode=sub.placement.route.customs_mode,
            weight_grams=sub.weight_grams,
            goods=sub.goods.amount,
            freight=sub.freight.amount,
            tariff=tax.tariff if tax else 0,
            consumption_tax=tax.consumption_tax if tax else 0,
            vat=tax.vat if tax else 0,
            total=sub.total.amount,
            usage_amount=tax.limits.counted if tax else 0,
            goods_eur=sum(ql.unit_price_eur * ql.quantity for ql in sub.lines),
            commission_percent=sub.lines[
                0
            ].variant.product.merchant.default_commission_percent,
        )
        promise = info.promises.get(sub.placement.route)
        if promise is not None:
            sub_order.promised_from = promise.earliest
            sub_order.promised_by = promise.latest
        sub_orders.append(sub_order)
        line_taxes = {lt.key: lt for lt in tax.lines} if tax else {}
        for ql in sub.lines:
            variant, product = ql.variant, ql.variant.product
            merchant_language = product.merchant.language
            translations = product.translations.all()
            zh = pick_translation(translations, "zh-hans")
            own = pick_translation(translations, merchant_language)
            line_tax = line_taxes.get(str(variant.pk))
            order_lines.append(
                OrderLine(
                    sub_order=sub_order,
                    variant=variant,
                    stock=taken[variant.pk][0],
                    sku=variant.sku,
                    name_zh=zh.name if zh else product.slug,
                    name_merchant=own.name if own else product.slug,
                    merchant_language=merchant_language,
                    attributes=variant.attributes,
                    hs_code=product.hs_code,
                    origin_country=product.origin_country,
                    tax_class=product.tax_class,
                    quantity=ql.quantity,
                    unit_price_eur=ql.unit_price_eur,
                    unit_price=ql.unit_price.amount,
                    goods=line_tax.goods if line_tax else ql.goods.amount,
                    freight_share=line_tax.freight if line_tax else 0,
                    tariff=line_tax.tariff if line_tax else 0,
                    consumption_tax=line_tax.consumption_tax if line_tax else 0,
                    vat=line_tax.vat if line_tax else 0,
                    cap_counted=cap_counted.get(variant.pk, 0),
                )
            )
    order.goods = sum(s.goods for s in sub_orders)
    order.freight = sum(s.freight for s in sub_orders)
    order.tax = sum(s.tax for s in sub_orders)
    order.total = sum(s.total for s in sub_orders)
    order.usage_amount = sum(s.usage_amount for s in sub_orders)
    # (Each merchant's discount comes off its goods in EUR before they are written.)
    discount_rows = promotion_rows(quote=quote, sub_orders=sub_orders, fx=fx)
    writes.insert([order])
    writes.insert(sub_orders)
    writes.insert(order_lines)
    for rows in discount_rows:
        writes.insert(rows)
    # Keep the parts on the order, so that the caller can show it without reading
    # it back (Django's prefetch cache, as prefetch_related would fill it).
    merchants = {
        s.merchant_id: s.lines[0].variant.product.merchant for s in quote.sub_orders
    }
    for sub_order in sub_orders:
        sub_order.merchant = merchants[sub_order.merchant_id]
        lines = [line for line in order_lines if line.sub_order is sub_order]
        sub_order._prefetched_objects_cache = {  # type: ignore[attr-defined]
            "lines": _fetched(OrderLine.objects.filter(sub_order=sub_order), lines)
        }
    order._prefetched_objects_cache = {  # type: ignore[attr-defined]
        "sub_orders": _fetched(SubOrder.objects.filter(order=order), sub_orders)
    }
    writes.insert(
        [OrderTransition(order=order, to_state=states.PLACED, by=buyer)]
        + [
            OrderTransition(order=order, sub_order=s, to_state=states.PLACED, by=buyer)
            for s in sub_orders
        ]
    )
    return order


def _fetched(queryset: QuerySet[M], objects: Iterable[M]) -> QuerySet[M]:
    """``queryset`` as if it had been evaluated to ``objects``."""
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    return queryset
