"""The hub's scan screen as a hub worker uses it: a mistyped weight is asked again
before the parcel is refused, and the hub's last scan is corrected with a reason."""

import pytest
from django.contrib.auth import get_user_model

from etalage.logistics.models import HubScan, Parcel
from etalage.logistics.services import hub_staff_add, parcel_hand_over, parcel_pack


@pytest.fixture
def parcel(shopping):
    from etalage.orders.services import order_pay

    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    sub = order_pay(order=shopping.place(buyer).order).sub_orders.get()
    return parcel_hand_over(parcel=parcel_pack(sub_order=sub, grams=640))


@pytest.fixture
def hub_worker(client, db):
    user = get_user_model().objects.create_user("hub-worker")
    hub_staff_add(user)
    client.force_login(user)
    return user


def test_a_mistyped_weight_is_asked_again_then_the_right_one_received(
    client, parcel, hub_worker
):
    asked = client.post("/en/hub/", {"code": parcel.code, "grams": "6400"})
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "6400 g is 5760 g more than the 640 g packed" in html
    assert 'name="confirm" value="6400"' in html and "refuse the parcel" in html
    assert Parcel.objects.get().state == "handed_over"  # nothing written
    done = client.post(
        "/en/hub/", {"code": parcel.code, "grams": "650"}, follow=True
    ).content.decode()
    assert f"{parcel.code} received." in done
    assert Parcel.objects.get().measured_grams == 650


def test_a_confirmed_weight_refuses_and_a_changed_one_is_asked_again(
    client, parcel, hub_worker
):
    # Weighed again to 6300 but the button of 6400 pressed: asked again.
    again = client.post(
        "/en/hub/", {"code": parcel.code, "grams": "6300", "confirm": "6400"}
    ).content.decode()
    assert 'name="confirm" value="6300"' in again
    refused = client.post(
        "/en/hub/",
        {"code": parcel.code, "grams": "6400", "confirm": "6400"},
        follow=True,
    ).content.decode()
    assert f"{parcel.code} refused: heavier than declared" in refused
    assert Parcel.objects.get().state == "refused"


def test_the_hub_corrects_its_last_scan_with_a_reason_in_french(
    client, parcel, hub_worker
):
    client.post("/en/hub/", {"code": parcel.code, "grams": "6400", "confirm": "6400"})
    scanned = client.post(
        "/fr/hub/", {"code": parcel.code, "grams": "640"}
    ).content.decode()
    link = f"/fr/hub/parcels/{parcel.code}/correct/"
    assert "a été refusé" in scanned and link in scanned  # the way to correct it
    assert link in client.get("/fr/hub/").content.decode()  # from today's list too
    page = client.get(link).content.decode()
    assert "Corriger" in page and "6400 g" in page
    no_reason = client.post(link, {"grams": "640"}).content.decode()
    assert "Ce champ est obligatoire." in no_reason
    assert Parcel.objects.get().state == "refused"
    done = client.post(
        link, {"grams": "640", "reason": "6400 tapé pour 640"}, follow=True
    ).content.decode()
    assert f"{parcel.code} corrigé" in done
    parcel.refresh_from_db()
    assert (parcel.state, parcel.measured_grams) == ("received", 640)
    history = client.get(link).content.decode()
    assert "6400 tapé pour 640" in history and "hub-worker" in history
    correction = HubScan.objects.get(corrects__isnull=False)
    assert (correction.by, correction.grams) == (hub_worker, 640)
    # The operator reads the same history on the parcel in the back-office.
    client.force_login(
        get_user_model().objects.create_superuser("op", "op@x.example", "pw")
    )
    admin = client.get(f"/backoffice/logistics/parcel/{parcel.pk}/change/")
    assert "6400 tapé pour 640" in admin.content.decode()
    # The merchant's order page shows the parcel received, no longer refused.
    from etalage.merchants.models import MerchantMember

    merchant_user = get_user_model().objects.create_user("packer")
    MerchantMember.objects.create(
        merchant=parcel.sub_order.merchant, user=merchant_user, role="fulfilment"
    )
    client.force_login(merchant_user)
    order = client.get(f"/en/portal/orders/{parcel.code}/").content.decode()
    assert "Refused by the hub" not in order and "received at the hub" in order


def test_the_correction_page_is_for_hub_staff_and_known_parcels(client, parcel):
    client.force_login(get_user_model().objects.create_user("someone"))
    assert client.get(f"/en/hub/parcels/{parcel.code}/correct/").status_code == 403
    user = get_user_model().objects.create_user("hubby")
    hub_staff_add(user)
    client.force_login(user)
    assert client.get("/en/hub/parcels/NOPE/correct/").status_code == 404
    never = client.post(
        f"/en/hub/parcels/{parcel.code}/correct/", {"grams": "640", "reason": "x"}
    ).content.decode()
    assert "has no scan of the hub&#x27;s to correct" in never
