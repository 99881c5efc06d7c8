"""The demo's clock moves a paid parcel from the merchant to the carrier in China,
through the services people use; off outside the demo."""

from datetime import timedelta

from django.utils import timezone

from etalage.core.clock import clock_round
from etalage.demo.clock import demo_parcels_moved
from etalage.events.outbox import outbox_deliver
from etalage.logistics.models import Parcel
from etalage.logistics.vocabulary import Step


def test_the_demo_clock_moves_a_paid_parcel_to_the_carrier(
    shopping, settings, django_capture_on_commit_callbacks
):
    from etalage.orders.services import order_pay
    from etalage.payments.models import Payment

    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    order = shopping.place(buyer).order
    Payment.objects.create(order=order, provider="alipay", request_id="P1",
                           amount=order.total, currency=order.currency,
                           state="succeeded", paid_at=timezone.now())  # fmt: skip
    sub = order_pay(order=order).sub_orders.get()
    settings.ETALAGE_CUSTOMS_SANDBOX_STEP_SECONDS = 0
    settings.ETALAGE_DEMO_CLOCK = False
    assert demo_parcels_moved(now=timezone.now() + timedelta(hours=1)) == 0
    settings.ETALAGE_DEMO_CLOCK, settings.ETALAGE_DEMO_STEP_SECONDS = True, 30
    later = timezone.now()
    for _step in range(6):
        later += timedelta(seconds=31)
        with django_capture_on_commit_callbacks(execute=True):
            demo_parcels_moved(now=later)
            clock_round()  # the worker's chores: customs declares and answers
            outbox_deliver()
    parcel = Parcel.objects.get(sub_order=sub)
    sub.refresh_from_db()
    assert (sub.state, parcel.carrier) == ("shipped", "sandbox") and parcel.waybill
    assert parcel.bag.flight.mawb.startswith("999-")  # Air China Cargo's prefix
    assert list(parcel.events.values_list("step", flat=True)) == [
        Step.INFO_RECEIVED,
        Step.RECEIVED_AT_HUB,
        Step.DEPARTED_LIEGE,
        Step.ARRIVED_IN_CHINA,
        Step.CUSTOMS_RELEASED,
    ]
