"""Read the table of an import file: CSV (comma or semicolon), XLSX, or a ZIP of one
of them with the product images."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import PurePosixPath
from typing import BinaryIO

from django.utils.translation import gettext as _

from etalage.imports.format import (
    MAX_ROWS,
    MAX_ZIP_BYTES,
    ImportProblem,
    ImportRefused,
    Table,
)


def read_table(file_name: str, data: bytes | BinaryIO) -> Table:
    """Read a CSV, an XLSX or a ZIP holding one of them and the product images,
    from bytes or from a file (a ZIP or an XLSX is then read where it lies, a
    member at a time)."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    source.seek(0)
    packed = source.read(4) == b"PK\x03\x04"
    source.seek(0)
    if packed and not _is_xlsx(source):
        return _read_zip(source)
    if file_name.lower().endswith(".xlsx") or (packed and _is_xlsx(source)):
        return _read_xlsx(source)
    return _read_csv(source.read())


def _is_xlsx(source: BinaryIO) -> bool:
    try:
        with zipfile.ZipFile(source) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        source.seek(0)


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
    return _table(reader, text.count("\n"))


def _table(rows: Iterable[Sequence[object]], rows_expected: int) -> Table:
    """The header, then the rows as a stream of text cells (numbered from 2, as a
    spreadsheet shows them) that stops a file longer than ``MAX_ROWS`` as soon as
    the row after the limit is read."""
    stream = iter(rows)
    header = next(stream, None)
    if header is None:
        raise _refuse(_("The file is empty."))

    def cells() -> Iterator[tuple[int, list[str]]]:
        for number, row in enumerate(stream, start=2):
            if number - 1 > MAX_ROWS:
                raise _refuse(_("A file has at most %(n)d rows.") % {"n": MAX_ROWS})
            yield number, ["" if cell is None else _cell_text(cell) for cell in row]

    names = ["" if c is None else _cell_text(c).strip().lower() for c in header]
    return Table(names, cells(), {}, rows_expected=min(rows_expected, MAX_ROWS))


def _read_xlsx(source: BinaryIO) -> Table:
    # openpyxl is loaded when a spreadsheet comes, not by every web worker.
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(source) as package:
            unpacked = sum(m.file_size for m in package.infolist())
    except zipfile.BadZipFile:
        unpacked = 0
    source.seek(0)
    if unpacked > MAX_ZIP_BYTES:
        raise _refuse(_("The spreadsheet is larger than 100 MB once unpacked."))
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise _refuse(
            _("The spreadsheet cannot be read; is it a real XLSX file?")
        ) from None
    sheet = workbook.worksheets[0]
    # (read-only workbooks stream the sheet's XML: nothing to close but the file,
    # which goes with the bytes it reads)
    return _table(sheet.iter_rows(values_only=True), sheet.max_row or 0)


def _cell_text(value: object) -> str:
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)


class _ZipImages(Mapping[str, bytes]):
    """The pictures of a ZIP by file name, each read when asked for (not all held
    at once: a ZIP may carry 100 MB of them)."""

    def __init__(self, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]):
        self._archive = archive
        self._members = {PurePosixPath(m.filename).name: m for m in members}

    def __getitem__(self, name: str) -> bytes:
        return self._archive.read(self._members[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)


def _read_zip(source: BinaryIO) -> Table:
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        raise _refuse(_("The ZIP archive is damaged.")) from None
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
    table.images = _ZipImages(archive, [m for m in members if m is not tables[0]])
    return table
