"""Shipping as people do it: the merchant packs, prints and hands over in the portal;
hub staff scan and weigh at the hub's screen; the wrong input is refused by name."""

import pytest
from django.contrib.auth import get_user_model

from etalage.logistics.models import Parcel
from etalage.logistics.services import hub_staff_add
from etalage.merchants.models import MerchantMember


@pytest.fixture
def paid(shopping):
    from etalage.inventory.services import merchant_warehouse, stock_receive
    from etalage.orders.services import order_pay

    product = shopping.products["a"]
    # From the merchant's own warehouse (direct mail: it packs and hands over).
    warehouse = merchant_warehouse(merchant=product.merchant)
    stock_receive(warehouse=warehouse, variant=product.variants.get(), quantity=5)
    buyer = shopping.buyer()
    shopping.cart(buyer, [(product, 1)])
    order = order_pay(order=shopping.place(buyer).order)
    return order.sub_orders.get()


def sign_in(client, merchant, role):
    user = get_user_model().objects.create_user(f"{merchant.slug}-{role}")
    MerchantMember.objects.create(merchant=merchant, user=user, role=role)
    client.force_login(user)
    return user


def test_the_merchant_packs_prints_and_hands_over(client, paid):
    sign_in(client, paid.merchant, "fulfilment")
    page = f"/en/portal/orders/{paid.number}/"
    assert "Packed: print the label" in client.get(page).content.decode()
    refused = client.post(f"/en/portal/orders/{paid.number}/pack/", {"grams": "0"},
                          follow=True).content.decode()  # fmt: skip
    assert "greater than or equal to 1" in refused and not Parcel.objects.exists()
    client.post(f"/en/portal/orders/{paid.number}/pack/", {"grams": "640"})
    html = client.get(page).content.decode()
    assert "Packed weight 640 g" in html and "Handed to the Liège hub" in html
    label = client.get(f"/en/portal/orders/{paid.number}/label.pdf")
    assert label["Content-Type"] == "application/pdf" and label.content.startswith(
        b"%PDF"
    )
    assert client.get("/en/portal/orders/labels.pdf").content.startswith(b"%PDF")
    client.post(f"/en/portal/orders/{paid.number}/hand-over/")
    assert Parcel.objects.get().state == "handed_over"
    html = client.get(page).content.decode()
    assert "handed to the hub" in html and "Packed, waiting for the hub" in html


def test_catalogue_staff_cannot_ship(client, paid):
    sign_in(client, paid.merchant, "catalogue")
    assert (
        client.post(
            f"/en/portal/orders/{paid.number}/pack/", {"grams": "9"}
        ).status_code
        == 403
    )


@pytest.fixture
def hub_staff(client, db):
    user = get_user_model().objects.create_user("hubby")
    hub_staff_add(user)
    client.force_login(user)
    return user


def test_hub_staff_receive_and_refuse_at_the_scan_screen(client, paid, hub_staff):
    from etalage.logistics.services import parcel_pack

    parcel = parcel_pack(sub_order=paid, grams=640)
    assert "autofocus" in client.get("/en/hub/").content.decode()
    wrong = client.post(
        "/en/hub/", {"code": "NOT-A-PARCEL", "grams": "100"}
    ).content.decode()
    assert "No parcel has the code NOT-A-PARCEL." in wrong
    missing = client.post("/en/hub/", {"code": parcel.code}).content.decode()
    assert "Weigh the parcel, or choose why it is refused." in missing
    done = client.post("/en/hub/", {"code": parcel.code, "grams": "655"}, follow=True)
    assert f"{parcel.code} received." in done.content.decode()
    again = client.post(
        "/en/hub/", {"code": parcel.code, "grams": "655"}
    ).content.decode()
    assert "received already" in again
    parcel.refresh_from_db()
    assert (parcel.state, parcel.measured_grams, parcel.received_by) == (
        "received",
        655,
        hub_staff,
    )


def test_the_hub_screen_is_for_hub_staff_only(client, paid):
    client.force_login(get_user_model().objects.create_user("someone"))
    assert client.get("/en/hub/").status_code == 403


def test_the_buyer_reads_the_timeline_in_beijing_time(client, paid):
    from datetime import UTC, datetime

    import time_machine

    from etalage.logistics.services import hub_receive, parcel_pack, step_record
    from etalage.logistics.vocabulary import Step

    parcel = parcel_pack(sub_order=paid, grams=640)
    # Received on the afternoon before its flight, whatever day the suite runs.
    with time_machine.travel(datetime(2026, 11, 30, 14, 0, tzinfo=UTC)):
        hub_receive(code=parcel.code, grams=640)
    step_record(parcel=parcel, step=Step.DEPARTED_LIEGE, source="etalage",
                reference="flight", at=datetime(2026, 11, 30, 20, 5, tzinfo=UTC),
                place="Liège Airport (LGG)")  # fmt: skip
    client.force_login(paid.order.buyer)
    html = client.get(f"/en/orders/{paid.order.number}/").content.decode()
    assert "Where your parcel is" in html and "(Beijing time)" in html
    assert "2026-12-01 04:05</time> <strong>Departed Liège</strong>" in html
    assert html.index("Departed Liège") < html.index("Received at the Liège hub")
    zh = client.get(f"/orders/{paid.order.number}/").content.decode()
    assert "北京时间" in zh and "已从列日起飞" in zh


