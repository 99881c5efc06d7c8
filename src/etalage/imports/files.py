"""The files a merchant downloads: the template, the example and the error report."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from etalage.imports.format import COLUMNS, ImportProblem


def problems_csv(problems: list[ImportProblem]) -> bytes:
    """The error report, as a CSV the merchant can open next to its file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("row"), _("column"), _("problem")])
    for p in problems:
        writer.writerow([p.row, _inert(p.column), _inert(p.message)])
    return buffer.getvalue().encode("utf-8-sig")


def _inert(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (a message may
    quote the merchant's own cell, say "=HYPERLINK(…)")."""
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


EXAMPLE_ROWS = [
    {
        "product_ref": "PRAL-250",
        "category": "pralines",
        "brand": "Maison Exemple",
        "hs_code": "1806.90.00.00",
        "origin_country": "BE",
        "tax_class": "ordinary-13",
        "net_content": "250 g",
        "name_zh-hans": "果仁糖礼盒",
        "name_fr": "Ballotin de pralines",
        "name_nl": "Ballotin pralines",
        "name_en": "Praline ballotin",
        "description_fr": "Pralines belges garnies à la main.",
        "description_en": "Hand-filled Belgian pralines.",
        "ingredients_en": "Cocoa mass, sugar, cocoa butter, hazelnuts.",
        "sku": "PRAL-250-DARK",
        "gtin": "5400000000003",
        "price_eur": "24.50",
        "weight": "0.35 kg",
        "stock": "40",
        "attr_flavour": "Dark",
    },
    {
        "product_ref": "PRAL-250",
        "sku": "PRAL-250-MILK",
        "gtin": "5400000000010",
        "price_eur": "23,90",
        "weight": "350 g",
        "net_content": "250 g",
        "attr_flavour": "Milk",
    },
]


def import_template_csv(example: bool = False) -> bytes:
    """The column set, empty (``example=False``) or with two example rows."""
    columns = [*COLUMNS, "attr_flavour"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    if example:
        for row in EXAMPLE_ROWS:
            writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")
