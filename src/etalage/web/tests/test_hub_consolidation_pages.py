"""The hub's bags, flights and manifests as hub staff use them: codes read however
they are typed, every action confirmed in the worker's language, items named in it."""

import pytest
from django.contrib.auth import get_user_model

from etalage.logistics.models import Bag, Parcel
from etalage.logistics.services import (
    hub_receive,
    hub_staff_add,
    parcel_hand_over,
    parcel_pack,
)


@pytest.fixture
def hub_worker(client, db):
    user = get_user_model().objects.create_user("hub-worker")
    hub_staff_add(user)
    client.force_login(user)
    return user


@pytest.fixture
def received(shopping):
    """Two parcels received at the hub, of two buyers' orders."""
    from etalage.orders.services import order_pay

    parcels = []
    for n in range(2):
        buyer = shopping.buyer()
        shopping.cart(buyer, [(shopping.products["a"], 1 + n)])
        sub = order_pay(order=shopping.place(buyer, key=f"k{n}").order).sub_orders.get()
        packed = parcel_pack(sub_order=sub, grams=sub.weight_grams + 100)
        parcel = parcel_hand_over(parcel=packed)
        parcels.append(hub_receive(code=parcel.code, grams=parcel.declared_grams))
    return parcels


def test_a_bag_typed_with_spaces_at_the_bags_screen_is_the_open_one(
    client, hub_worker, received
):
    first, second = received
    client.post("/en/hub/bags/", {"bag": "BAG-7", "code": first.code})
    done = client.post(
        "/en/hub/bags/", {"bag": " bag - 7 ", "code": f" {second.code.lower()} "},
        follow=True,
    )  # fmt: skip
    assert f"{second.code} in bag BAG-7." in done.content.decode()
    assert list(Bag.objects.values_list("code", flat=True)) == ["BAG-7"]
    assert Parcel.objects.filter(bag__code="BAG-7").count() == 2
