"""Cargo manifests: what a flight (under its master air waybill) or one bag
carries, parcel by parcel: the consignee, the goods named in the reader's
language with their HS codes, the value declared to customs, the weight packed
beside the weight the hub measured. As a page (``hub/manifest.html``), a CSV
for the airline's and the handling agent's systems, and a PDF (landscape A4)
whose titles and headings are all in the reader's language."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF
from fpdf.fonts import FontFace

from etalage.core.pdf import pdf_bold, pdf_document, pdf_font, pdf_money, pdf_number
from etalage.logistics.labels import region_of
from etalage.logistics.models import Bag, Flight, Parcel
from etalage.logistics.selectors import ParcelItem, lines_named, parcel_items
from etalage.money import Money


@dataclass(frozen=True, slots=True)
class ManifestRow:
    """One parcel on a manifest."""

    bag: str
    parcel: str
    order: str
    merchant: str
    customs_mode: str
    consignee: str
    destination: str  # the buyer's province and city, as a Chinese address has them
    value: Money  # the goods' value declared to customs
    declared_grams: int  # as packed by the merchant
    measured_grams: int | None  # as weighed at the hub
    items: tuple[ParcelItem, ...]

    @property
    def pieces(self) -> int:
        return sum(item.quantity for item in self.items)

    @property
    def hs_codes(self) -> tuple[str, ...]:
        return tuple(sorted({item.hs_code for item in self.items}))


@dataclass(frozen=True, slots=True)
class Manifest:
    """A flight's or a bag's parcels, and their totals."""

    flight: Flight | None
    bag: Bag | None
    rows: tuple[ManifestRow, ...]

    @property
    def bags(self) -> tuple[str, ...]:
        return tuple(sorted({row.bag for row in self.rows}))

    @property
    def declared_grams(self) -> int:
        return sum(row.declared_grams for row in self.rows)

    @property
    def measured_grams(self) -> int:
        return sum(row.measured_grams or 0 for row in self.rows)

    @property
    def values(self) -> tuple[Money, ...]:
        """The declared values' totals, one per currency."""
        totals: dict[str, Money] = {}
        for row in self.rows:
            currency = row.value.currency
            totals[currency] = totals.get(currency, Money(0, currency)) + row.value
        return tuple(totals[c] for c in sorted(totals))

    @property
    def customs_modes(self) -> tuple[str, ...]:
        return tuple(sorted({row.customs_mode for row in self.rows}))


def _parcels(parcels: QuerySet[Parcel]) -> QuerySet[Parcel]:
    return (
        parcels.select_related("bag", "sub_order__order", "sub_order__merchant")
        .prefetch_related(lines_named("sub_order__"))
        .order_by("bag__code", "code")
    )


def _row(parcel: Parcel, language: str) -> ManifestRow:
    sub = parcel.sub_order
    order = sub.order
    return ManifestRow(
        bag=parcel.bag.code if parcel.bag else "",
        parcel=parcel.code,
        order=order.number,
        merchant=sub.merchant.legal_name,
        customs_mode=sub.customs_mode,
        consignee=order.recipient,
        destination=region_of(order),
        value=Money(sub.goods, order.currency),
        declared_grams=parcel.declared_grams,
        measured_grams=parcel.measured_grams,
        items=parcel_items(sub, language),
    )


def flight_manifest(*, flight: Flight, language: str) -> Manifest:
    """Every parcel in the bags loaded on ``flight``, its goods named in
    ``language``."""
    rows = _parcels(Parcel.objects.filter(bag__flight=flight))
    return Manifest(
        flight=flight, bag=None, rows=tuple(_row(p, language) for p in rows)
    )


def bag_manifest(*, bag: Bag, language: str) -> Manifest:
    """Every parcel in ``bag``, its goods named in ``language``."""
    rows = _parcels(Parcel.objects.filter(bag=bag))
    return Manifest(
        flight=bag.flight, bag=bag, rows=tuple(_row(p, language) for p in rows)
    )


# The CSV: columns by stable machine names, the first twelve as they always were.
MANIFEST_COLUMNS = [
    "mawb",
    "flight",
    "bag",
    "parcel",
    "order",
    "merchant",
    "customs_mode",
    "declared_g",
    "measured_g",
    "pieces",
    "hs_codes",
    "consignee_city",
    "consignee",
    "declared_value",
    "currency",
    "goods",
]


def manifest_csv(manifest: Manifest) -> str:
    flight = manifest.flight
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    for row in manifest.rows:
        writer.writerow(
            [
                flight.mawb if flight else "",
                flight.flight_number if flight else "",
                row.bag,
                row.parcel,
                row.order,
                row.merchant,
                row.customs_mode,
                row.declared_grams,
                row.measured_grams or "",
                row.pieces,
                " ".join(row.hs_codes),
                row.destination,
                row.consignee,
                f"{row.value.rounded().amount}",
                row.value.currency,
                "; ".join(str(item) for item in row.items),
            ]
        )
    return out.getvalue()


