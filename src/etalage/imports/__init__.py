"""Import a merchant's catalogue from a spreadsheet: all of it, or nothing.

One row per variant. Rows that share a ``product_ref`` are the variants of one
product; a product is found again by that reference and a variant by its SKU, so a
file imported twice changes nothing the second time, and a changed file updates
what changed and leaves the rest alone. Every cell is checked before anything is
written; when any is wrong the merchant gets every error, by row, column and reason,
and nothing is imported. The columns are documented in docs/merchants.md and in
``COLUMNS`` below; ``import_template_csv`` and ``import_example_csv`` give the files.
"""

from etalage.imports.files import import_template_csv, problems_csv
from etalage.imports.format import (
    COLUMNS,
    ImportProblem,
    ImportRefused,
    ImportSummary,
)
from etalage.imports.writing import (
    product_import,
    product_import_enqueue,
    product_import_run,
    product_import_run_queued,
)

__all__ = [
    "COLUMNS",
    "ImportProblem",
    "ImportRefused",
    "ImportSummary",
    "import_template_csv",
    "problems_csv",
    "product_import",
    "product_import_enqueue",
    "product_import_run",
    "product_import_run_queued",
]
