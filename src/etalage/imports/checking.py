"""Check every cell of an import file and turn its rows into product drafts.

A cell is read as text (a weight as "250 g" or "0.25 kg", a price with a decimal
comma), then judged by the catalogue's own rules (``catalog.variant_rules`` for
SKUs, prices, weights and net contents; ``catalog.validators`` for GTINs and
countries; ``customs`` for HS codes, tax classes and net units), so a value the
portal or the API refuses is refused here in the same words. One method of
``_FileCheck`` per rule; each records its problems by row and column, one reason
a cell, and the file is refused with all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from etalage.catalog.models import Category, Variant
from etalage.catalog.validators import (
    normalize_country,
    normalize_gtin,
    refusal_message,
)
from etalage.catalog.variant_rules import (
    Refusal,
    net_content_refusal,
    price_refusal,
    sku_refusal,
    weight_refusal,
)
from etalage.core.languages import LANGUAGE_CODES
from etalage.core.text import text_refusal
from etalage.customs.caps import Cap, parse_quantity
from etalage.customs.hs_codes import normalize_hs_code
from etalage.customs.selectors import net_unit_problem, yearly_caps
from etalage.customs.tax_classes import TaxClass
from etalage.imports.format import (
    _WEIGHT,
    ATTRIBUTE_PREFIX,
    COLUMNS,
    MAX_ROWS,
    PRODUCT_COLUMNS,
    RENAMED_COLUMNS,
    REQUIRED,
    REQUIRED_FOR_PRODUCT,
    TEXT_FIELDS,
    ImportProblem,
    ImportRefused,
    ProductDraft,
    Progress,
    Table,
    VariantDraft,
)
from etalage.merchants.models import Merchant

# Cells that may hold line breaks; every other cell is one line.
_MULTILINE_COLUMNS = frozenset(
    f"{name}_{language}"
    for name in TEXT_FIELDS
    if name != "name"
    for language in LANGUAGE_CODES
)
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")
_MAX_STOCK = 10_000_000

Row = dict[str, str]


class _Unreadable(ValueError):
    """A cell that does not read as what its column holds (the message says how
    to write it)."""


class _Categories:
    def __init__(self) -> None:
        self.by_key: dict[str, Category] = {}
        for category in Category.objects.prefetch_related("translations"):
            self.by_key[category.slug.lower()] = category
            for translation in category.translations.all():
                self.by_key.setdefault(translation.name.strip().lower(), category)

    def get(self, value: str) -> Category | None:
        return self.by_key.get(value.strip().lower())


def _grams(value: str) -> Decimal:
    """ "250 g", "250", "0.25 kg" as grams (perhaps not whole: the rule says)."""
    match = _WEIGHT.match(value or "")
    if not match:
        raise _Unreadable(_("write a weight such as 250 g or 0.25 kg"))
    amount = Decimal(match.group(1).replace(",", "."))
    return amount * 1000 if (match.group(2) or "g").lower() == "kg" else amount


def _quantity(value: str) -> tuple[Decimal, str]:
    """ "330 ml", "33 cl", "250 g", "0.25 kg", "10 pieces" (a bare number: grams)."""
    text = value.strip()
    quantity = parse_quantity(f"{text} g" if _NUMBER.match(text) else text)
    if quantity is None:
        raise _Unreadable(_("write a net content such as 330 ml, 250 g or 10 pieces"))
    amount, unit = quantity
    return amount, unit.value


def _decimal(value: str) -> Decimal:
    """A price as written, with a decimal point or comma."""
    try:
        return Decimal((value or "").strip().replace(",", "."))
    except InvalidOperation:
        raise _Unreadable(_("%(value)s is not a price") % {"value": value}) from None


def _whole(amount: Decimal) -> int:
    """``amount`` as an int when it is a whole number, else 0: a number of grams,
    millilitres or pieces that is not whole is refused as 0 is, by the rule that
    says they are whole numbers from 1."""
    if amount.is_finite() and amount == amount.to_integral_value():
        return int(amount)
    return 0


@dataclass
class _FileCheck:
    """The state of one file's check: its problems and what its rows made."""

    table: Table
    header: list[str]
    categories: _Categories = field(default_factory=_Categories)
    # The positive list's caps, read once for the file, not once a row.
    caps: dict[str, tuple[Cap, str]] = field(default_factory=yearly_caps)
    problems: list[ImportProblem] = field(default_factory=list)
    refused_cells: set[tuple[int, str]] = field(default_factory=set)
    products: dict[str, ProductDraft] = field(default_factory=dict)
    product_rows: dict[str, Row] = field(default_factory=dict)
    sku_rows: dict[str, int] = field(default_factory=dict)

    def problem(self, row: int, column: str, message: str) -> None:
        if (row, column) not in self.refused_cells:  # one reason a cell is enough
            self.problems.append(ImportProblem(row, column, message))

    def refuse(self, row: int, column: str, refusal: Refusal | None) -> bool:
        """Record a rule's refusal on ``column``; True when there was one."""
        if refusal is not None:
            self.problem(row, column, refusal_message(refusal))
        return refusal is not None

    # Rules, in the order of the row's columns ---------------------------------

    def texts(self, number: int, row: Row) -> None:
        for column, value in row.items():
            refusal = text_refusal(value, multiline=column in _MULTILINE_COLUMNS)
            if refusal is not None:
                self.problem(number, column, refusal.messages[0])
                self.refused_cells.add((number, column))

    def required(self, number: int, row: Row) -> None:
        first_of_product = row.get("product_ref", "") not in self.product_rows
        for column in (*REQUIRED, *(REQUIRED_FOR_PRODUCT if first_of_product else ())):
            if not row.get(column):
                self.problem(number, column, _("required"))

    def sku(self, number: int, row: Row) -> str:
        sku = row.get("sku", "")
        if not sku or self.refuse(number, "sku", sku_refusal(sku)):
            return sku
        if sku in self.sku_rows:
            earlier = {"row": self.sku_rows[sku]}
            self.problem(number, "sku", _("also on row %(row)d") % earlier)
        else:
            self.sku_rows[sku] = number
        return sku

    def category(self, number: int, row: Row) -> Category | None:
        if not row.get("category"):
            return None
        category = self.categories.get(row["category"])
        if category is None:
            unknown = {"value": row["category"]}
            self.problem(number, "category", _("unknown category %(value)s") % unknown)
        return category

    def hs_code(self, number: int, row: Row) -> str:
        if not row.get("hs_code"):
            return ""
        try:
            return normalize_hs_code(row["hs_code"])
        except ValidationError as error:
            self.problem(number, "hs_code", error.messages[0])
            return ""

    def origin_country(self, number: int, row: Row) -> str:
        try:
            return normalize_country(row.get("origin_country") or "BE")
        except ValidationError:
            self.problem(number, "origin_country", _("not an ISO 3166 country code"))
            return "BE"

    def tax_class(self, number: int, row: Row) -> None:
        if row.get("tax_class") and row["tax_class"] not in TaxClass.values:
            values = {"values": ", ".join(TaxClass.values)}
            self.problem(number, "tax_class", _("one of %(values)s") % values)

    def weight(self, number: int, row: Row) -> int:
        if not row.get("weight"):
            return 0
        try:
            grams = _whole(_grams(row["weight"]))
        except _Unreadable as error:
            self.problem(number, "weight", str(error))
            return 0
        if self.refuse(number, "weight", weight_refusal(grams)):
            return 0
        return grams

    def net_content(self, number: int, row: Row, hs_code: str) -> tuple[int, str]:
        if not row.get("net_content"):
            return 0, "g"
        try:
            amount, unit = _quantity(row["net_content"])
        except _Unreadable as error:
            self.problem(number, "net_content", str(error))
            return 0, "g"
        content = _whole(amount)
        if self.refuse(number, "net_content", net_content_refusal(content)):
            return 0, "g"
        earlier = self.products.get(row.get("product_ref", ""))
        code = hs_code or (earlier.hs_code if earlier else "")
        unit_problem = net_unit_problem(hs_code=code, net_unit=unit, caps=self.caps)
        if unit_problem:
            self.problem(number, "net_content", unit_problem)
        return content, unit

    def price(self, number: int, row: Row) -> Decimal:
        if not row.get("price_eur"):
            return Decimal(0)
        try:
            price = _decimal(row["price_eur"])
        except _Unreadable as error:
            self.problem(number, "price_eur", str(error))
            return Decimal(0)
        if self.refuse(number, "price_eur", price_refusal(price)):
            return Decimal(0)
        return price

    def gtin(self, number: int, row: Row) -> str:
        if not row.get("gtin"):
            return ""
        try:
            return normalize_gtin(row["gtin"])
        except ValidationError as error:
            self.problem(number, "gtin", error.messages[0])
            return ""

    def stock(self, number: int, row: Row) -> int | None:
        if not row.get("stock"):
            return None
        if not row["stock"].isdigit() or int(row["stock"]) > _MAX_STOCK:
            self.problem(number, "stock", _("a whole number of units, 0 or more"))
            return None
        return int(row["stock"])

    def images(self, number: int, row: Row) -> list[str]:
        names = [n.strip() for n in row.get("image", "").split("|") if n.strip()]
        for name in names:
            if name not in self.table.images:
                self.problem(
                    number,
                    "image",
                    _("%(name)s is not in the ZIP archive") % {"name": name}
                    if self.table.images
                    else _("images come in a ZIP archive with the file"),
                )
        return names

    def same_product(self, number: int, row: Row) -> None:
        """The product's columns agree on every row of its ``product_ref``, and
        its first row names it in one language at least."""
        ref = row.get("product_ref", "")
        values = {c: row.get(c, "") for c in PRODUCT_COLUMNS}
        first = self.product_rows.get(ref)
        if first is not None:
            for column, value in values.items():
                if value != first[column] and value:
                    self.problem(
                        number,
                        column,
                        _("differs from row %(row)s of the same product_ref")
                        % {"row": first["_row"]},
                    )
        elif ref:
            if not any(row.get(f"name_{lang}") for lang in LANGUAGE_CODES):
                self.problem(
                    number, "name_en", _("a product needs a name in one language")
                )
            self.product_rows[ref] = {**values, "_row": str(number)}

    def skus_stay(self, merchant: Merchant) -> None:
        """A SKU already used by another of the merchant's products cannot move."""
        owners = dict(
            Variant.objects.filter(
                merchant=merchant, sku__in=list(self.sku_rows)
            ).values_list("sku", "product__merchant_ref")
        )
        for draft in self.products.values():
            for variant in draft.variants:
                owner = owners.get(variant.sku)
                if owner is not None and owner != draft.ref:
                    self.problem(
                        variant.row,
                        "sku",
                        _("already the SKU of your product %(ref)s")
                        % {"ref": owner or "?"},
                    )

    # A row, then the file -------------------------------------------------------

    def row(self, number: int, row: Row) -> None:
        """Check a row by every rule; add its variant to its product's draft when
        the row has no problem."""
        errors_before = len(self.problems)
        self.texts(number, row)
        self.required(number, row)
        sku = self.sku(number, row)
        category = self.category(number, row)
        hs_code = self.hs_code(number, row)
        country = self.origin_country(number, row)
        self.tax_class(number, row)
        weight = self.weight(number, row)
        net_content, net_unit = self.net_content(number, row, hs_code)
        price = self.price(number, row)
        gtin = self.gtin(number, row)
        stock = self.stock(number, row)
        images = self.images(number, row)
        self.same_product(number, row)
        ref = row.get("product_ref", "")
        if len(self.problems) > errors_before or not ref:
            return
        if ref not in self.products:
            if category is None:  # its first row was refused, so is the file
                return
            self.products[ref] = ProductDraft(
                row=number,
                ref=ref,
                category=category,
                brand=row["brand"],
                hs_code=hs_code,
                origin_country=country,
                tax_class=row["tax_class"],
                texts={
                    lang: {f: row.get(f"{f}_{lang}", "") for f in TEXT_FIELDS}
                    for lang in LANGUAGE_CODES
                    if any(row.get(f"{f}_{lang}") for f in TEXT_FIELDS)
                },
            )
        self.products[ref].variants.append(
            VariantDraft(
                row=number,
                sku=sku,
                gtin=gtin,
                price_eur=price,
                weight_grams=weight,
                net_content=net_content,
                net_unit=net_unit,
                attributes={
                    column[len(ATTRIBUTE_PREFIX) :]: value
                    for column, value in row.items()
                    if column.startswith(ATTRIBUTE_PREFIX) and value
                },
                images=images,
                stock=stock,
            )
        )


