"""The return label (100 × 150 mm, like the shipping label): the return's number
as a Code 128 barcode and a QR code, the buyer as sender, and the return address
of the parcel's route (the cross-border return warehouse for a parcel flown from
Liège, the bonded warehouse for one from bonded stock)."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.utils.translation import gettext_lazy

from etalage.core.pdf import pdf_bold, pdf_document, pdf_font
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
    sub = request.sub_order
    order = sub.order
    pdf = pdf_document(unit="mm", format=LABEL_MM)
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(5, 5, 5)
    pdf.add_page()
    pdf_font(pdf, 12)
    with pdf_bold(pdf):
        pdf.cell(0, 7, f"Étalage · {T_RETURN} {request.number}",
                 new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf_font(pdf, 8)
    sender = f"{T_FROM}: {region_of(order)} (CN) · {order.phone}"
    pdf.multi_cell(90, 4, sender, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    with pdf_bold(pdf):
        pdf.cell(0, 4, str(T_RECIPIENT), new_x="LMARGIN", new_y="NEXT")
    pdf_font(pdf, 11)
    with pdf_bold(pdf):
        pdf.multi_cell(90, 5, return_address(request), new_x="LMARGIN",
                       new_y="NEXT")  # fmt: skip
    pdf.ln(3)
    pdf.image(io.BytesIO(code128_png(request.number)), x=5, w=90, h=22)
    pdf.set_y(pdf.get_y() + 23)
    pdf.set_font("Courier", "B", 10)
    pdf.cell(0, 5, request.number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf_font(pdf, 8)
    items = ", ".join(f"{r.line.sku} × {r.quantity}" for r in request.lines.all())
    pdf.multi_cell(90, 4, f"{T_ORDER}: {sub.number} · {T_ITEMS}: {items}",
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    qr = io.BytesIO()
    segno.make(f"ETALAGE-RETURN|{request.number}|{sub.number}", error="m").save(
        qr, kind="png", scale=5, border=2
    )
    pdf.image(io.BytesIO(qr.getvalue()), x=30, y=105, w=40, h=40)
    return bytes(pdf.output())
