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


def test_each_consolidation_step_is_confirmed_in_the_worker_s_language(
    client, hub_worker, received
):
    from etalage.logistics.models import Flight

    first, second = received
    opened = client.post(
        "/fr/hub/bags/", {"bag": "SAC-1", "code": first.code}, follow=True
    ).content.decode()
    assert f"Sac SAC-1 ouvert ; {first.code} y est." in opened
    added = client.post(
        "/fr/hub/bags/", {"bag": "SAC-1", "code": second.code}, follow=True
    ).content.decode()
    assert f"{second.code} dans le sac SAC-1." in added
    bag = Bag.objects.get()
    sealed = client.post(
        "/fr/hub/bags/", {"seal": str(bag.pk)}, follow=True
    ).content.decode()
    assert "Sac SAC-1 scellé avec 2 colis : chargez-le sur un vol." in sealed
    created = client.post(
        "/fr/hub/flights/",
        {"mawb": "176-12345675", "airline": "", "flight_number": "EK9810",
         "destination": "CGO"},
        follow=True,
    ).content.decode()  # fmt: skip
    assert (
        "Vol EK9810 vers CGO créé sous la lettre de transport aérien 176-12345675 : "
        "chargez-y ses sacs scellés." in created
    )
    flight = Flight.objects.get()
    loaded = client.post(
        "/fr/hub/flights/",
        {"flight": str(flight.pk), "action": "load", "bag": str(bag.pk)},
        follow=True,
    ).content.decode()
    assert "Sac SAC-1 (2 colis) chargé sur le vol EK9810." in loaded
    departed = client.post(
        "/fr/hub/flights/", {"flight": str(flight.pk), "action": "depart"},
        follow=True,
    ).content.decode()  # fmt: skip
    told = "Vol EK9810 parti de Liège avec 2 colis ; leurs acheteurs sont prévenus."
    assert told in departed
    arrived = client.post(
        "/en/hub/flights/", {"flight": str(flight.pk), "action": "arrive"},
        follow=True,
    ).content.decode()  # fmt: skip
    assert "Flight EK9810 arrived at CGO." in arrived


def test_a_flight_with_no_parcel_cannot_depart_and_says_why(
    client, hub_worker, markets
):
    from etalage.logistics.consolidation import flight_create

    flight = flight_create(
        mawb="176-12345675", airline="", flight_number="EK9810", destination="CGO"
    )
    page = client.post(
        "/en/hub/flights/", {"flight": str(flight.pk), "action": "depart"},
        follow=True,
    ).content.decode()  # fmt: skip
    assert "Load a bag before the flight leaves." in page
    assert "departed Liège" not in page
    flight.refresh_from_db()
    assert flight.departed_at is None
    french = client.post(
        "/fr/hub/flights/", {"flight": str(flight.pk), "action": "depart"},
        follow=True,
    ).content.decode()  # fmt: skip
    assert "Chargez un sac avant le départ du vol." in french


def test_a_bag_and_a_flight_s_manifest_name_the_goods_in_the_worker_s_language(
    client, hub_worker, received
):
    from etalage.logistics.consolidation import (
        bag_fill,
        bag_seal,
        flight_create,
        flight_load,
    )

    first, second = received
    product = first.sub_order.lines.get().variant.product
    bag = bag_fill(bag_code="BAG-1", codes=[first.code, second.code])
    for language in ("fr", "nl", "en", "zh-hans"):
        name = product.translations.get(language=language).name
        prefix = "" if language == "zh-hans" else f"/{language}"
        page = client.get(
            f"{prefix}/hub/bags/?bag=bag-1", headers={"accept-language": language}
        ).content.decode()
        contents = page[page.index('id="bag-contents"') :]
        assert f"1 × {name}" in contents and f"2 × {name}" in contents, language
        others = {"fr", "nl", "en", "zh-hans"} - {language}
        assert not any(f"({other})" in contents for other in others), language
        assert "王小明" in contents and "上海市" in contents
    flight = flight_create(
        mawb="176-12345675", airline="", flight_number="EK9810", destination="CGO"
    )
    flight_load(flight=flight, bag=bag_seal(bag=bag))
    listed = client.get("/fr/hub/flights/").content.decode()
    assert "/fr/hub/flights/176-12345675/manifest/" in listed
    page = client.get("/fr/hub/flights/176-12345675/manifest/").content.decode()
    assert "Manifeste de fret · LTA 176-12345675" in page
    french = product.translations.get(language="fr").name
    assert f"1 × {french}" in page and "(en)" not in page
    assert "Valeur déclarée" in page and "Destinataire" in page
    sub = first.sub_order
    assert f"{sub.goods:.2f}".replace(".", ",") in page  # in CNY, the French way
    assert f'<td class="num">{first.declared_grams}</td>' in page
    pdf = client.get("/fr/hub/flights/176-12345675/manifest.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    bag_pdf = client.get("/nl/hub/bags/BAG-1/manifest.pdf")
    assert bag_pdf.content.startswith(b"%PDF")
    assert client.get("/nl/hub/bags/NOPE/manifest.pdf").status_code == 404


def test_the_bonded_picking_list_names_the_goods_in_the_worker_s_language(
    client, hub_worker, shopping
):
    from etalage.orders.services import order_pay

    product = shopping.products["a"]
    shopping.stock(product, kind="bonded")
    buyer = shopping.buyer()
    shopping.cart(buyer, [(product, 1)])
    order_pay(order=shopping.place(buyer).order)
    page = client.get("/nl/hub/bonded/").content.decode()
    table = page[page.index('id="to-pick"') :]
    dutch = product.translations.get(language="nl").name
    assert f"1 × {dutch}" in table and product.variants.get().sku in table
