"""Paying an order and giving money back, through whichever provider the buyer
chose (``adapters.adapter``). The providers' notifications are ``notifications``;
customs declarations ``declarations``; settlement reports ``settlement``."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from etalage.accounts.wechat_identities import wechat_app_id, wechat_openid
from etalage.events.outbox import event_record
from etalage.events.types import RefundSucceeded
from etalage.money import Money
from etalage.orders import states
from etalage.orders.models import Order, SubOrder
from etalage.orders.notices import Notice, buyer_notify
from etalage.orders.reasons import Explanation
from etalage.orders.services import sub_order_move
from etalage.payments.adapters import PROVIDERS, adapter
from etalage.payments.models import Payment, Provider, Refund
from etalage.payments.provider import SCENES, Device, ProviderError, Scene, Started
from etalage.payments.wechat import WeChatProvider
from etalage.promotions.selectors import parcel_discounts

logger = logging.getLogger(__name__)


class PaymentRefused(ValueError):
    """The order cannot be paid (or refunded) now; the reason is for the person."""


def notify_url(provider: str) -> str:
    return settings.ETALAGE_SITE_URL + reverse("payments-notify", args=[provider])


def provider_label(provider: str) -> str:
    """The provider's name in the active language, for people."""
    return str(Provider(provider).label)


# The providers' names in the records and their default scenes (``PROVIDERS``).
PROVIDER_NAMES = {code: known.name for code, known in PROVIDERS.items()}
DEFAULT_SCENES: dict[str, Scene] = {
    code: known.default_scene for code, known in PROVIDERS.items()
}


class WeChatSignInNeeded(PaymentRefused):
    """A JSAPI payment for a buyer whose openid for the app Étalage does not hold:
    WeChat's authorization gives it (in WeChat's browser), or code2session (in a
    mini-program)."""


def payment_device(
    *,
    order: Order,
    provider: str,
    scene: str = "",
    mini_program: bool = False,
    client_ip: str = "",
    os_type: str = "",
) -> Device:
    """The device a payment of ``order`` is made on: the scene (the provider's
    desktop one when none is named) and what the provider needs for it, the
    buyer's openid for a JSAPI payment included (WeChatSignInNeeded when Étalage
    holds none; PaymentRefused for a scene the provider does not have)."""
    chosen = scene or DEFAULT_SCENES.get(provider, "")
    if chosen not in SCENES.get(provider, ()):
        raise PaymentRefused(_("This payment method is not available."))
    openid = app_id = ""
    if chosen == "jsapi":
        app_id = wechat_app_id(mini_program=mini_program)
        openid = wechat_openid(user=order.buyer, app_id=app_id) if app_id else ""
        if not openid:
            raise WeChatSignInNeeded(
                _("Sign in with WeChat first, to pay with WeChat Pay in WeChat.")
            )
    system = os_type.upper()
    return Device(
        scene=chosen,
        openid=openid,
        app_id=app_id,
        client_ip=client_ip,
        os_type=system if system in ("IOS", "ANDROID") else "",  # type: ignore[arg-type]
    )


def _started(payment: Payment) -> bool:
    return bool(payment.redirect_url or payment.qr_code or payment.prepay_id)


def payment_start(
    *, order: Order, provider: str, return_url: str, device: Device | None = None
) -> Payment:
    """Ask the provider for a payment of the order's total in the device's scene
    and return it, with where the buyer pays (a cashier address, a QR code, a
    prepay id for a WeChat client). A payment of the provider and scene already
    waiting is reused (two clicks make one payment: the second asks again with the
    same request id, which the provider answers once; an H5 payment is asked again
    each time, WeChat's page lasting minutes). The provider is asked with no
    transaction open; its answer is recorded in a short one."""
    device = device or payment_device(order=order, provider=provider)
    if device.scene not in SCENES.get(provider, ()):
        raise PaymentRefused(_("This payment method is not available."))
    try:
        speaker = adapter(provider)
    except (KeyError, ValueError):  # unknown, or its settings are not complete
        raise PaymentRefused(_("This payment method is not available.")) from None
    payment = _payment_pending(order=order, provider=provider, device=device)
    if _started(payment) and device.scene != "h5":
        return payment
    started: Started | None
    try:
        started = speaker.pay(
            request_id=payment.request_id,
            amount=Money(payment.amount, payment.currency),
            reference=order.number,
            description=f"Étalage {order.number}",
            return_url=return_url,
            notify_url=notify_url(provider),
            device=device,
        )
    except (ProviderError, ValueError) as error:
        Payment.objects.filter(pk=payment.pk, state=Payment.State.PENDING).update(
            state=Payment.State.FAILED, reason=str(error)
        )
        raise PaymentRefused(
            _("%(provider)s cannot take this payment now; try again.")
            % {"provider": provider_label(provider)}
        ) from None
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if not _started(payment) or device.scene == "h5":
            payment.provider_payment_id = started.provider_payment_id
            payment.redirect_url = started.redirect_url
            payment.qr_code = started.qr_code
            payment.prepay_id = started.prepay_id
            payment.save(
                update_fields=[
                    "provider_payment_id",
                    "redirect_url",
                    "qr_code",
                    "prepay_id",
                    "updated_at",
                ]
            )
    return payment