def _header(table: Table) -> list[str]:
    """The file's columns by their current names; refuse an unknown or a missing
    one before reading any row."""
    header = [RENAMED_COLUMNS.get(column, column) for column in table.header]
    problems = [
        ImportProblem(1, column, _("unknown column"))
        for column in header
        if column and column not in COLUMNS and not column.startswith(ATTRIBUTE_PREFIX)
    ]
    problems += [
        ImportProblem(1, column, _("required column missing"))
        for column in (*REQUIRED, *REQUIRED_FOR_PRODUCT)
        if column not in header
    ]
    if problems:
        raise ImportRefused(problems)
    return header


def _rows(check: _FileCheck, progress: Progress | None) -> Iterable[tuple[int, Row]]:
    """The file's rows as {column: cell}, blank rows left out, a row with more
    cells than the header refused."""
    header = check.header
    total = check.table.rows_expected or MAX_ROWS
    for index, (number, cells) in enumerate(check.table.rows):
        if progress is not None and index % 500 == 0:
            progress("checking", 5 + 80 * min(index, total) // total)
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            check.problem(number, "", _("more cells than the header has columns"))
            continue
        yield (
            number,
            {
                col: (cells[i].strip() if i < len(cells) else "")
                for i, col in enumerate(header)
            },
        )


def check_rows(
    table: Table, merchant: Merchant, progress: Progress | None = None
) -> list[ProductDraft]:
    """Check the whole file; return its products' drafts, or raise ImportRefused
    with every problem, by row and column."""
    check = _FileCheck(table=table, header=_header(table))
    for number, row in _rows(check, progress):
        check.row(number, row)
    if not check.sku_rows and not check.problems:
        check.problem(2, "", _("the file has no product rows"))
    check.skus_stay(merchant)
    if check.problems:
        problems = sorted(check.problems, key=lambda p: (p.row, p.column))
        raise ImportRefused(problems)
    return list(check.products.values())
