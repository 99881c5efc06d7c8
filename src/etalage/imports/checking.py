"""Check every cell of an import file and turn its rows into product drafts."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from etalage.catalog.models import Category, Variant
from etalage.catalog.validators import normalize_country, normalize_gtin
from etalage.core.languages import LANGUAGE_CODES
from etalage.core.text import text_refusal
from etalage.customs.caps import parse_quantity
from etalage.customs.hs_codes import normalize_hs_code
from etalage.customs.selectors import net_unit_problem, yearly_caps
from etalage.customs.tax_classes import TaxClass
from etalage.imports.format import (
    _SKU,
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
from etalage.money import Money


class _Categories:
    def __init__(self) -> None:
        self.by_key: dict[str, Category] = {}
        for category in Category.objects.prefetch_related("translations"):
            self.by_key[category.slug.lower()] = category
            for translation in category.translations.all():
                self.by_key.setdefault(translation.name.strip().lower(), category)

    def get(self, value: str) -> Category | None:
        return self.by_key.get(value.strip().lower())


# Cells that may hold line breaks; every other cell is one line.
_MULTILINE_COLUMNS = frozenset(
    f"{name}_{language}"
    for name in TEXT_FIELDS
    if name != "name"
    for language in LANGUAGE_CODES
)
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


def _weight_grams(value: str) -> int:
    match = _WEIGHT.match(value or "")
    if not match:
        raise ValueError(_("write a weight such as 250 g or 0.25 kg"))
    amount = Decimal(match.group(1).replace(",", "."))
    grams = amount * 1000 if (match.group(2) or "g").lower() == "kg" else amount
    if grams <= 0 or grams != grams.to_integral_value():
        raise ValueError(_("the weight must be a positive whole number of grams"))
    return int(grams)


def _net_content(value: str) -> tuple[int, str]:
    """ "330 ml", "33 cl", "250 g", "0.25 kg", "10 pieces" (a bare number: grams)."""
    text = value.strip()
    quantity = parse_quantity(f"{text} g" if _NUMBER.match(text) else text)
    if quantity is None:
        raise ValueError(_("write a net content such as 330 ml, 250 g or 10 pieces"))
    amount, unit = quantity
    if amount <= 0 or amount != amount.to_integral_value() or amount > 10_000_000:
        raise ValueError(
            _("the net content is a whole number of g, ml or pieces above 0")
        )
    return int(amount), unit.value


def _price(value: str) -> Decimal:
    text = (value or "").strip().replace(",", ".")
    try:
        price = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("%(value)s is not a price") % {"value": value}) from None
    if not price.is_finite() or price <= 0:
        raise ValueError(_("the price must be more than 0"))
    if not Money(price, "EUR").is_rounded():
        raise ValueError(_("a price has at most 2 decimals"))
    if price >= Decimal("1000000"):
        raise ValueError(_("the price must be below 1,000,000 EUR"))
    return price


def check_rows(
    table: Table, merchant: Merchant, progress: Progress | None = None
) -> list[ProductDraft]:
    problems: list[ImportProblem] = []

    refused_cells: set[tuple[int, str]] = set()  # one reason a cell is enough

    def problem(row: int, column: str, message: str) -> None:
        if (row, column) not in refused_cells:
            problems.append(ImportProblem(row, column, message))

    header = [RENAMED_COLUMNS.get(column, column) for column in table.header]
    known = set(COLUMNS)
    for column in header:
        if column and column not in known and not column.startswith(ATTRIBUTE_PREFIX):
            problem(1, column, _("unknown column"))
    for column in (*REQUIRED, *REQUIRED_FOR_PRODUCT):
        if column not in header:
            problem(1, column, _("required column missing"))
    if problems:
        raise ImportRefused(problems)

    categories = _Categories()
    caps = yearly_caps()  # once for the file, not once a row
    products: dict[str, ProductDraft] = {}
    product_rows: dict[str, dict[str, str]] = {}
    sku_rows: dict[str, int] = {}
    attribute_columns = [c for c in header if c.startswith(ATTRIBUTE_PREFIX)]

    total = table.rows_expected or MAX_ROWS
    for index, (number, cells) in enumerate(table.rows):
        if progress is not None and index % 500 == 0:
            progress("checking", 5 + 80 * min(index, total) // total)
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problem(number, "", _("more cells than the header has columns"))
            continue
        row = {
            col: (cells[i].strip() if i < len(cells) else "")
            for i, col in enumerate(header)
        }
        errors_before = len(problems)
        for column, value in row.items():
            refusal = text_refusal(value, multiline=column in _MULTILINE_COLUMNS)
            if refusal is not None:
                problem(number, column, refusal.messages[0])
                refused_cells.add((number, column))

        first_of_product = row.get("product_ref", "") not in product_rows
        for column in (*REQUIRED, *(REQUIRED_FOR_PRODUCT if first_of_product else ())):
            if not row.get(column):
                problem(number, column, _("required"))
        sku = row.get("sku", "")
        if sku and not _SKU.match(sku):
            problem(number, "sku", _("letters, digits and . _ / - only, at most 64"))
        elif sku in sku_rows:
            problem(number, "sku", _("also on row %(row)d") % {"row": sku_rows[sku]})
        elif sku:
            sku_rows[sku] = number

        category = (
            categories.get(row.get("category", "")) if row.get("category") else None
        )
        if row.get("category") and category is None:
            problem(
                number,
                "category",
                _("unknown category %(value)s") % {"value": row["category"]},
            )
        hs_code = ""
        if row.get("hs_code"):
            try:
                hs_code = normalize_hs_code(row["hs_code"])
            except ValidationError as error:
                problem(number, "hs_code", error.messages[0])
        try:
            country = normalize_country(row.get("origin_country") or "BE")
        except ValidationError:
            country = "BE"
            problem(number, "origin_country", _("not an ISO 3166 country code"))
        if row.get("tax_class") and row["tax_class"] not in TaxClass.values:
            problem(
                number,
                "tax_class",
                _("one of %(values)s") % {"values": ", ".join(TaxClass.values)},
            )
        weight, net = 0, (0, "g")
        if row.get("weight"):
            try:
                weight = _weight_grams(row["weight"])
            except ValueError as error:
                problem(number, "weight", str(error))
        if row.get("net_content"):
            try:
                net = _net_content(row["net_content"])
            except ValueError as error:
                problem(number, "net_content", str(error))
            else:
                earlier = products.get(row.get("product_ref", ""))
                code = hs_code or (earlier.hs_code if earlier else "")
                unit_problem = net_unit_problem(
                    hs_code=code, net_unit=net[1], caps=caps
                )
                if unit_problem:
                    problem(number, "net_content", unit_problem)
        price = Decimal(0)
        if row.get("price_eur"):
            try:
                price = _price(row["price_eur"])
            except ValueError as error:
                problem(number, "price_eur", str(error))
        gtin = ""
        if row.get("gtin"):
            try:
                gtin = normalize_gtin(row["gtin"])
            except ValidationError as error:
                problem(number, "gtin", error.messages[0])
        stock = None
        if row.get("stock"):
            if not row["stock"].isdigit() or int(row["stock"]) > 10_000_000:
                problem(number, "stock", _("a whole number of units, 0 or more"))
            else:
                stock = int(row["stock"])
        images = [
            name.strip() for name in row.get("image", "").split("|") if name.strip()
        ]
        for name in images:
            if name not in table.images:
                problem(
                    number,
                    "image",
                    _("%(name)s is not in the ZIP archive") % {"name": name}
                    if table.images
                    else _("images come in a ZIP archive with the file"),
                )

        ref = row.get("product_ref", "")
        product_values = {c: row.get(c, "") for c in PRODUCT_COLUMNS}
        first = product_rows.get(ref)
        if first is not None:
            for column, value in product_values.items():
                if value != first[column] and value:
                    problem(
                        number,
                        column,
                        _("differs from row %(row)s of the same product_ref")
                        % {"row": first["_row"]},
                    )
        elif ref:
            if not any(row.get(f"name_{lang}") for lang in LANGUAGE_CODES):
                problem(number, "name_en", _("a product needs a name in one language"))
            product_rows[ref] = {**product_values, "_row": str(number)}

        if len(problems) > errors_before or not ref:
            continue
        if ref not in products:
            if category is None:  # its first row was refused, so is the file
                continue
            products[ref] = ProductDraft(
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
        products[ref].variants.append(
            VariantDraft(
                row=number,
                sku=sku,
                gtin=gtin,
                price_eur=price,
                weight_grams=weight,
                net_content=net[0],
                net_unit=net[1],
                attributes={
                    column[len(ATTRIBUTE_PREFIX) :]: row[column]
                    for column in attribute_columns
                    if row.get(column)
                },
                images=images,
                stock=stock,
            )
        )

    if not sku_rows and not problems:
        problem(2, "", _("the file has no product rows"))
    # A SKU already used by another of the merchant's products cannot move.
    owners = dict(
        Variant.objects.filter(merchant=merchant, sku__in=list(sku_rows)).values_list(
            "sku", "product__merchant_ref"
        )
    )
    for draft in products.values():
        for variant in draft.variants:
            owner = owners.get(variant.sku)
            if owner is not None and owner != draft.ref:
                problem(
                    variant.row,
                    "sku",
                    _("already the SKU of your product %(ref)s")
                    % {"ref": owner or "?"},
                )
    if problems:
        raise ImportRefused(sorted(problems, key=lambda p: (p.row, p.column)))
    return list(products.values())