def test_the_flight_screen_refuses_what_does_not_exist(client, hub_staff, markets):
    assert (
        client.post(
            "/en/hub/flights/", {"flight": "nope", "action": "depart"}
        ).status_code
        == 404
    )
    page = client.post(
        "/en/hub/flights/",
        {"mawb": "176-123", "airline": "A", "flight_number": "1", "destination": "CGO"},
    )
    assert "An air waybill number is 11 digits" in page.content.decode()
    page = client.post(
        "/en/hub/flights/",
        {"mawb": "000-12345675", "airline": "A", "flight_number": "1",
         "destination": "CGO"},
    )  # fmt: skip
    assert "000 is not the air waybill prefix of an airline" in page.content.decode()
    assert client.get("/en/hub/flights/176-12345675/manifest.csv").status_code == 404
    made_up = client.post(
        "/en/hub/flights/",
        {"mawb": "176-12345675", "airline": "", "flight_number": "?",
         "destination": "XYZ"},
    ).content.decode()  # fmt: skip
    assert "XYZ is not an airport in mainland China" in made_up
    bad_flight = client.post(
        "/en/hub/flights/",
        {"mawb": "176-12345675", "airline": "", "flight_number": "?",
         "destination": "cgo"},
    ).content.decode()  # fmt: skip
    assert "A flight is its airline&#x27;s 2-character code" in bad_flight
    client.post(
        "/en/hub/flights/",
        {"mawb": "176-12345675", "airline": "", "flight_number": "ek 9810",
         "destination": "PVG"},
    )  # fmt: skip
    from etalage.logistics.models import Flight

    flight = Flight.objects.get()
    assert (flight.airline, flight.flight_number) == ("Emirates SkyCargo", "EK9810")


def test_a_parcel_not_with_the_hub_in_time_is_flagged(client, paid):
    from datetime import timedelta

    from django.utils import timezone

    from etalage.orders.models import OrderTransition

    sign_in(client, paid.merchant, "owner")
    assert "not with the hub" not in client.get("/en/portal/").content.decode()
    OrderTransition.objects.filter(sub_order=paid, to_state="paid").update(
        at=timezone.now() - timedelta(days=4)
    )
    page = client.get("/en/portal/").content.decode()
    assert "1 paid parcel is not with the hub after 3 days." in page


def test_the_bonded_warehouse_picks_packs_and_labels_its_parcels(
    client, shopping, catalogue, hub_staff
):
    from etalage.orders.services import order_pay

    product = catalogue.product(merchant=shopping.products["a"].merchant)
    shopping.stock(product, kind="bonded")
    buyer = shopping.buyer()
    shopping.cart(buyer, [(product, 1)])
    sub = order_pay(order=shopping.place(buyer).order).sub_orders.get()
    assert sub.route == "bonded"
    page = client.get("/en/hub/bonded/").content.decode()
    assert sub.number in page  # to pick
    wrong = client.post("/en/hub/bonded/", {"code": "E-NOPE", "grams": "300"})
    assert "No bonded parcel has the number E-NOPE." in wrong.content.decode()
    done = client.post(
        "/en/hub/bonded/", {"code": sub.number, "grams": "300"}, follow=True
    )
    assert f"{sub.number} packed." in done.content.decode()
    import pypdfium2

    label = client.get(f"/en/hub/bonded/{sub.number}/label.pdf")
    text = pypdfium2.PdfDocument(label.content)[0].get_textpage().get_text_range()
    assert "bonded warehouse 1210" in text and "上海市" in text  # not pinyin
    parcel = Parcel.objects.get(sub_order=sub)
    assert parcel.events.get().step == "info_received"


def test_the_hub_finds_every_flight_past_the_twentieth(client, hub_staff):
    from django.utils import timezone

    from etalage.logistics.consolidation import flight_create
    from etalage.logistics.models import Flight

    def mawb(serial):
        return f"176-{serial:07d}{serial % 7}"

    for n in range(1, 26):
        flight_create(
            mawb=mawb(1000 + n), airline="Emirates SkyCargo",
            flight_number=f"EK{n:03d}", destination="CGO",
        )  # fmt: skip
    # Flights still to depart come first, the oldest first; the 25th is on page 2.
    page = client.get("/en/hub/flights/").content.decode()
    assert "EK001" in page and "EK025" not in page and "Page 1 of 2" in page
    later = client.get("/en/hub/flights/?page=2").content.decode()
    assert "EK025" in later
    # An empty flight offers no departure: it says to load a bag first.
    assert 'value="depart"' not in later and "Load a bag before" in later
    # Once in the air a flight follows those still to depart.
    Flight.objects.filter(flight_number="EK001").update(departed_at=timezone.now())
    assert "EK001" not in client.get("/en/hub/flights/").content.decode()
    assert "EK001" in client.get("/en/hub/flights/?page=2").content.decode()
    found = client.get("/en/hub/flights/?q=EK025").content.decode()
    assert "EK025" in found and "EK002" not in found and "Page 1" not in found
    by_mawb = client.get(f"/en/hub/flights/?q={mawb(1025)}").content.decode()
    assert "EK025" in by_mawb and "EK001" not in by_mawb
    nothing = client.get("/en/hub/flights/?q=nowhere").content.decode()
    assert "No flight matches." in nothing


