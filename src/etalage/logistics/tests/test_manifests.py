"""Manifests and the hub's lists name the goods in the reader's language, and a
manifest says who receives each parcel, its declared value and both weights, with
titles and headings in one language and no name cut short."""

import pytest
from django.utils import translation

from etalage.logistics.consolidation import (
    bag_fill,
    bag_seal,
    flight_create,
    flight_load,
)
from etalage.logistics.manifests import (
    bag_manifest,
    flight_manifest,
    manifest_csv,
    manifest_pdf,
)
from etalage.logistics.selectors import line_name
from etalage.logistics.services import hub_receive, parcel_hand_over, parcel_pack
from etalage.money import Money

LONG_NAME = "Chocolaterie Artisanale Maison Verhaeghe-Vandenbroucke et Fils SRL"


@pytest.fixture
def flight(shopping):
    """One buyer's two parcels (two merchants) received, bagged, on a flight."""
    from etalage.merchants.models import Merchant
    from etalage.orders.services import order_pay

    Merchant.objects.filter(pk=shopping.products["a"].merchant_id).update(
        legal_name=LONG_NAME
    )
    Merchant.objects.filter(pk=shopping.products["c"].merchant_id).update(
        legal_name="Brasserie du Val SA"
    )
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 2), (shopping.products["c"], 1)])
    order = order_pay(order=shopping.place(buyer).order)
    codes = []
    for sub in order.sub_orders.all():
        parcel = parcel_hand_over(
            parcel=parcel_pack(sub_order=sub, grams=sub.weight_grams + 100)
        )
        hub_receive(code=parcel.code, grams=parcel.declared_grams + 12)
        codes.append(parcel.code)
    bag = bag_seal(bag=bag_fill(bag_code="BAG-1", codes=codes))
    flight = flight_create(
        mawb="176-12345675", airline="", flight_number="EK9810", destination="CGO"
    )
    flight_load(flight=flight, bag=bag)
    return flight


def test_a_manifest_names_the_goods_in_the_reader_s_language(flight):
    for language in ("fr", "nl", "en", "zh-hans"):
        rows = flight_manifest(flight=flight, language=language).rows
        names = [item.name for row in rows for item in row.items]
        assert len(names) == 2
        assert all(f"({language})" in name for name in names), (language, names)


def test_a_name_missing_in_the_reader_s_language_falls_back_sensibly(shopping):
    from etalage.orders.models import OrderLine
    from etalage.orders.services import order_pay

    french_only = shopping.catalogue.product(
        merchant=shopping.products["a"].merchant, languages=("zh-hans", "fr")
    )
    shopping.stock(french_only)
    buyer = shopping.buyer()
    shopping.cart(buyer, [(french_only, 1)])
    order_pay(order=shopping.place(buyer).order)
    line = OrderLine.objects.get(variant__product=french_only)
    # Dutch and English readers get the French name, never the Chinese one.
    assert line_name(line, "nl").endswith("(fr)")
    assert line_name(line, "en").endswith("(fr)")
    assert line_name(line, "zh-hans") == line.name_zh


def test_a_manifest_row_has_the_consignee_the_value_and_both_weights(flight):
    manifest = flight_manifest(flight=flight, language="en")
    assert len(manifest.rows) == 2
    for row in manifest.rows:
        parcel = flight.bags.get().parcels.get(code=row.parcel)
        sub = parcel.sub_order
        assert (row.consignee, row.destination) == ("王小明", "上海市")
        assert row.value == Money(sub.goods, "CNY") and row.value.amount > 0
        assert (row.declared_grams, row.measured_grams) == (
            parcel.declared_grams,
            parcel.declared_grams + 12,
        )
    assert manifest.values == (sum((r.value for r in manifest.rows), Money(0, "CNY")),)
    csv = manifest_csv(manifest).splitlines()
    assert csv[0].endswith("consignee_city,consignee,declared_value,currency,goods")
    assert ",王小明," in csv[1] and ",CNY," in csv[1]
    assert bag_manifest(bag=flight.bags.get(), language="en").rows == manifest.rows


def _pdf_text(data: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def test_the_manifest_pdf_speaks_one_language_and_cuts_no_name(flight):
    with translation.override("fr"):
        manifest = flight_manifest(flight=flight, language="fr")
        text = _pdf_text(manifest_pdf(manifest, "fr"))
    flat = " ".join(text.split())
    assert "Manifeste de fret · LTA 176-12345675" in flat
    for heading in (
        "Sac",
        "Colis",
        "Marchand",
        "Destinataire",
        "Valeur déclarée",
        "Emballé (g)",
        "Au hub (g)",
        "Codes SH",
    ):
        assert heading in flat, heading
    for english in (
        "Cargo manifest",
        "Parcel",
        "Merchant",
        "Consignee",
        "Declared",
        "Packed",
        "Liège hub",
        "HS codes",
        "Pcs",
        "Meas.",
    ):
        assert english not in flat, english
    # The merchant's name whole, however it wraps; the goods named in French.
    assert LONG_NAME in flat.replace("- ", "-")
    assert "(fr)" in flat and "王小明" in flat
    # Figures as a French reader writes them, every space drawn.
    row = manifest.rows[0]
    assert f"{row.declared_grams}" in flat and "CNY" in flat
