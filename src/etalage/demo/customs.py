"""The demo's customs: three of the demo buyer's parcels go the whole way through
the product's own services: packed, received at Liège, flown and arrived,
declared by the worker's service to the simulated single window and answered by
it. One is released and delivered by the sandbox carrier's signed pushes, one
refused (the simulator told to, as the back-office's *simulator instructions*
allow) and refunded, one released, delivered and returned by the buyer: asked,
approved by the merchant, received at the return warehouse, refunded. Customs
debits their tax bills from the operator's guarantee, which the operator funds
first, as it would in production."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone

from etalage.declarations.answers import answers_collect
from etalage.declarations.models import Message, SimulatorInstruction
from etalage.declarations.services import declarations_send, message_deliver
from etalage.declarations.simulator import simulator_step
from etalage.demo.clock import fly
from etalage.events.outbox import outbox_deliver
from etalage.ledger.postings import debt_paid_post
from etalage.logistics import sandbox_carrier
from etalage.logistics.consolidation import flight_arrive
from etalage.logistics.last_mile import carrier_push_receive, parcel_last_mile_task
from etalage.logistics.models import CarrierPush, Parcel
from etalage.logistics.services import hub_receive, parcel_hand_over, parcel_pack
from etalage.orders.models import Order
from etalage.payments.models import Refund
from etalage.payments.services import refund_ask
from etalage.pricing.selectors import rate_in_force
from etalage.returns.services import return_ask, return_decide, return_receive

REFUSAL = "查验不符：申报品名与实货不符"


def _in_process(method: str, url: str, headers: dict, body: bytes):
    """The sandbox carrier's push, taken by the carrier endpoint's service in this
    process (the server is not up while the demo loads)."""
    kept = carrier_push_receive(
        carrier=sandbox_carrier.NAME, headers=headers, body=body
    )
    return (200 if kept.verdict == CarrierPush.Verdict.PROCESSED else 400), {}, b""


def _through_customs(orders: list[Order]) -> None:
    """Fly the orders' parcels to China and let customs answer (its steps at once)."""
    now = timezone.now()
    parcels = []
    for order in orders:
        for sub in order.sub_orders.all():
            parcel = parcel_hand_over(
                parcel=parcel_pack(sub_order=sub, grams=sub.weight_grams + 150)
            )
            hub_receive(code=parcel.code, grams=parcel.declared_grams)
            parcels.append(Parcel.objects.get(pk=parcel.pk))
    flight_arrive(flight=fly(parcels, now))
    with override_settings(ETALAGE_CUSTOMS_SANDBOX_STEP_SECONDS=0):
        for _round in range(4):
            declarations_send()
            for message in Message.objects.filter(state=Message.State.PENDING):
                message_deliver(message.pk)  # (once committed, when loading alone)
            simulator_step()
            answers_collect()
            outbox_deliver()


def _delivered_by_the_carrier() -> None:
    """The released parcels handed to the sandbox carrier (as the worker would)
    and its pushes, every step of them, taken."""
    for parcel in Parcel.objects.filter(sub_order__state="released", waybill=""):
        parcel_last_mile_task.call(str(parcel.pk))
    swapped = sandbox_carrier.PUSH_TRANSPORT[0]
    sandbox_carrier.PUSH_TRANSPORT[0] = _in_process
    try:
        later = timezone.now()
        for _step in range(8):
            later += timedelta(hours=1)
            sandbox_carrier.sandbox_carrier_advanced(now=later)
        outbox_deliver()
    finally:
        sandbox_carrier.PUSH_TRANSPORT[0] = swapped


# What the operator keeps with customs for the tax bills it debits, in the demo.
GUARANTEE_CNY = Decimal("1000.00")


def _guarantee_funded(log: Callable[[str], object]) -> None:
    """The operator funds its guarantee with customs before customs debits the
    first tax bill from it: yuan bought from the bank at the day's ECB rate and
    posted as the back-office's *Record a payment to customs or a carrier* posts
    it (``debt_paid_post``), so the guarantee, an asset, never reads a credit."""
    today = timezone.localtime().date()
    rate = rate_in_force(currency="CNY", on=today).rate
    eur = (GUARANTEE_CNY / rate).quantize(Decimal("0.01"))
    debt_paid_post(
        debt="guarantee",
        amount=GUARANTEE_CNY,
        currency="CNY",
        eur=eur,
        reference=f"demo-guarantee-{today:%Y%m%d}",
    )
    log(f"Demo customs guarantee funded: {GUARANTEE_CNY} CNY for {eur} EUR.")


def demo_customs(
    place: Callable[[int, list[tuple[str, int]]], Order],
    pay: Callable[[Order, str], None],
    log: Callable[[str], object],
) -> None:
    if not (
        settings.ETALAGE_PAYMENT_SANDBOX
        and settings.ETALAGE_CARRIER_SANDBOX
        and settings.ETALAGE_CUSTOMS_GATEWAY == "simulator"
    ):
        log(
            "Skipped the customs demo (parcels through customs, one refused, one "
            "returned): it needs the payment and carrier sandboxes and the customs "
            "simulator (ETALAGE_PAYMENT_SANDBOX=1, as `make run` sets)."
        )
        return
    _guarantee_funded(log)
    released = place(7, [("maison-verhaeghe", 1)])
    refused = place(8, [("brasserie-val-ourthe", 1)])
    returned = place(9, [("maison-verhaeghe", 2)])
    for order in (released, refused, returned):
        pay(order, "alipay")
    outbox_deliver()  # the providers' own payment declarations
    SimulatorInstruction.objects.create(
        order_no=refused.sub_orders.get().number, verdict="refuse", reason=REFUSAL
    )
    _through_customs([released, refused, returned])
    _delivered_by_the_carrier()
    users = get_user_model().objects
    sub = returned.sub_orders.get()
    line = sub.lines.get()
    asked = return_ask(
        sub_order=sub,
        buyer=returned.buyer,
        reason="damaged",
        details="One bottle arrived cracked; the other box is crushed.",
        quantities={line.pk: 2},
    )
    return_decide(request=asked, approve=True, by=users.get(username="verhaeghe"))
    received = return_receive(
        request=asked,
        outcomes={
            item.pk: ("written_off", "crushed in transit") for item in asked.lines.all()
        },
        by=users.get(username="hub"),
    )
    refund = Refund.objects.get(pk=received.refund_id)
    if refund.state == Refund.State.REQUESTED and not refund.provider_refund_id:
        refund_ask(refund)  # (once committed, when loading alone)
    with override_settings(ETALAGE_CUSTOMS_SANDBOX_STEP_SECONDS=0):
        for message in Message.objects.filter(state=Message.State.PENDING):
            message_deliver(message.pk)
        simulator_step()
        answers_collect()
    outbox_deliver()
    log(
        f"Demo customs: {released.number} released and delivered, "
        f"{refused.number} refused by the simulated customs and refunded, "
        f"{returned.number} delivered and returned ({received.number})."
    )
