"""The import file's columns and the values that pass between reading, checking and
writing."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from etalage.catalog.models import Category
from etalage.core.languages import LANGUAGE_CODES

MAX_ROWS = 50_000
# Unpacked, a ZIP of pictures and its table, or an XLSX's own XML.
MAX_ZIP_BYTES = 100 * 1024 * 1024
TEXT_FIELDS = ("name", "description", "ingredients")
PRODUCT_COLUMNS = (
    "product_ref",
    "category",
    "brand",
    "hs_code",
    "origin_country",
    "tax_class",
    *(f"{f}_{lang}" for f in TEXT_FIELDS for lang in LANGUAGE_CODES),
)
VARIANT_COLUMNS = (
    "sku",
    "gtin",
    "price_eur",
    "weight",
    "net_content",
    "stock",
    "image",
)
# Headers of earlier versions of the format, read as their new names: net content
# was one weight per product before each variant had its own, with its unit.
RENAMED_COLUMNS = {"net_weight": "net_content"}
COLUMNS = (*PRODUCT_COLUMNS, *VARIANT_COLUMNS)
# Required on every row, and on the first row of each product (later rows of the
# same product_ref may leave the product's columns empty).
REQUIRED = ("sku", "product_ref", "price_eur", "weight", "net_content")
REQUIRED_FOR_PRODUCT = ("category", "brand", "hs_code", "tax_class")
ATTRIBUTE_PREFIX = "attr_"
_WEIGHT = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(g|kg)?\s*$", re.IGNORECASE)


# Told how far an import got: (status, percent).
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str
    message: str


class ImportRefused(Exception):
    """The file cannot be imported; ``problems`` says every reason."""

    def __init__(self, problems: list[ImportProblem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class ImportSummary:
    products_created: int = 0
    products_updated: int = 0
    products_unchanged: int = 0
    variants_created: int = 0
    variants_updated: int = 0
    variants_unchanged: int = 0
    images_added: int = 0
    # Live listings whose names, HS code, tax class, origin, category or net
    # content the file changes: those changes wait for the operator's review.
    changes_in_review: int = 0


@dataclass
class VariantDraft:
    row: int
    sku: str
    gtin: str
    price_eur: Decimal
    weight_grams: int
    net_content: int
    net_unit: str
    attributes: dict[str, object]
    images: list[str]
    stock: int | None = None  # units counted in the merchant's own warehouse


@dataclass
class ProductDraft:
    row: int
    ref: str
    category: Category
    brand: str
    hs_code: str
    origin_country: str
    tax_class: str
    texts: dict[str, dict[str, str]]
    variants: list[VariantDraft] = field(default_factory=list)


@dataclass
class Table:
    """A file's header, then its rows as a stream (each read once, so that a large
    file is never held whole as cells), and the pictures that came with it."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number in the file, cells)
    images: Mapping[str, bytes]
    rows_expected: int = 0  # for the progress bar: an estimate, 0 when unknown