def payment_launch_parameters(payment: Payment) -> dict[str, str]:
    """What a WeChat client (``WeixinJSBridge``'s ``getBrandWCPayRequest``, a
    mini-program's ``wx.requestPayment``) starts a waiting JSAPI payment with,
    signed now; empty for any other payment."""
    if not (payment.prepay_id and payment.state == Payment.State.PENDING):
        return {}
    speaker = adapter(payment.provider)
    if not isinstance(speaker, WeChatProvider):
        return {}
    return speaker.launch_parameters(app_id=payment.app_id, prepay_id=payment.prepay_id)


def _payment_pending(*, order: Order, provider: str, device: Device) -> Payment:
    """The order's payment waiting with ``provider`` in the device's scene (made if
    none), in a short transaction holding the order."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.state != states.PLACED:
            raise PaymentRefused(_("This order is not waiting for payment."))
        of_order = Payment.objects.filter(order=order)
        # Payments made before scenes were recorded are the desktop's.
        scenes = [device.scene] + (
            [""] if device.scene == DEFAULT_SCENES.get(provider) else []
        )
        existing = (
            of_order.filter(
                provider=provider,
                state=Payment.State.PENDING,
                scene__in=scenes,
                app_id=device.app_id,
            )
            .order_by("-created_at")
            .first()
        )
        if existing is not None:
            return existing
        return Payment.objects.create(
            order=order,
            provider=provider,
            request_id=f"{order.number}-P{of_order.count() + 1}",
            amount=order.total,
            currency=order.currency,
            scene=device.scene,
            app_id=device.app_id,
        )


def refund_request(
    *,
    payment: Payment,
    amount: Money,
    reason: str,
    parcels: tuple[SubOrder, ...] = (),
    tax_part: Money | None = None,
    discount_part: Money | None = None,
) -> Refund:
    """Give back ``amount`` of a paid payment through its provider; ``parcels`` move
    to refunded once the provider has refunded. The refund's request id makes it
    once at the provider, whatever happens here."""
    refund = refund_record(
        payment=payment,
        amount=amount,
        reason=reason,
        parcels=parcels,
        tax_part=tax_part,
        discount_part=discount_part,
    )
    return refund_ask(refund)


def refund_record(
    *,
    payment: Payment,
    amount: Money,
    reason: str,
    parcels: tuple[SubOrder, ...] = (),
    tax_part: Money | None = None,
    discount_part: Money | None = None,
) -> Refund:
    """Record a refund to ask the provider for (``refund_ask``), within what is
    left of the payment; a caller inside a larger change asks once it commits.
    ``discount_part``: the platform's non-cash discount on what is given back,
    for the ledger (None: not known, the ledger spreads it by the cash)."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.state != Payment.State.SUCCEEDED:
            raise PaymentRefused(_("Only a payment received can be refunded."))
        given = locked.refunds.exclude(state=Refund.State.FAILED).aggregate(
            total=Sum("amount")
        )["total"] or Decimal(0)
        if amount.currency != locked.currency or not (
            0 < amount.amount <= locked.amount - given
        ):
            raise PaymentRefused(
                _("A refund is more than nothing and at most %(left)s.")
                % {"left": Money(locked.amount - given, locked.currency)}
            )
        return Refund.objects.create(
            payment=locked,
            request_id=f"{locked.request_id}-R{locked.refunds.count() + 1}",
            amount=amount.amount,
            currency=amount.currency,
            reason=reason,
            parcels=[str(p.pk) for p in parcels],
            tax_part=tax_part.amount if tax_part else Decimal(0),
            discount_part=None if discount_part is None else discount_part.amount,
        )


