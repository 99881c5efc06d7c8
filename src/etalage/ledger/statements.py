"""A merchant's monthly statement (CSV and PDF) and the operator's commission
invoice of the month, numbered without gaps per year.

The invoice carries what a Belgian VAT invoice must (Code TVA art. 53, AR n° 1
art. 5): issue date, sequential number, the operator's and the merchant's names,
addresses and VAT numbers, the service and its period, the taxable amount, the VAT
rate and amount, and the total. A month whose refunds gave back more commission
than was charged gets a credit note instead.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from fpdf import FPDF

from etalage.core.pdf import pdf_bold, pdf_document, pdf_font, pdf_money, pdf_number
from etalage.ledger.models import CommissionInvoice, SubOrderBook, to_decimal
from etalage.ledger.selectors import (
    commission_of_month,
    merchant_statement,
    month_bounds,
    statement_totals,
)
from etalage.merchants.models import Merchant
from etalage.money import Money

# Words printed inside formatted lines (marked here: gettext cannot read f-strings).
T_VAT = gettext_lazy("VAT")


class MonthNotOver(ValueError):
    """An invoice is issued once its month is over."""


def commission_invoice(merchant: Merchant, month: date) -> CommissionInvoice | None:
    """The month's commission invoice, issued the first time it is asked for once
    the month is over; None when nothing was charged that month."""
    month = month.replace(day=1)
    if month_bounds(month)[1] > timezone.now():
        raise MonthNotOver(_("The month is not over yet."))
    existing = CommissionInvoice.objects.filter(merchant=merchant, month=month).first()
    if existing is not None:
        return existing
    charged = commission_of_month(merchant, month)
    if not (charged["commission"] or charged["vat"]):
        return None
    today = timezone.localtime().date()
    for _attempt in range(5):  # two issued at once: the second takes the next number
        try:
            with transaction.atomic():
                last = CommissionInvoice.objects.filter(year=today.year).aggregate(
                    n=Max("sequence")
                )["n"]
                return CommissionInvoice.objects.create(
                    year=today.year,
                    sequence=(last or 0) + 1,
                    merchant=merchant,
                    month=month,
                    issued_on=today,
                    goods_minor=charged["goods"],
                    commission_minor=charged["commission"],
                    vat_minor=charged["vat"],
                    vat_percent=settings.ETALAGE_COMMISSION_VAT_PERCENT,
                )
        except IntegrityError:
            existing = CommissionInvoice.objects.filter(
                merchant=merchant, month=month
            ).first()
            if existing is not None:
                return existing
    raise RuntimeError("could not number the invoice")


COLUMNS = [
    "paid_on",
    "sub_order",
    "goods_eur",
    "refunded_eur",
    "commission_eur",
    "commission_vat_eur",
    "net_eur",
    "available_from",
]


def _row(book: SubOrderBook) -> list[str]:
    return [
        f"{timezone.localtime(book.paid_at):%Y-%m-%d}",
        book.sub_order.number,
        *(
            f"{to_decimal(v)}"
            for v in (
                book.goods_eur,
                book.refunded_goods_eur,
                book.commission_eur,
                book.commission_vat_eur,
                book.net_eur,
            )
        ),
        f"{timezone.localtime(book.available_at):%Y-%m-%d}"
        if book.available_at
        else "",
    ]


def statement_csv(merchant: Merchant, month: date) -> str:
    """The month's statement lines as CSV (amounts in EUR, a dot for decimals)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    books = merchant_statement(merchant, month)
    for book in books:
        writer.writerow(_row(book))
    totals = statement_totals(books)
    writer.writerow(
        [
            "total",
            "",
            totals["goods"],
            totals["refunded"],
            totals["commission"],
            totals["vat"],
            totals["net"],
            "",
        ]
    )
    return out.getvalue()


def statement_pdf(merchant: Merchant, month: date, language: str = "") -> bytes:
    """The month's statement and, once the month is over, its commission invoice
    (or credit note), as one PDF, its words and figures in ``language`` (the
    reader's: the language in use by default)."""
    language = language or get_language() or merchant.language
    with translation.override(language):  # its words too, whoever asks for it
        return _statement_pdf(merchant, month, language)


