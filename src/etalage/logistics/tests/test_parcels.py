"""Air waybill numbers, packing, the hub's scan and its refusals, and labels."""

import re

import pytest
from django.utils import translation

from etalage.logistics.awb import AwbRefused, awb_check_digit, awb_parse
from etalage.logistics.labels import labels_pdf, packing_list_pdf
from etalage.logistics.models import Parcel, TrackingEvent
from etalage.logistics.services import (
    ParcelRefused,
    hub_receive,
    hub_refuse,
    parcel_hand_over,
    parcel_pack,
    step_record,
    weight_tolerance,
)
from etalage.logistics.vocabulary import Step


def test_the_check_digit_is_the_serial_modulo_seven():
    assert awb_check_digit("1234567") == 5  # the rules' example
    assert str(awb_parse("176-12345675")) == "176-12345675"
    assert str(awb_parse(" 176 1234567 5 ")) == "176-12345675"
    with pytest.raises(AwbRefused, match="is 5 .* not 4"):
        awb_parse("176-12345674")
    with pytest.raises(AwbRefused, match="11 digits"):
        awb_parse("176-123456")


@pytest.mark.parametrize("prefix", ["000", "001", "123", "998"])
def test_a_prefix_that_is_no_cargo_airline_s_is_refused(prefix):
    with pytest.raises(AwbRefused) as refused:
        awb_parse(f"{prefix}-12345675")
    assert (refused.value.kind, refused.value.prefix) == ("prefix", prefix)


@pytest.mark.parametrize("prefix", ["176", "172", "020", "160", "784", "999"])
def test_the_cargo_airlines_prefixes_are_accepted(prefix):
    assert awb_parse(f"{prefix} 1234567 5").prefix == prefix


@pytest.fixture
def paid(shopping):
    from etalage.orders.services import order_pay

    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 2)])
    order = order_pay(order=shopping.place(buyer).order)
    return order.sub_orders.get()


def test_a_packed_parcel_is_received_at_the_hub_within_the_tolerance(paid):
    parcel = parcel_pack(sub_order=paid, grams=1000)
    assert parcel.code == paid.number and weight_tolerance(1000) == 100
    parcel_hand_over(parcel=parcel)
    received = hub_receive(code=paid.number.lower(), grams=1090)
    assert (received.state, received.measured_grams) == ("received", 1090)
    steps = list(parcel.events.values_list("step", flat=True))
    assert steps == [Step.INFO_RECEIVED, Step.RECEIVED_AT_HUB]
    with (
        translation.override("en"),
        pytest.raises(ParcelRefused, match="received already"),
    ):
        hub_receive(code=paid.number, grams=1000)
    assert parcel.events.count() == 2  # nothing changed


def test_a_parcel_far_from_its_packed_weight_is_refused_and_packed_again(paid):
    parcel = parcel_pack(sub_order=paid, grams=650)
    refused = hub_receive(code=parcel.code, grams=900, confirmed=True)  # ±65 g
    assert (refused.state, refused.refusal) == ("refused", "overweight")
    assert "900 g at the hub, 650 g packed" in refused.refusal_note
    assert parcel.events.last().step == Step.EXCEPTION
    with translation.override("en"), pytest.raises(ParcelRefused, match="was refused"):
        hub_receive(code=parcel.code, grams=650)
    again = parcel_pack(sub_order=paid, grams=900)
    assert (again.state, again.refusal) == ("packed", "")
    assert hub_receive(code=parcel.code, grams=910).state == "received"


def test_unknown_codes_and_wrong_parcels_are_refused_by_name(paid, shopping):
    with translation.override("en"):
        with pytest.raises(ParcelRefused, match="No parcel has the code NOPE"):
            hub_receive(code="NOPE", grams=10)
        with pytest.raises(ParcelRefused) as bad:
            parcel_pack(sub_order=paid, grams=0)
        assert bad.value.field == "grams"
        parcel = parcel_pack(sub_order=paid, grams=650)
        with pytest.raises(ParcelRefused, match="Choose why"):
            hub_refuse(code=parcel.code, refusal="bored")
    assert hub_refuse(
        code=parcel.code, refusal="damaged", note="box torn"
    ).refusal_note == ("box torn")
    assert not Parcel.objects.filter(state="received").exists()


def test_a_step_reported_twice_is_recorded_once(paid):
    parcel = parcel_pack(sub_order=paid, grams=650)
    first = step_record(
        parcel=parcel, step=Step.OUT_FOR_DELIVERY, source="sandbox", reference="E1"
    )
    again = step_record(
        parcel=parcel, step=Step.OUT_FOR_DELIVERY, source="sandbox", reference="E1"
    )
    assert first is not None and again is None
    assert TrackingEvent.objects.filter(step=Step.OUT_FOR_DELIVERY).count() == 1


def test_the_label_is_100_by_150_mm_and_its_codes_scan(paid, tmp_path):
    """Rendered to an image as a printer would (PDFium, 203 dpi), the label's Code 128
    and QR code are read back by a barcode reader (zxing-cpp); the PNG is kept for
    people to look at (``ETALAGE_KEEP_RENDERINGS``)."""
    import os

    import pypdfium2
    import zxingcpp

    parcel = parcel_pack(sub_order=paid, grams=1000)
    document = pypdfium2.PdfDocument(labels_pdf([parcel, parcel]))
    assert len(document) == 2
    page = document[0]
    assert [round(v / 72 * 25.4) for v in page.get_size()] == [100, 150]
    image = page.render(scale=203 / 72).to_pil()
    if os.environ.get("ETALAGE_KEEP_RENDERINGS"):
        image.save(os.path.join(os.environ["ETALAGE_KEEP_RENDERINGS"], "label.png"))
    found = {(r.format.name, r.text) for r in zxingcpp.read_barcodes(image)}
    assert ("Code128", parcel.code) in found
    assert ("QRCode", f"ETALAGE|{parcel.code}|9610|1000g") in found
    listing = pypdfium2.PdfDocument(packing_list_pdf(parcel))[0].get_textpage()
    text = listing.get_text_range()
    assert paid.number in text and paid.lines.first().sku in text