def refund_ask(refund: Refund) -> Refund:
    """Ask the provider for a recorded refund (again: the request id makes it once)
    and record its answer; a refund it has not settled yet stays requested."""
    payment = refund.payment
    try:
        answer = adapter(payment.provider).refund(
            request_id=refund.request_id,
            payment_request_id=payment.request_id,
            provider_payment_id=payment.provider_payment_id,
            amount=Money(refund.amount, refund.currency),
            paid=Money(payment.amount, payment.currency),
            reason=refund.reason,
            notify_url=notify_url(payment.provider),
        )
    except ProviderError as error:  # unanswered: asked again later (the clock)
        refund.failure = str(error)
        refund.save(update_fields=["failure", "updated_at"])
        return refund
    if answer.state == "succeeded":
        return refund_settled(refund, provider_refund_id=answer.provider_refund_id)
    if answer.state == "held":
        refund.provider_refund_id = answer.provider_refund_id
        refund.save(update_fields=["provider_refund_id", "updated_at"])
        return refund_held(refund, reason=answer.failure)
    refund.provider_refund_id = answer.provider_refund_id
    if answer.state == "failed":
        refund.state, refund.failure = Refund.State.FAILED, answer.failure
    refund.save(update_fields=["state", "provider_refund_id", "failure", "updated_at"])
    return refund  # pending: the provider's notification settles it


@transaction.atomic
def refund_settled(
    refund: Refund, *, provider_refund_id: str = "", confirmed: bool = False
) -> Refund:
    """The provider refunded: record it once, move its parcels to refunded, tell the
    buyer. A refund that had failed, or is held for the operator, does not become
    refunded on the provider's word alone: it is held (again) with what is left of
    the payment re-checked, for the operator, who confirms it (``confirmed``)."""
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    if refund.state == Refund.State.SUCCEEDED:
        return refund
    if not confirmed and refund.state in (Refund.State.FAILED, Refund.State.HELD):
        return _refund_reported_after_all(refund, provider_refund_id)
    refund.state = Refund.State.SUCCEEDED
    refund.failure = ""
    refund.provider_refund_id = provider_refund_id or refund.provider_refund_id
    refund.save(update_fields=["state", "failure", "provider_refund_id", "updated_at"])
    event_record(
        RefundSucceeded(
            refund_id=refund.pk,
            payment_id=refund.payment_id,
            order_id=refund.payment.order_id,
        )
    )
    label = PROVIDER_NAMES[Provider(refund.payment.provider)]
    for parcel in SubOrder.objects.filter(pk__in=refund.parcels):
        if parcel.state in (states.CANCELLED, states.CUSTOMS_REFUSED):
            sub_order_move(
                sub_order=parcel,
                to=states.REFUNDED,
                reason=f"{label} refund {refund.provider_refund_id}",
                explanation=Explanation.REFUNDED,
            )
    transaction.on_commit(lambda: _tell_buyer_refunded(refund))
    return refund


def _refund_reported_after_all(refund: Refund, provider_refund_id: str) -> Refund:
    """A refund Étalage had as failed (or held) reported refunded: the money may
    have gone back twice (a refund made again in its place). What is left of the
    payment is re-checked and the refund held for the operator with both."""
    payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
    others = payment.refunds.exclude(pk=refund.pk).exclude(state=Refund.State.FAILED)
    left = payment.amount - (others.aggregate(total=Sum("amount"))["total"] or 0)
    amount = Money(refund.amount, refund.currency)
    rest = Money(left, payment.currency).rounded()
    was = "failed" if refund.state == Refund.State.FAILED else "held"
    verdict = (
        f"it fits in the {rest} left of the payment"
        if refund.amount <= left
        else f"more than the {rest} left of the payment: refunded twice?"
    )
    refund.provider_refund_id = provider_refund_id or refund.provider_refund_id
    refund.save(update_fields=["provider_refund_id", "updated_at"])
    return refund_held(
        refund,
        reason=f"reported refunded ({amount}) after it was {was}"
        f" ({refund.failure or 'no reason given'}); {verdict}",
    )


