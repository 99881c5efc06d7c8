"""Parcels on their way to customs, moved through the same services people use;
the single window is the embedded simulator, answering at once (a step of 0 s)."""

import pytest
from django.utils import timezone

from etalage.declarations.answers import answers_collect
from etalage.declarations.services import declarations_send
from etalage.declarations.simulator import simulator_step
from etalage.events.outbox import outbox_deliver
from etalage.logistics.awb import awb_check_digit
from etalage.logistics.consolidation import (
    bag_fill,
    bag_seal,
    flight_arrive,
    flight_create,
    flight_depart,
    flight_load,
)
from etalage.logistics.services import hub_receive, parcel_hand_over, parcel_pack
from etalage.orders.services import order_pay
from etalage.payments.models import Payment, SandboxPayment


class Customs:
    def __init__(self, shopping, capture):
        self.shopping, self.capture = shopping, capture
        self.count = 0

    def paid(self, lines=None, buyer=None, provider="alipay", **place):
        """A placed order paid through a provider (its notification applied);
        ``place``: more of the placing's arguments (a coupon)."""
        self.count += 1
        buyer = buyer or self.shopping.buyer()
        self.shopping.cart(buyer, lines or [(self.shopping.products["a"], 1)])
        order = self.shopping.place(buyer, key=f"c{self.count}", **place).order
        Payment.objects.create(
            order=order,
            provider=provider,
            request_id=f"{order.number}-P1",
            provider_payment_id=f"2026{self.count:08d}",
            amount=order.total,
            currency=order.currency,
            state=Payment.State.SUCCEEDED,
            paid_at=timezone.now(),
        )
        # The provider's sandbox knows the payment too, so a refund asked of it is
        # made, as the real provider's would be.
        SandboxPayment.objects.create(
            provider=provider,
            payment_id=f"2026{self.count:08d}",
            request_id=f"{order.number}-P1",
            client_id="sandbox",
            amount_minor=int(order.total * 100),
            currency=order.currency,
            notify_url="http://127.0.0.1/payments/notify/",
            redirect_url="",
            state=SandboxPayment.State.PAID,
            paid_at=timezone.now(),
        )
        order_pay(order=order, reason="paid")
        order.refresh_from_db()
        return order

    def flown(self, order):
        """Each of the order's parcels packed, received at Liège and flown."""
        parcels = []
        for sub in order.sub_orders.all():
            parcel = parcel_pack(sub_order=sub, grams=sub.weight_grams + 150)
            parcel_hand_over(parcel=parcel)
            hub_receive(code=parcel.code, grams=parcel.declared_grams)
            parcels.append(parcel)
        self.count += 1
        serial = f"{self.count:07d}"
        bag = bag_fill(bag_code=f"BAG{self.count}", codes=[p.code for p in parcels])
        flight = flight_create(
            mawb=f"999-{serial}{awb_check_digit(serial)}",
            airline="Test Cargo",
            flight_number="TC101",
            destination="CGO",
        )
        flight_load(flight=flight, bag=bag_seal(bag=bag))
        flight_depart(flight=flight)
        flight_arrive(flight=flight)
        return parcels

    def declare(self):
        with self.capture(execute=True):
            return declarations_send()

    def answer(self, rounds=3):
        """Customs works (a step each round) and its answers are applied."""
        done = []
        for _ in range(rounds):
            with self.capture(execute=True):
                simulator_step()
                done.append(answers_collect())
                outbox_deliver()
        return done


@pytest.fixture
def customs(shopping, settings, django_capture_on_commit_callbacks):
    settings.ETALAGE_CUSTOMS_SANDBOX = True
    settings.ETALAGE_CUSTOMS_GATEWAY = "simulator"
    settings.ETALAGE_CUSTOMS_SANDBOX_STEP_SECONDS = 0
    return Customs(shopping, django_capture_on_commit_callbacks)