def test_the_timeline_says_each_thing_once_and_introduces_the_carrier_s_words(
    client, paid
):
    from datetime import UTC, datetime

    from etalage.logistics.services import parcel_pack, step_record
    from etalage.logistics.vocabulary import Step

    parcel = parcel_pack(sub_order=paid, grams=640)
    at = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
    step_record(parcel=parcel, step=Step.OUT_FOR_DELIVERY, source="carrier",
                reference="c1", at=at, place="上海市", detail="派送中")  # fmt: skip
    step_record(parcel=parcel, step=Step.DELIVERY_FAILED, source="carrier",
                reference="c2", at=at, place="上海市",
                detail="收件人电话无人接听")  # fmt: skip
    client.force_login(paid.order.buyer)
    zh = client.get(f"/orders/{paid.order.number}/").content.decode()
    assert "派送中</strong> · 上海市</li>" in zh  # not "派送中 · 上海市 · 派送中"
    assert "· 收件人电话无人接听</li>" in zh
    fr = client.get(f"/fr/orders/{paid.order.number}/").content.decode()
    assert 'le transporteur indique <q lang="zh-Hans">收件人电话无人接听</q>' in fr
    assert "· 派送中" not in fr


def test_the_hub_follows_the_browser_s_language(client, hub_staff):
    french = client.get("/hub/", headers={"accept-language": "fr-BE,fr;q=0.9"})
    assert french.status_code == 302 and french["Location"] == "/fr/hub/"
    page = client.get("/fr/hub/").content.decode()
    assert 'lang="fr"' in page


def test_the_operator_s_first_page_opens_the_lists_its_counts_describe(
    client, paid, shopping, django_user_model
):
    import re
    from datetime import timedelta

    from django.utils import timezone

    from etalage.orders.models import OrderTransition

    other = shopping.buyer()
    shopping.cart(other, [(shopping.products["c"], 1)])
    on_time = shopping.place(other).order.sub_orders.get()  # placed, not paid
    OrderTransition.objects.filter(sub_order=paid, to_state="paid").update(
        at=timezone.now() - timedelta(days=4)
    )
    client.force_login(
        django_user_model.objects.create_superuser("op", "o@x.example", "pw")
    )
    home = client.get("/backoffice/").content.decode()
    for label in ("Paid parcels not yet shipped", "Parcels late to reach the hub"):
        href = re.search(rf'<a href="([^"]+)">{label}</a>', home).group(1)
        listed = client.get(href.replace("&amp;", "&")).content.decode()
        assert paid.number in listed and on_time.number not in listed, label


def test_a_parcel_handed_to_the_hub_can_no_longer_be_cancelled(client, paid):
    """Once the parcel has left the merchant's hands, cancelling would refund goods
    on their way: the buyer returns them once delivered instead."""
    import pytest

    from etalage.logistics.services import parcel_hand_over, parcel_pack
    from etalage.orders.services import order_cancel
    from etalage.orders.states import IllegalTransition

    client.force_login(paid.order.buyer)
    page = f"/en/orders/{paid.order.number}/"
    parcel = parcel_pack(sub_order=paid, grams=640)
    assert f"{paid.order.number}/cancel/" in client.get(page).content.decode()
    parcel_hand_over(parcel=parcel)
    assert f"{paid.order.number}/cancel/" not in client.get(page).content.decode()
    client.post(f"/en/orders/{paid.order.number}/cancel/")
    paid.refresh_from_db()
    assert paid.state == "paid"
    with pytest.raises(IllegalTransition):
        order_cancel(order=paid.order, reason="buyer", by_buyer=True)
    order_cancel(order=paid.order, reason="withdrawn by the operator")
    paid.refresh_from_db()
    assert paid.state == "cancelled"  # the operator still may


def test_the_portal_refuses_a_packed_weight_under_the_goods_then_takes_it_confirmed(
    client, paid
):
    """One 300 g item packed at 250 g: the page names the field and asks; the
    weight confirmed, the parcel is packed."""
    sign_in(client, paid.merchant, "fulfilment")
    url = f"/fr/portal/orders/{paid.number}/pack/"
    asked = client.post(url, {"grams": "250"}).content.decode()
    assert "Poids emballé : 250 g, c&#x27;est moins que ce que pèsent" in asked
    assert 'id="confirm-lighter"' in asked and 'value="250"' in asked
    assert not Parcel.objects.exists()
    # Another weight typed with the old confirmation is asked again, not taken.
    client.post(url, {"grams": "240", "confirm": "250"})
    assert not Parcel.objects.exists()
    client.post(url, {"grams": "250", "confirm": "250"})
    assert Parcel.objects.get().declared_grams == 250