def refund_held(refund: Refund, *, reason: str) -> Refund:
    """Hold a refund for the operator (the provider cannot tell, or changed its
    word): nothing moves by itself, the books check lists it until the operator
    decides (``refund_held_decide``)."""
    Refund.objects.filter(pk=refund.pk).exclude(state=Refund.State.SUCCEEDED).update(
        state=Refund.State.HELD, failure=reason[:2000]
    )
    refund.refresh_from_db()
    logger.warning("refund %s held for the operator: %s", refund.request_id, reason)
    return refund


def refund_held_decide(*, refund: Refund, refunded: bool, note: str) -> Refund:
    """The operator's decision on a held refund, once they have checked with the
    provider: refunded (its parcels move, the buyer is told) or failed."""
    if refund.state != Refund.State.HELD:
        raise PaymentRefused(_("Only a refund held for the operator is decided."))
    if refunded:
        return refund_settled(refund, confirmed=True)
    Refund.objects.filter(pk=refund.pk, state=Refund.State.HELD).update(
        state=Refund.State.FAILED, failure=f"{refund.failure} / {note}"[:2000]
    )
    refund.refresh_from_db()
    return refund


def refund_failed(refund: Refund, *, failure: str) -> Refund:
    """The provider failed the refund; one refunded, or held for the operator,
    keeps its state."""
    Refund.objects.filter(pk=refund.pk, state=Refund.State.REQUESTED).update(
        state=Refund.State.FAILED, failure=failure
    )
    refund.refresh_from_db()
    return refund


def _tell_buyer_refunded(refund: Refund) -> None:
    """The buyer learns of the refund, in the order's language (``buyer_notify``)."""
    order = Order.objects.select_related("buyer").get(pk=refund.payment.order_id)
    context = {"refund": refund, "provider": Provider(refund.payment.provider).label}
    buyer_notify(
        order=order,
        notice=Notice.REFUNDED,
        key=str(refund.pk),
        email=("etalage/payments/email/refunded", context),
    )


def order_refund_cancelled(
    *, order: Order, sub_order_ids: tuple[Any, ...]
) -> Refund | None:
    """The buyer (or the operator, or a failed identity check) cancelled paid
    parcels, or customs refused them: refund their totals; they read refunded once
    the provider agrees."""
    payment = Payment.objects.filter(order=order, state=Payment.State.SUCCEEDED).first()
    if payment is None:
        return None
    given = payment.refunds.exclude(state=Refund.State.FAILED)
    if (given.aggregate(total=Sum("amount"))["total"] or 0) >= payment.amount:
        # All given back already (a payment that came after the order was
        # cancelled is refunded whole, parcels named or not): nothing to ask.
        return None
    # Parcels a refund already covers are not refunded twice (the event that asks
    # may be delivered more than once).
    covered = {
        parcel
        for parcels in given.values_list("parcels", flat=True)
        for parcel in parcels
    }
    cancelled = tuple(
        s
        for s in SubOrder.objects.filter(
            order=order,
            pk__in=sub_order_ids,
            state__in=(states.CANCELLED, states.CUSTOMS_REFUSED),
        )
        if str(s.pk) not in covered
    )
    if not cancelled:
        return None
    amount = sum(
        (Money(s.total, order.currency) for s in cancelled), Money.zero(order.currency)
    )
    refused = cancelled[0].state == states.CUSTOMS_REFUSED
    why = "refused by customs" if refused else "cancelled"
    # Each parcel is given back whole: the platform's discount on it comes back
    # whole too (``discount_part``, recorded at placement).
    noncash = parcel_discounts([s.pk for s in cancelled])
    refund = refund_record(
        payment=payment,
        amount=amount,
        reason=f"{why}: {order.number}",
        parcels=cancelled,
        discount_part=Money(sum(noncash.values(), Decimal(0)), order.currency),
    )
    if transaction.get_connection().in_atomic_block:
        # Inside the change that cancelled them: the provider is asked once it
        # commits, never with the transaction open.
        transaction.on_commit(lambda: refund_ask_task.enqueue(str(refund.pk)))
        return refund
    return refund_ask(refund)


@task()
def refund_ask_task(refund_id: str) -> str:
    """Ask the provider for a refund recorded by a change that has committed (one
    whose task is lost is asked by the clock, ``refunds_quiet_asked_again``)."""
    return refund_ask(Refund.objects.select_related("payment").get(pk=refund_id)).state