def _statement_pdf(merchant: Merchant, month: date, language: str) -> bytes:
    month = month.replace(day=1)
    pdf = pdf_document(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    operator = settings.ETALAGE_OPERATOR
    pdf_font(pdf, 14)
    with pdf_bold(pdf):
        pdf.cell(
            0,
            8,
            _("Statement %(month)s") % {"month": f"{month:%Y-%m}"},
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf_font(pdf, 9)
    if settings.ETALAGE_BANK_SANDBOX:
        pdf.set_text_color(180, 0, 0)
        pdf.cell(
            0,
            5,
            _("Demo data (sandbox): not a real statement or invoice."),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(0, 0, 0)
    pdf.multi_cell(0, 5, _address(merchant), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _table(pdf, merchant_statement(merchant, month), language)
    if month_bounds(month)[1] <= timezone.now():
        invoice = commission_invoice(merchant, month)
        if invoice is not None:
            _invoice(pdf, invoice, merchant, operator, language)
    return bytes(pdf.output())


def _eur(amount: int | Decimal, language: str) -> str:
    """Cents (the ledger's) or an amount of euros, as the reader writes money."""
    money = (
        Money(amount, "EUR")
        if isinstance(amount, Decimal)
        else Money.from_minor_units(amount, "EUR")
    )
    return pdf_money(money, language)


def _table(pdf: FPDF, books: QuerySet[SubOrderBook], language: str) -> None:
    """One line per parcel, and the totals."""
    widths = (20, 46, 21, 21, 21, 19, 22, 20)
    heads = (
        _("Paid"),
        _("Parcel"),
        _("Goods (EUR)"),
        _("Refunded"),
        _("Commission"),
        _("VAT"),
        _("Net"),
        _("Available"),
    )
    pdf_font(pdf, 8)
    with pdf_bold(pdf):
        for n, (width, head) in enumerate(zip(widths, heads, strict=True)):
            pdf.cell(width, 6, head, border="B", align="R" if 2 <= n <= 6 else "L")
    pdf.ln()
    for book in books:
        paid_on, number, *_amounts, available = _row(book)
        amounts = (
            book.goods_eur,
            book.refunded_goods_eur,
            book.commission_eur,
            book.commission_vat_eur,
            book.net_eur,
        )
        values = (paid_on, number, *(_eur(a, language) for a in amounts), available)
        for n, (width, value) in enumerate(zip(widths, values, strict=True)):
            pdf.cell(width, 5, value, align="R" if 2 <= n <= 6 else "L")
        pdf.ln()
    totals = statement_totals(books)
    with pdf_bold(pdf):
        pdf.cell(widths[0] + widths[1], 6, _("Total"), border="T")
        for width, key in zip(
            widths[2:7], ("goods", "refunded", "commission", "vat", "net"), strict=True
        ):
            pdf.cell(width, 6, _eur(totals[key], language), border="T", align="R")
        pdf.cell(widths[7], 6, "", border="T")
    pdf.ln(10)


def _address(merchant: Merchant, vat: str = "") -> str:
    """The merchant's name, address and VAT number, a line each (none empty)."""
    lines = [merchant.legal_name, merchant.street,
             f"{merchant.postal_code} {merchant.city}".strip(),
             f"{vat} {merchant.vat_number}".strip()]  # fmt: skip
    return "\n".join(line for line in lines if line)


def _invoice(
    pdf: FPDF,
    invoice: CommissionInvoice,
    merchant: Merchant,
    operator: dict[str, str],
    language: str,
) -> None:
    title = _("Credit note") if invoice.credit_note else _("Invoice")
    pdf_font(pdf, 12)
    with pdf_bold(pdf):
        pdf.cell(0, 7, f"{title} {invoice.number}", new_x="LMARGIN", new_y="NEXT")
    pdf_font(pdf, 9)
    seller = (
        f"{operator['name']}\n{operator['street_name']} {operator['building_number']}\n"
        f"{operator['postcode']} {operator['town']} ({operator['country']})\n"
        f"{T_VAT} {operator['vat_number']}"
    )
    buyer = _address(merchant, vat=_("VAT"))
    top = pdf.get_y()
    pdf.multi_cell(90, 5, seller)
    pdf.set_xy(110, top)
    pdf.multi_cell(90, 5, buyer, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    start, end = month_bounds(invoice.month)
    last = end.date().toordinal() - 1
    lines = [
        (_("Issued on"), f"{invoice.issued_on:%Y-%m-%d}"),
        (_("Service"), _("Marketplace commission on goods sold and delivered")),
        (_("Period"), f"{start:%Y-%m-%d} - {date.fromordinal(last):%Y-%m-%d}"),
        (_("Goods the commission is on"), _eur(invoice.goods_minor, language)),
        (_("Commission (taxable amount)"), _eur(invoice.commission_minor, language)),
        (
            _("VAT %(rate)s %%")
            % {"rate": pdf_number(invoice.vat_percent.normalize(), language)},
            _eur(invoice.vat_minor, language),
        ),
        (
            _("Total"),
            _eur(invoice.commission_minor + invoice.vat_minor, language),
        ),
        (_("Settlement"), _("Deducted from your payouts; nothing to pay.")),
    ]
    for label, value in lines:
        pdf.cell(72, 5, label)
        pdf.cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
