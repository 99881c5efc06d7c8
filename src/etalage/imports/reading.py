"""Read the table of an import file: CSV (comma or semicolon), XLSX, or a ZIP of one
of them with the product images."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import PurePosixPath

from django.utils.translation import gettext as _

from etalage.imports.format import (
    MAX_ROWS,
    MAX_ZIP_BYTES,
    ImportProblem,
    ImportRefused,
    Table,
)


def read_table(file_name: str, data: bytes) -> Table:
    """Read a CSV, an XLSX or a ZIP holding one of them and the product images."""
    if data[:4] == b"PK\x03\x04" and not _is_xlsx(data):
        return _read_zip(data)
    if file_name.lower().endswith(".xlsx") or _is_xlsx(data):
        return _read_xlsx(data)
    return _read_csv(data)


def _is_xlsx(data: bytes) -> bool:
    if data[:4] != b"PK\x03\x04":
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _refuse(message: str, row: int = 0, column: str = "") -> ImportRefused:
    return ImportRefused([ImportProblem(row, column, message)])


def _read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        raise _refuse(
            _("The file is not UTF-8 text; save it as CSV UTF-8."), row
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    lines = _at_most(reader)
    if not lines:
        raise _refuse(_("The file is empty."))
    rows = [(number, cells) for number, cells in enumerate(lines[1:], start=2)]
    return Table([c.strip().lower() for c in lines[0]], rows, {})


def _at_most(rows: Iterable[Sequence[object]]) -> list[list[str]]:
    """The header and up to ``MAX_ROWS`` rows, read as a stream: a file with more
    is refused as soon as the row after the limit is read, not after all of it."""
    lines: list[list[str]] = []
    for row in rows:
        if len(lines) > MAX_ROWS:
            raise _refuse(_("A file has at most %(n)d rows.") % {"n": MAX_ROWS})
        lines.append(["" if cell is None else _cell_text(cell) for cell in row])
    return lines


def _read_xlsx(data: bytes) -> Table:
    # openpyxl is loaded when a spreadsheet comes, not by every web worker.
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            unpacked = sum(m.file_size for m in package.infolist())
    except zipfile.BadZipFile:
        unpacked = 0
    if unpacked > MAX_ZIP_BYTES:
        raise _refuse(_("The spreadsheet is larger than 100 MB once unpacked."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise _refuse(
            _("The spreadsheet cannot be read; is it a real XLSX file?")
        ) from None
    try:
        lines = _at_most(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    if not lines:
        raise _refuse(_("The file is empty."))
    rows = [(number, cells) for number, cells in enumerate(lines[1:], start=2)]
    return Table([c.strip().lower() for c in lines[0]], rows, {})


def _cell_text(value: object) -> str:
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)


def _read_zip(data: bytes) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _refuse(_("The ZIP archive is damaged.")) from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if sum(m.file_size for m in members) > MAX_ZIP_BYTES:
            raise _refuse(_("The ZIP archive is larger than 100 MB once unpacked."))
        tables = [m for m in members if m.filename.lower().endswith((".csv", ".xlsx"))]
        if len(tables) != 1:
            raise _refuse(
                _("The ZIP archive must hold exactly one CSV or XLSX file, not %(n)d.")
                % {"n": len(tables)}
            )
        table = read_table(tables[0].filename, archive.read(tables[0]))
        table.images = {
            PurePosixPath(m.filename).name: archive.read(m)
            for m in members
            if m is not tables[0]
        }
    return table
