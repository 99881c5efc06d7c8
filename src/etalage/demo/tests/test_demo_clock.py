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
    Payment.objects.create(
        order=order,
        provider="alipay",
        request_id="P1",
        amount=order.total,
        currency=order.currency,
        state="succeeded",
        paid_at=timezone.now(),
    )
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


def test_the_clock_leaves_one_merchant_s_parcels_to_people_and_says_so(
    shopping, settings, client, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    from etalage.logistics.services import (
        hub_receive,
        hub_staff_add,
        parcel_hand_over,
        parcel_pack,
    )
    from etalage.merchants.models import MerchantMember
    from etalage.orders.services import order_pay

    by_hand, automatic = shopping.products["a"], shopping.products["c"]
    buyer = shopping.buyer()
    shopping.cart(buyer, [(by_hand, 1), (automatic, 1)])
    order = order_pay(order=shopping.place(buyer).order)
    mine = order.sub_orders.get(merchant=by_hand.merchant)
    theirs = order.sub_orders.get(merchant=automatic.merchant)
    settings.ETALAGE_DEMO_CLOCK, settings.ETALAGE_DEMO_STEP_SECONDS = True, 30
    settings.ETALAGE_DEMO_BY_HAND_MERCHANT = by_hand.merchant.slug
    later = timezone.now()

    def tick():
        nonlocal later
        later += timedelta(seconds=31)
        with django_capture_on_commit_callbacks(execute=True):
            demo_parcels_moved(now=later)

    for _step in range(3):
        tick()
    assert Parcel.objects.get(sub_order=theirs).bag is not None  # packed to flown
    assert not Parcel.objects.filter(sub_order=mine).exists()  # left to its people
    parcel = parcel_hand_over(parcel=parcel_pack(sub_order=mine, grams=700))
    for _step in range(3):
        tick()
    assert Parcel.objects.get(pk=parcel.pk).state == "handed_over"  # the hub's
    hub_receive(code=parcel.code, grams=700)
    for _step in range(3):
        tick()
    assert Parcel.objects.get(pk=parcel.pk).bag is None  # bagging too
    # The portal and the hub say which merchant's parcels are left to people.
    owner = get_user_model().objects.create_user("owner")
    MerchantMember.objects.create(merchant=automatic.merchant, user=owner, role="owner")
    client.force_login(owner)
    portal = client.get("/en/portal/").content.decode()
    assert f"{by_hand.merchant.name}'s parcels are left to people" in portal
    hub = get_user_model().objects.create_user("hub")
    hub_staff_add(hub)
    client.force_login(hub)
    screen = client.get("/fr/hub/").content.decode()
    assert f"les colis de {by_hand.merchant.name} vous sont laissés" in screen
    settings.ETALAGE_DEMO_CLOCK = False  # outside the demo: not a word of it
    assert 'id="demo-by-hand"' not in client.get("/fr/hub/").content.decode()
