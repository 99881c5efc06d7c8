"""The demo's history: six months of orders, so that the merchants' and the
operator's dashboards show something true. Each order is placed, paid, carried
to delivery and (for a few) asked back through the product's own services, with
their ledger postings, on the day it happened: the clock the services read
(``django.utils.timezone.now``) is set to that day while they run. Product page
views are counted the same way, through ``analytics.product_views``.

The last days' parcels stay paid and undelivered (of the shops the demo's clock
moves), so the clock carries them on while the demo runs."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from etalage.analytics.product_views import product_view_count, product_views_flush
from etalage.catalog.models import Product, Variant
from etalage.checkout.models import Cart
from etalage.checkout.placement import order_place
from etalage.checkout.services import cart_add
from etalage.customs.services import address_add, identity_add
from etalage.ledger.postings import books_matured
from etalage.orders.models import Order
from etalage.orders.services import order_pay, sub_order_move
from etalage.payments.models import SandboxPayment
from etalage.payments.notifications import notification_process, notification_receive
from etalage.payments.sandbox import NOTICES
from etalage.payments.services import payment_start
from etalage.pricing.models import Market
from etalage.pricing.selectors import market_strategy
from etalage.returns.services import return_ask

DAYS = 180
ORDERS = 48
BUYERS = 6  # each with a yearly CBEC allowance of its own
DELIVERED = ("customs_declared", "released", "shipped", "delivered")
REASONS = ("damaged", "not_as_described", "not_wanted", "damaged", "wrong_item")


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Let the services read ``moment`` (ticking on) as the time."""
    real = timezone.now
    started = real()
    with mock.patch.object(timezone, "now", lambda: moment + (real() - started)):
        yield


def demo_history(log: Callable[[str], object]) -> None:
    """Place, pay, deliver and (some) return ``ORDERS`` orders spread over the
    last ``DAYS`` days, and count the product views around them."""
    rng = random.Random(29)  # noqa: S311 (demo choices, not secrets)
    buyers = [_buyer(n) for n in range(BUYERS)]
    operator = get_user_model().objects.get(username="operator")
    market = Market.objects.get(code="CN")
    strategy = market_strategy(market=market)
    by_hand = settings.ETALAGE_DEMO_BY_HAND_MERCHANT
    now = timezone.now()
    offsets = sorted((rng.randint(1, DAYS) for _ in range(ORDERS)), reverse=True)
    returned = 0
    for n, days_ago in enumerate(offsets):
        moment = (now - timedelta(days=days_ago)).replace(hour=rng.randint(8, 22))
        recent = days_ago < 10
        variants = _variants(rng, exclude=by_hand if recent else "")
        buyer = buyers[n % BUYERS]
        with clock_at(moment):
            cart = Cart.objects.create(user=buyer)
            for variant in variants:
                cart_add(cart=cart, variant_id=variant.pk, quantity=rng.randint(1, 2),
                         strategy=strategy)  # fmt: skip
            order = order_place(
                buyer=buyer, cart=cart, market=market, strategy=strategy,
                identity_id=buyer.identities.get().pk,
                address_id=buyer.addresses.get().pk,
                idempotency_key=f"demo-history-{n}", language="zh-hans",
            ).order  # fmt: skip
            _views(rng, variants)
        _pay(order, rng.choice(("alipay", "wechat")), moment, operator)
        if recent:
            continue
        with clock_at(moment + timedelta(days=rng.randint(6, 9))):
            for sub in order.sub_orders.all():
                for state in DELIVERED:
                    sub = sub_order_move(sub_order=sub, to=state, by=operator,
                                         reason="demo history")  # fmt: skip
                if rng.random() < 0.15:
                    returned += _return(sub, buyer, rng)
    _background_views(rng, now)
    product_views_flush()
    books_matured(now=timezone.now())
    log(
        f"Demo history: {ORDERS} orders over the last {DAYS} days, paid and "
        f"delivered through the services ({returned} asked back), and product views."
    )


def _pay(order: Order, provider: str, moment: datetime, operator) -> None:
    """Paid on ``moment`` in the payment sandbox: the payment asked and paid
    there, its signed notification received (now: the provider signs it with the
    real time, which the check of its age compares) and processed on ``moment``
    (the payment, the order and the ledger's capture dated then)."""
    if not settings.ETALAGE_PAYMENT_SANDBOX:
        with clock_at(moment):  # the operator records a bank transfer
            order_pay(order=order, by=operator, reason="demo bank transfer")
        return
    with clock_at(moment):
        payment = payment_start(order=order, provider=provider,
                                return_url=f"/orders/{order.number}/")  # fmt: skip
        sandboxed = SandboxPayment.objects.get(request_id=payment.request_id)
        sandboxed.state, sandboxed.paid_at = SandboxPayment.State.PAID, moment
        sandboxed.save(update_fields=["state", "paid_at", "updated_at"])
    payment_notice, _refund_notice = NOTICES[provider]
    _url, headers, body = payment_notice(sandboxed)
    kept = notification_receive(provider=provider, headers=headers, body=body,
                                remote_addr="127.0.0.1")  # fmt: skip
    with clock_at(moment):
        if notification_process(kept).verdict != "processed":
            raise RuntimeError(f"the demo payment {payment.request_id} failed")


def _buyer(n: int):
    """A history buyer with an identity (a fictional ID number that passes the
    checksum, date and area checks) and an address."""
    buyer = get_user_model().objects.create_user(f"history-buyer-{n}")
    number = f"36042619910101{n + 100:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[
        sum(int(d) * w for d, w in zip(number, weights, strict=True)) % 11
    ]
    name = ("李华", "张伟", "刘洋", "陈静", "杨磊", "赵敏")[n % 6]
    identity_add(user=buyer, real_name=name, id_number=number + check,
                 mobile=f"1380013{n:04d}", consent=True)  # fmt: skip
    address_add(user=buyer, recipient=name, phone=f"1380013{n:04d}",
                province="上海市", city="上海市", district="浦东新区",
                street=f"世纪大道 {200 + n} 号 (demo)")  # fmt: skip
    return buyer


def _variants(rng: random.Random, exclude: str) -> list[Variant]:
    """One or two live variants with stock, of one or two merchants."""
    candidates = list(
        Variant.objects.filter(is_active=True, product__status="live",
                               stock__on_hand__gt=10, weight_grams__lte=2000,
                               price_eur__lte=60)
        .exclude(product__merchant__slug=exclude)
        .select_related("product")
        .order_by("sku")
        .distinct()
    )  # fmt: skip
    return rng.sample(candidates, k=min(len(candidates), rng.choice((1, 1, 2))))


def _views(rng: random.Random, variants: list[Variant]) -> None:
    """The page views that came before an order: one buyer in ten or so orders."""
    for variant in variants:
        for _ in range(rng.randint(5, 25)):
            product_view_count(variant.product_id)


def _background_views(rng: random.Random, now: datetime) -> None:
    """Views of products nobody ordered, over the last 30 days."""
    products = list(Product.objects.filter(status="live").values_list("pk", flat=True))
    for days_ago in range(30):
        with clock_at(now - timedelta(days=days_ago)):
            for product_id in rng.sample(products, k=min(len(products), 12)):
                for _ in range(rng.randint(1, 6)):
                    product_view_count(product_id)


def _return(sub, buyer, rng: random.Random) -> int:
    line = sub.lines.first()
    if line is None:
        return 0
    return_ask(
        sub_order=sub, buyer=buyer, reason=rng.choice(REASONS),
        details="demo history", quantities={line.pk: 1},
    )  # fmt: skip
    return 1