def manifest_title(manifest: Manifest) -> str:
    """The manifest's title in the active language."""
    if manifest.bag is not None:
        return _("Bag manifest · bag %(bag)s") % {"bag": manifest.bag.code}
    assert manifest.flight is not None
    return _("Cargo manifest · air waybill %(mawb)s") % {"mawb": manifest.flight.mawb}


def _kg(grams: int, language: str) -> str:
    return pdf_number(Decimal(grams) / 1000, language)


def manifest_summary(manifest: Manifest, language: str) -> list[str]:
    """The lines under the title (as the PDF writes them): the flight, then what
    it carries."""
    lines = []
    flight = manifest.flight
    if flight is not None:
        lines.append(
            _("%(airline)s flight %(flight)s, %(origin)s to %(destination)s")
            % {
                "airline": flight.airline,
                "flight": flight.flight_number,
                "origin": flight.origin,
                "destination": flight.destination,
            }
        )
    count = len(manifest.rows)
    parts = [
        ngettext("%(count)s parcel", "%(count)s parcels", count) % {"count": count},
        ngettext("%(count)s bag", "%(count)s bags", len(manifest.bags))
        % {"count": len(manifest.bags)},
        _("packed %(kg)s kg, weighed at the hub %(measured)s kg")
        % {
            "kg": _kg(manifest.declared_grams, language),
            "measured": _kg(manifest.measured_grams, language),
        },
        _("declared value %(value)s")
        % {"value": " + ".join(pdf_money(v, language) for v in manifest.values) or "0"},
    ]
    if manifest.customs_modes:
        parts.append(
            _("customs mode %(mode)s") % {"mode": ", ".join(manifest.customs_modes)}
        )
    lines.append(" · ".join(parts))
    return lines


def manifest_pdf(manifest: Manifest, language: str) -> bytes:
    """The manifest as a landscape A4 PDF: the goods named and the titles written
    in ``language`` (the active one), long names wrapped, never cut."""
    pdf = pdf_document(orientation="L", format="A4")
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.add_page()
    pdf_font(pdf, 13)
    with pdf_bold(pdf):
        pdf.cell(0, 8, manifest_title(manifest), new_x="LMARGIN", new_y="NEXT")
    pdf_font(pdf, 9)
    for line in manifest_summary(manifest, language):
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        0,
        5,
        _("From the Liège hub, printed %(when)s (Brussels time)")
        % {"when": f"{timezone.localtime():%Y-%m-%d %H:%M}"},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    _table(pdf, manifest, language)
    _page_numbers(pdf)
    return bytes(pdf.output())


# Column widths in mm: 277 mm between the margins of a landscape A4.
WIDTHS = (14, 42, 50, 28, 71, 20, 24, 14, 14)


def _table(pdf: FPDF, manifest: Manifest, language: str) -> None:
    headings = (
        _("Bag"),
        _("Parcel"),
        _("Merchant"),
        _("Consignee"),
        _("Goods"),
        _("HS codes"),
        _("Declared value"),
        _("Packed (g)"),
        _("At the hub (g)"),
    )
    pdf_font(pdf, 8)
    with pdf.table(
        col_widths=WIDTHS,
        width=sum(WIDTHS),
        align="LEFT",
        line_height=4.2,
        text_align=("LEFT",) * 6 + ("RIGHT",) * 3,
        headings_style=FontFace(fill_color=(225, 225, 225)),
        borders_layout="HORIZONTAL_LINES",
        padding=(1, 1, 1, 1),
        repeat_headings=1,
    ) as table:
        table.row(headings)
        for row in manifest.rows:
            measured = row.measured_grams
            table.row(
                (
                    row.bag,
                    row.parcel,
                    row.merchant,
                    f"{row.consignee}\n{row.destination}",
                    "\n".join(str(item) for item in row.items),
                    "\n".join(row.hs_codes),
                    pdf_money(row.value, language),
                    pdf_number(row.declared_grams, language),
                    pdf_number(measured, language) if measured else "—",
                )
            )


def _page_numbers(pdf: FPDF) -> None:
    """ "Page 1 of 2" at the foot of each page, in the active language."""
    total = pdf.pages_count
    pdf.set_auto_page_break(auto=False)
    for number in range(1, total + 1):
        pdf.page = number
        pdf.set_xy(pdf.l_margin, pdf.h - 10)
        pdf_font(pdf, 7)
        pdf.cell(
            0,
            4,
            _("Page %(number)s of %(total)s") % {"number": number, "total": total},
            align="R",
        )