def test_bags_and_a_flight_under_its_air_waybill_move_every_parcel(paid, tmp_path):
    import os

    import pypdfium2

    from etalage.logistics.consolidation import (
        bag_fill,
        bag_seal,
        flight_arrive,
        flight_create,
        flight_depart,
        flight_load,
    )
    from etalage.logistics.manifests import flight_manifest, manifest_csv, manifest_pdf

    parcel = parcel_pack(sub_order=paid, grams=1000)
    with translation.override("en"):
        with pytest.raises(ParcelRefused, match="not received at the hub"):
            bag_fill(bag_code="bag-1", codes=[parcel.code])
        hub_receive(code=parcel.code, grams=1000)
        bag = bag_fill(bag_code="bag-1", codes=[parcel.code])
        with pytest.raises(ParcelRefused, match="check digit of this air waybill is 5"):
            flight_create(
                mawb="176-12345674",
                airline="Air Cargo",
                flight_number="x1",
                destination="CGO",
            )
        flight = flight_create(
            mawb="176 1234567 5",
            airline="Air Cargo",
            flight_number="ac123",
            destination="cgo",
        )
        assert (flight.mawb, flight.destination) == ("176-12345675", "CGO")
        with pytest.raises(ParcelRefused, match="Seal bag BAG-1 first"):
            flight_load(flight=flight, bag=bag)
        flight_load(flight=flight, bag=bag_seal(bag=bag))
        with pytest.raises(ParcelRefused, match="is sealed"):
            bag_fill(bag_code="BAG-1", codes=[parcel.code])
    flight_depart(flight=flight)
    flight_depart(flight=flight)  # twice: once in the timeline
    flight_arrive(flight=flight)
    steps = list(parcel.events.values_list("step", flat=True))
    assert steps == [
        Step.INFO_RECEIVED,
        Step.RECEIVED_AT_HUB,
        Step.DEPARTED_LIEGE,
        Step.ARRIVED_IN_CHINA,
    ]
    manifest = flight_manifest(flight=flight, language="en")
    rows = manifest_csv(manifest).splitlines()
    assert rows[0].startswith("mawb,flight,bag,parcel")
    assert rows[1].startswith(f"176-12345675,AC123,BAG-1,{parcel.code},")
    with translation.override("en"):
        page = pypdfium2.PdfDocument(manifest_pdf(manifest, "en"))[0]
    assert parcel.code in page.get_textpage().get_text_range()
    if os.environ.get("ETALAGE_KEEP_RENDERINGS"):
        page.render(scale=1.5).to_pil().save(
            os.path.join(os.environ["ETALAGE_KEEP_RENDERINGS"], "manifest.png")
        )


def test_the_operator_sees_parcels_late_at_each_step(paid, client, django_user_model):
    from datetime import timedelta

    from django.utils import timezone

    from etalage.logistics.selectors import parcels_late, parcels_late_count

    parcel = parcel_hand_over(parcel=parcel_pack(sub_order=paid, grams=650))
    assert parcels_late_count() == 0
    Parcel.objects.filter(pk=parcel.pk).update(
        handed_over_at=timezone.now() - timedelta(days=3)
    )
    assert list(parcels_late("hub")) == [parcel] and parcels_late_count() == 1
    hub_receive(code=parcel.code, grams=650)
    Parcel.objects.filter(pk=parcel.pk).update(
        received_at=timezone.now() - timedelta(days=3)
    )
    assert (
        list(parcels_late("departure")) == [parcel] and not parcels_late("hub").exists()
    )
    client.force_login(
        django_user_model.objects.create_superuser("op", "o@x.example", "pw")
    )
    page = client.get("/backoffice/logistics/parcel/?late=departure").content.decode()
    assert parcel.code in page
    home = client.get("/backoffice/").content.decode()
    # The first page's count opens the list of every late parcel, at any step.
    link = re.search(r'<a href="([^"]+)">Parcels late on their way</a>', home)
    assert parcel.code in client.get(link.group(1)).content.decode()


def test_a_packed_weight_under_the_goods_own_is_refused_until_confirmed(paid):
    """Two 300 g items: packed at 550 g, one may be missing; nothing is written
    until the packer confirms that the catalogue's weights are what is wrong."""
    from etalage.logistics.services import LighterThanGoods

    assert paid.weight_grams == 600
    with translation.override("fr"), pytest.raises(LighterThanGoods) as lighter:
        parcel_pack(sub_order=paid, grams=550)
    assert lighter.value.field == "grams" and lighter.value.goods_grams == 600
    assert str(lighter.value).startswith(
        "Poids emballé : 550 g, c'est moins que ce que pèsent les marchandises seules "
        "(600 g"
    )
    assert not Parcel.objects.exists()
    assert parcel_pack(sub_order=paid, grams=600).declared_grams == 600  # the goods
    with pytest.raises(LighterThanGoods):  # packing again: the same rule
        parcel_pack(sub_order=paid, grams=599)
    assert Parcel.objects.get().declared_grams == 600
    confirmed = parcel_pack(sub_order=paid, grams=550, lighter_confirmed=True)
    assert confirmed.declared_grams == 550
