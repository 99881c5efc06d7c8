"""Every character the hub's documents are given is drawn: "Étalage" with its
accent on each label, French figures with their spaces, Chinese as Chinese, in
each of the four languages. fpdf2 drops a character its font has no glyph for
and only logs it; here that log fails the test."""

import logging

import pypdfium2
import pytest
from django.utils import translation

from etalage.core.pdf import cjk_font_path

LANGUAGES = ("en", "fr", "nl", "zh-hans")


def _text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


@pytest.fixture
def documents(shopping):
    """A direct-mail parcel on a flight and a bonded one, with names that need
    accents, and figures French writes with a narrow no-break space."""
    from etalage.logistics.consolidation import (
        bag_fill,
        bag_seal,
        flight_create,
        flight_load,
    )
    from etalage.logistics.labels import labels_pdf, packing_list_pdf
    from etalage.logistics.manifests import bag_manifest, flight_manifest, manifest_pdf
    from etalage.logistics.services import hub_receive, parcel_hand_over, parcel_pack
    from etalage.merchants.models import Merchant
    from etalage.orders.services import order_pay

    product = shopping.products["a"]
    Merchant.objects.filter(pk=product.merchant_id).update(
        legal_name="Pâtisserie Éloïse & Frère SRL", city="Liège"
    )
    buyer = shopping.buyer()
    shopping.cart(buyer, [(product, 4)])
    sub = order_pay(order=shopping.place(buyer).order).sub_orders.get()
    parcel = parcel_hand_over(parcel=parcel_pack(sub_order=sub, grams=1350))
    hub_receive(code=parcel.code, grams=1350)
    bag = bag_seal(bag=bag_fill(bag_code="BAG-1", codes=[parcel.code]))
    flight = flight_create(
        mawb="176-12345675", airline="", flight_number="EK9810", destination="CGO"
    )
    flight_load(flight=flight, bag=bag)
    shopping.stock(shopping.products["c"], kind="bonded")
    other = shopping.buyer()
    shopping.cart(other, [(shopping.products["c"], 1)])
    bonded_sub = order_pay(order=shopping.place(other).order).sub_orders.get()
    bonded = parcel_pack(sub_order=bonded_sub, grams=400, bonded=True)

    def made(language):
        parcel.refresh_from_db()
        return {
            "label": labels_pdf([parcel]),
            "bonded label": labels_pdf([bonded]),
            "packing list": packing_list_pdf(parcel),
            "manifest": manifest_pdf(
                flight_manifest(flight=flight, language=language), language
            ),
            "bag manifest": manifest_pdf(
                bag_manifest(bag=bag, language=language), language
            ),
        }

    return made


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_hub_s_documents_draw_every_character_they_are_given(
    documents, language, caplog
):
    caplog.set_level(logging.WARNING, logger="fpdf")
    with translation.override(language):
        made = documents(language)
    missing = [r.getMessage() for r in caplog.records if "missing" in r.getMessage()]
    assert missing == []
    for name in ("label", "bonded label"):
        assert _text(made[name]).startswith("Étalage · "), (language, name)
    assert "Pâtisserie Éloïse & Frère SRL" in " ".join(_text(made["manifest"]).split())
    if language == "fr":  # CLDR's narrow no-break space, drawn as a space: 1 350 g
        assert "· 1 350 g" in _text(made["packing list"]).replace("\u00a0", " ")


def test_the_labels_font_has_the_letters_of_the_languages_it_prints():
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(cjk_font_path())).getBestCmap()
    for character in "ÉéèêëàâäçîïôöûüÀÂÇÈÊËÎÏÔÛÜŒœ€£¥·–—…“”‘’«»×±°":
        assert ord(character) in cmap, character
