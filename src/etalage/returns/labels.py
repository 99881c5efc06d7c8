"""The return label (100 × 150 mm, like the shipping label): the return's number
as a Code 128 barcode and a QR code, the buyer as sender (name, mobile, full
address), and the return address of the parcel's route (the cross-border return
warehouse for a parcel flown from Liège, the bonded warehouse for one from bonded
stock). It is for a courier in China: its words are Chinese, whatever language
the buyer reads, and the addresses are written as a Chinese envelope writes them."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy

from etalage.core.pdf import pdf_bold, pdf_document, pdf_field, pdf_font
from etalage.customs.routes import Route
from etalage.logistics.labels import LABEL_MM, T_RECIPIENT, code128_png, region_of
from etalage.returns.models import ReturnRequest

T_RETURN = gettext_lazy("Return")
T_FROM = gettext_lazy("From")
T_ORDER = gettext_lazy("Order")
T_ITEMS = gettext_lazy("Items")


def return_address(request: ReturnRequest) -> str:
    route = request.sub_order.route
    if route == Route.BONDED:
        return settings.ETALAGE_RETURN_ADDRESS_BONDED
    return settings.ETALAGE_RETURN_ADDRESS_DIRECT


def return_label_pdf(request: ReturnRequest) -> bytes:
    """The label the buyer sticks on the parcel going back, in Chinese."""
    with translation.override("zh-hans"):
        return _return_label(request)


def _return_label(request: ReturnRequest) -> bytes:
    sub = request.sub_order
    order = sub.order
    pdf = pdf_document(unit="mm", format=LABEL_MM)
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(5, 5, 5)
    pdf.add_page()
    pdf_font(pdf, 12)
    with pdf_bold(pdf):  # the whole number, on a line of its own if need be
        pdf.multi_cell(90, 6, f"Étalage · {T_RETURN} {request.number}",
                       new_x="LMARGIN", new_y="NEXT", align="L")  # fmt: skip
    pdf_font(pdf, 8)
    with pdf_bold(pdf):
        pdf.cell(0, 4, str(T_FROM), new_x="LMARGIN", new_y="NEXT", align="L")
    street = (
        "".join(dict.fromkeys(p for p in (region_of(order), order.district) if p))
        + f" {order.street}"
    )
    pdf.multi_cell(90, 4, f"{order.recipient} {order.phone}\n{street.strip()}",
                   new_x="LMARGIN", new_y="NEXT", align="L")  # fmt: skip
    pdf.ln(1)
    with pdf_bold(pdf):
        pdf.cell(0, 4, str(T_RECIPIENT), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf_font(pdf, 10)
    with pdf_bold(pdf):
        pdf.multi_cell(90, 4.6, return_address(request), new_x="LMARGIN",
                       new_y="NEXT", align="L")  # fmt: skip
    pdf.ln(2)
    top = pdf.get_y()
    pdf.image(io.BytesIO(code128_png(request.number)), x=5, y=top, w=90, h=20)
    pdf.set_y(top + 21)
    pdf.set_font("Courier", "B", 10)
    pdf.cell(0, 5, request.number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf_font(pdf, 8)
    items = ", ".join(f"{r.line.sku} × {r.quantity}" for r in request.lines.all())
    pdf.multi_cell(
        90,
        4,
        f"{pdf_field(T_ORDER, sub.number)} · {pdf_field(T_ITEMS, items)}",
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )
    qr = io.BytesIO()
    segno.make(f"ETALAGE-RETURN|{request.number}|{sub.number}", error="m").save(
        qr, kind="png", scale=5, border=2
    )
    qr_top = max(pdf.get_y() + 2, 105)
    pdf.image(io.BytesIO(qr.getvalue()), x=31, y=qr_top, w=38, h=38)
    return bytes(pdf.output())
