"""The shipping label (100 × 150 mm, the 4 × 6 in of thermal printers) and the
packing list of parcels, as PDF.

The label carries the parcel's code as a Code 128 barcode (``python-barcode``,
drawn for 203 dpi) and as text, the sub-order's number, the sender, the Liège hub's
address, the route and customs mode, the packed weight and a QR code (``segno``)
with the same facts for scanners that read QR only. Chinese is written in Chinese
(``etalage.core.pdf``: Noto Sans SC embedded), never in pinyin.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import barcode
import segno
from barcode.writer import ImageWriter
from django.conf import settings
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from fpdf import FPDF

from etalage.core.pdf import pdf_bold, pdf_document, pdf_field, pdf_font, pdf_number
from etalage.customs.routes import Route
from etalage.logistics.models import Parcel

if TYPE_CHECKING:
    from etalage.orders.models import Order

LABEL_MM = (100, 150)

# Words printed inside formatted lines (marked here: gettext cannot read f-strings).
T_CUSTOMS_MODE = gettext_lazy("Customs mode")
T_FINAL_DESTINATION = gettext_lazy("Final destination")
T_FROM = gettext_lazy("From")
T_LINES = gettext_lazy("Lines")
T_ORDER = gettext_lazy("Order")
T_PACKED_WEIGHT = gettext_lazy("Packed weight")
T_PACKING_LIST = gettext_lazy("Packing list")
T_PARCEL = gettext_lazy("Parcel")
T_VIA_THE_HUB = gettext_lazy(
    "Via the Liège hub; the carrier in China adds its own label."
)
T_CUSTOMS_MODE_IN_TEXT = gettext_lazy("customs mode")
T_FOR = gettext_lazy("for")
T_CARRIER_ADDS_LABEL = gettext_lazy("the carrier in China adds the address label")
# The label's recipient heading: "To" alone is also the payouts' "payee account".
T_RECIPIENT = pgettext_lazy("parcel label: its recipient", "To")


def code128_png(code: str) -> bytes:
    """The parcel code as a Code 128 barcode, a PNG at 203 dpi, no text under it."""
    out = io.BytesIO()
    barcode.get("code128", code, writer=ImageWriter()).write(
        out,
        options={
            "write_text": False,
            "module_width": 0.25,
            "module_height": 18.0,
            "quiet_zone": 2.5,
            "dpi": 203,
        },
    )
    return out.getvalue()


def qr_text(parcel: Parcel) -> str:
    sub = parcel.sub_order
    return f"ETALAGE|{parcel.code}|{sub.customs_mode}|{parcel.declared_grams}g"


def _qr_png(text: str) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def labels_pdf(parcels: Sequence[Parcel]) -> bytes:
    """One 100 × 150 mm page per parcel (bulk printing: many parcels, one file)."""
    pdf = pdf_document(unit="mm", format=LABEL_MM)
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(5, 5, 5)
    for parcel in parcels:
        _label(pdf, parcel)
    return bytes(pdf.output())


def region_of(order: Order) -> str:
    """The buyer's province and city as a Chinese envelope writes them, once when
    they are one (上海市)."""
    return "".join(dict.fromkeys(part for part in (order.province, order.city) if part))


def _label(pdf: FPDF, parcel: Parcel) -> None:
    sub = parcel.sub_order
    merchant = sub.merchant
    bonded = sub.route == Route.BONDED
    pdf.add_page()
    pdf_font(pdf, 11)
    kind = _("bonded warehouse") if bonded else _("direct mail")
    with pdf_bold(pdf):
        pdf.cell(0, 6, f"Étalage · {kind} {sub.customs_mode}",
                 new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf_font(pdf, 8)
    sender = pdf_field(T_FROM, f"{merchant.legal_name}, {merchant.city} (BE)")
    if bonded:
        sender = pdf_field(
            T_FROM, f"{sub.warehouse.name} (CN), {T_FOR} {merchant.legal_name}"
        )
    pdf.multi_cell(90, 4, sender, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf_font(pdf, 8)
    with pdf_bold(pdf):
        pdf.cell(0, 4, str(T_RECIPIENT), new_x="LMARGIN", new_y="NEXT")
    pdf_font(pdf, 12)
    to = (
        f"{region_of(sub.order)} (CN)\n{T_CARRIER_ADDS_LABEL}"
        if bonded
        else settings.ETALAGE_HUB_ADDRESS.replace(", ", "\n", 1)
    )
    with pdf_bold(pdf):
        pdf.multi_cell(90, 6, to, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(2)
    pdf.image(io.BytesIO(code128_png(parcel.code)), x=5, w=90, h=24)
    pdf.set_font("Courier", "B", 12)
    pdf.cell(90, 6, parcel.code, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    top = pdf.get_y()
    pdf.image(io.BytesIO(_qr_png(qr_text(parcel))), x=5, y=top, w=32, h=32)
    pdf.set_xy(40, top)
    pdf_font(pdf, 9)
    facts = [
        pdf_field(T_ORDER, sub.order.number),
        pdf_field(T_PARCEL, sub.number),
        pdf_field(T_PACKED_WEIGHT, f"{_number(parcel.declared_grams)} g"),
        pdf_field(T_LINES, _number(sum(line.quantity for line in sub.lines.all()))),
        pdf_field(T_CUSTOMS_MODE, sub.customs_mode),
    ]
    pdf.multi_cell(55, 5, "\n".join(facts), new_x="LMARGIN", new_y="NEXT")
    if bonded:
        return
    pdf.set_xy(5, 130)
    pdf_font(pdf, 9)
    with pdf_bold(pdf):
        pdf.multi_cell(
            90,
            4.5,
            pdf_field(T_FINAL_DESTINATION, f"{sub.order.city} (CN)\n{T_VIA_THE_HUB}"),
            new_x="LMARGIN",
            new_y="NEXT",
            align="L",
        )


def packing_list_pdf(parcel: Parcel) -> bytes:
    """A4: what is in the box, for the packer and for the hub's checks."""
    sub = parcel.sub_order
    pdf = pdf_document(format="A4")
    pdf.add_page()
    pdf_font(pdf, 14)
    with pdf_bold(pdf):
        pdf.cell(0, 8, f"{T_PACKING_LIST} {sub.number}", new_x="LMARGIN", new_y="NEXT")
    pdf_font(pdf, 9)
    pdf.multi_cell(
        0,
        5,
        f"{sub.merchant.legal_name}\n{T_ORDER} {sub.order.number} · "
        f"{T_CUSTOMS_MODE_IN_TEXT} {sub.customs_mode} · "
        f"{_number(parcel.declared_grams)} g",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    widths, heads = (
        (35, 95, 25, 15, 20),
        (_("SKU"), _("Product"), _("HS code"), _("Qty"), _("Checked")),
    )
    with pdf_bold(pdf):
        for width, head in zip(widths, heads, strict=True):
            pdf.cell(width, 7, head)
    pdf.ln()
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + sum(widths), pdf.get_y())
    pdf_font(pdf, 9)
    for line in sub.lines.all():
        for width, value in zip(
            widths,
            (
                line.sku,
                line.name_merchant,
                line.hs_code,
                _number(line.quantity),
                "[  ]",
            ),
            strict=True,
        ):
            pdf.cell(width, 7, _fit(pdf, value, width))
        pdf.ln()
    return bytes(pdf.output())


def _number(value: int) -> str:
    """A count or weight as the reader (the language in use) writes it."""
    return pdf_number(value, get_language() or settings.ETALAGE_WORKPLACE_LANGUAGE)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """``text`` cut to what the cell's width holds in the current font, with "…"."""
    if pdf.get_string_width(text) <= width - 2:
        return text
    while text and pdf.get_string_width(text + "…") > width - 2:
        text = text[:-1]
    return text + "…"
