"""Labels and packing lists carry Chinese as Chinese: drawn in a CJK font embedded
in the PDF (Noto Sans SC), read back as text by PDFium, never turned into pinyin;
and a label printed in Chinese heads its recipient as a recipient."""

import os

import pypdfium2
import pytest
from django.utils import translation

from etalage.logistics.labels import labels_pdf, packing_list_pdf
from etalage.logistics.services import parcel_pack
from etalage.orders.models import OrderLine


@pytest.fixture
def paid(shopping):
    from etalage.orders.services import order_pay

    buyer = shopping.buyer()  # its address: 上海市 上海市 浦东新区
    shopping.cart(buyer, [(shopping.products["a"], 2)])
    return order_pay(order=shopping.place(buyer).order).sub_orders.get()


@pytest.fixture
def bonded(shopping, catalogue):
    from etalage.orders.services import order_pay

    product = catalogue.product(merchant=shopping.products["a"].merchant)
    shopping.stock(product, kind="bonded")
    buyer = shopping.buyer()
    shopping.cart(buyer, [(product, 1)])
    sub = order_pay(order=shopping.place(buyer).order).sub_orders.get()
    assert sub.route == "bonded"
    return parcel_pack(sub_order=sub, grams=300, bonded=True)


def text_of(pdf: bytes) -> str:
    return pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range()


def keep(pdf: bytes, name: str) -> None:
    """Render the first page as a printer would (203 dpi) for people to look at."""
    if os.environ.get("ETALAGE_KEEP_RENDERINGS"):
        image = pypdfium2.PdfDocument(pdf)[0].render(scale=203 / 72).to_pil()
        image.save(os.path.join(os.environ["ETALAGE_KEEP_RENDERINGS"], name))


def test_a_bonded_label_prints_the_city_in_chinese_not_pinyin(bonded):
    pdf = labels_pdf([bonded])
    keep(pdf, "label-bonded.png")
    text = text_of(pdf)
    assert "上海市" in text
    assert "Shanghai" not in text
    assert b"NotoSansSC" in pdf  # the font is embedded, not left to the printer


def test_a_direct_mail_label_names_its_final_destination_in_chinese(paid):
    pdf = labels_pdf([parcel_pack(sub_order=paid, grams=1000)])
    keep(pdf, "label-direct.png")
    text = text_of(pdf)
    assert "上海市 (CN)" in text and "Shanghai" not in text
    assert "Liège" in text  # the hub's address keeps its accents too


def test_a_label_in_chinese_heads_the_recipient_as_the_recipient(bonded):
    with translation.override("zh-hans"):
        pdf = labels_pdf([bonded])
    keep(pdf, "label-bonded-zh.png")
    text = text_of(pdf)
    assert "收件人" in text
    assert "收款账户" not in text  # the payout's "payee account"
    assert "保税" in text  # the label's own words in Chinese characters, not pinyin


def test_a_packing_list_keeps_a_chinese_product_name(paid):
    OrderLine.objects.filter(sub_order=paid).update(name_merchant="黑巧克力礼盒")
    pdf = packing_list_pdf(parcel_pack(sub_order=paid, grams=1000))
    keep(pdf, "packing-list.png")
    assert "黑巧克力礼盒" in text_of(pdf)


@pytest.mark.parametrize(
    ("language", "sender"), [("fr", "De : "), ("en", "From: "), ("zh-hans", "：")]
)
def test_a_label_punctuates_its_fields_as_its_language_does(paid, language, sender):
    """French sets a space before the colon, Chinese a full-width colon."""
    with translation.override(language):
        text = text_of(labels_pdf([parcel_pack(sub_order=paid, grams=1000)]))
    assert sender in text
