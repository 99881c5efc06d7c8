"""The portal's orders: a merchant's own parcels, for the roles that handle them."""

import pytest
from django.contrib.auth import get_user_model

from etalage.merchants.models import MerchantMember


@pytest.fixture
def placed(shopping):
    buyer = shopping.buyer()
    p = shopping.products
    shopping.cart(buyer, [(p["a"], 2), (p["c"], 1)])
    return shopping.place(buyer).order


def member(client, merchant, role):
    user = get_user_model().objects.create_user(f"{merchant.slug}-{role}")
    MerchantMember.objects.create(merchant=merchant, user=user, role=role)
    client.force_login(user)


def test_fulfilment_staff_see_their_parcel_and_where_it_goes(client, placed, shopping):
    member(client, shopping.products["a"].merchant, "fulfilment")
    html = client.get("/en/portal/orders/").content.decode()
    assert f"{placed.number}-1" in html and f"{placed.number}-2" not in html
    # Where it ships from, when (Belgian time) and for how much, in euros.
    sub = placed.sub_orders.get(number=f"{placed.number}-1")
    assert f"<td>{sub.warehouse.name} <small>" in html and "(Belgian time)" in html
    assert f"<td>€{sub.goods_eur}</td>" in html
    french = client.get("/fr/portal/orders/").content.decode()
    assert f"{sub.goods_eur}".replace(".", ",") + "\xa0€" in french
    detail = client.get(f"/en/portal/orders/{placed.number}-1/").content.decode()
    assert "世纪大道 100 号" in detail and "1806900000" in detail
    assert placed.id_number_masked not in detail  # the ID is for customs only
    assert "Placed, awaiting payment" in detail


def test_catalogue_staff_do_not_see_orders(client, placed, shopping):
    member(client, shopping.products["a"].merchant, "catalogue")
    assert client.get("/en/portal/orders/").status_code == 403


def test_the_dashboard_counts_the_paid_parcels_to_prepare(client, placed, shopping):
    from etalage.orders.services import order_pay

    order_pay(order=placed)
    member(client, shopping.products["a"].merchant, "fulfilment")
    html = client.get("/en/portal/").content.decode()
    assert "1 paid parcel to pack." in html
