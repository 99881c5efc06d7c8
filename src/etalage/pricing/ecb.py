"""Read the European Central Bank's euro reference-rate files. Pure Python.

The ECB publishes, each working day around 16:00 CET, how many units of each
currency one euro buys. Étalage reads the files exactly as the ECB serves them:

* ``eurofxref-daily.xml``, ``eurofxref-hist-90d.xml``, ``eurofxref-hist.xml``: a
  ``gesmes:Envelope`` with ``Cube/Cube[@time]/Cube[@currency][@rate]``;
* ``eurofxref-hist.csv``: ``Date,USD,JPY,…,`` then one row a day, newest first, with a
  trailing comma and ``N/A`` where a currency was not quoted;
* ``eurofxref.csv``: the daily CSV, ``Date, USD, …`` then
  ``30 October 2026, 1.1172, …``;
* ``eurofxref.zip`` / ``eurofxref-hist.zip``: one of the CSV files, zipped.

A file is read whole before anything is returned: any malformed line refuses the
whole file with the line number and the reason, so that a partial or damaged file
changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from defusedxml.ElementTree import DefusedXMLParser, ParseError

GESMES_NS = "http://www.gesmes.org/xml/2002-08-01"
EUROFXREF_NS = "http://www.ecb.int/vocabulary/2002-08-01/eurofxref"
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_MAX_UNZIPPED_BYTES = 64 * 1024 * 1024


class EcbFileError(ValueError):
    """An ECB file that cannot be imported, with the line at fault (if known)."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        self.reason = reason
        self.line = line
        super().__init__(f"line {line}: {reason}" if line else reason)


@dataclass(frozen=True, slots=True)
class EcbRate:
    """1 EUR = ``rate`` ``currency`` on ``day``."""

    day: date
    currency: str
    rate: Decimal


@dataclass(frozen=True, slots=True)
class EcbRates:
    file_format: str
    rates: tuple[EcbRate, ...]

    @property
    def first_date(self) -> date:
        return min(r.day for r in self.rates)

    @property
    def last_date(self) -> date:
        return max(r.day for r in self.rates)


def parse_ecb_file(data: bytes, file_name: str = "") -> EcbRates:
    """Parse an ECB reference-rate file of any of the published formats."""
    if not data.strip():
        raise EcbFileError("the file is empty")
    if data[:4] == b"PK\x03\x04":
        return _parse_zip(data)
    head = data.lstrip()[:200]
    if head.startswith(b"<"):
        return _parse_xml(data)
    text = _decode(data)
    first_line = text.splitlines()[0] if text else ""
    if first_line.startswith("Date"):
        return _parse_csv(text)
    raise EcbFileError(
        "not an ECB reference-rate file: expected XML (gesmes:Envelope) or CSV "
        "starting with a 'Date' header",
        line=1,
    )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EcbFileError("the file is not UTF-8 text", line=line) from None


def _parse_zip(data: bytes) -> EcbRates:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise EcbFileError("the ZIP archive is damaged") from None
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) != 1:
        raise EcbFileError(
            f"the ZIP archive must hold exactly one ECB file, not {len(members)}"
        )
    member = members[0]
    if member.file_size > _MAX_UNZIPPED_BYTES:
        raise EcbFileError(f"{member.filename} is too large once unzipped")
    try:
        inner = archive.read(member)
    except (zipfile.BadZipFile, OSError) as exc:
        raise EcbFileError(f"cannot unzip {member.filename}: {exc}") from None
    if inner[:4] == b"PK\x03\x04":
        raise EcbFileError("a ZIP archive inside a ZIP archive is not accepted")
    return parse_ecb_file(inner, member.filename)


def _rate(value: str, line: int, currency: str) -> Decimal:
    try:
        rate = Decimal(value.strip())
    except InvalidOperation:
        raise EcbFileError(
            f"rate {value.strip()!r} for {currency} is not a number", line=line
        ) from None
    if not rate.is_finite() or rate <= 0:
        raise EcbFileError(
            f"rate {value.strip()} for {currency} must be positive", line
        )
    return rate


def _currency(value: str, line: int) -> str:
    code = value.strip()
    if not _CURRENCY.match(code):
        raise EcbFileError(f"{code!r} is not a three-letter currency code", line=line)
    return code


class _CubeCollector:
    """An ElementTree parser target that records each Cube with its line number."""

    def __init__(self) -> None:
        self.parser: DefusedXMLParser | None = None
        self.root: str | None = None
        self.day: tuple[date, int] | None = None
        self.rates: list[EcbRate] = []
        self.days = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        assert self.parser is not None
        line = self.parser.parser.CurrentLineNumber
        if self.root is None:
            self.root = tag
            if tag != f"{{{GESMES_NS}}}Envelope":
                raise EcbFileError(
                    "the root element must be gesmes:Envelope of the ECB", line=line
                )
            return
        if tag != f"{{{EUROFXREF_NS}}}Cube":
            return
        if "time" in attrib:
            try:
                day = date.fromisoformat(attrib["time"])
            except ValueError:
                raise EcbFileError(
                    f"date {attrib['time']!r} is not a date (YYYY-MM-DD)", line=line
                ) from None
            self.day = (day, line)
            self.days += 1
        elif "currency" in attrib or "rate" in attrib:
            if self.day is None:
                raise EcbFileError("a rate appears before any dated Cube", line=line)
            if "currency" not in attrib or "rate" not in attrib:
                raise EcbFileError("a Cube needs both currency and rate", line=line)
            currency = _currency(attrib["currency"], line)
            self.rates.append(
                EcbRate(self.day[0], currency, _rate(attrib["rate"], line, currency))
            )

    def end(self, tag: str) -> None:
        pass

    def data(self, text: str) -> None:
        pass

    def close(self) -> None:
        return None


def _parse_xml(data: bytes) -> EcbRates:
    collector = _CubeCollector()
    parser = DefusedXMLParser(target=collector)
    collector.parser = parser
    try:
        parser.feed(data)
        parser.close()
    except ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise EcbFileError(
            f"the XML is malformed or cut short ({exc.msg})", line
        ) from None
    except EcbFileError:
        raise
    except Exception as exc:  # defusedxml refuses entities, DTDs and the like
        raise EcbFileError(f"the XML is refused: {exc.__class__.__name__}") from None
    if not collector.rates:
        raise EcbFileError("the file holds no exchange rate")
    file_format = "ecb-xml-daily" if collector.days == 1 else "ecb-xml-history"
    return EcbRates(file_format, _no_duplicates(collector.rates))


def _parse_csv(text: str) -> EcbRates:
    rows = list(csv.reader(io.StringIO(text)))
    header = [cell.strip() for cell in rows[0]]
    if header and header[-1] == "":
        header = header[:-1]  # the ECB ends every line with a comma
    currencies = [_currency(code, 1) for code in header[1:]]
    if not currencies:
        raise EcbFileError("the header names no currency", line=1)
    rates: list[EcbRate] = []
    for index, row in enumerate(rows[1:], start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        cells = row[:-1] if row[-1].strip() == "" and len(row) > len(header) else row
        if len(cells) != len(header):
            raise EcbFileError(
                f"expected {len(header)} columns as in the header, found {len(cells)}",
                line=index,
            )
        day = _csv_date(cells[0], index)
        for currency, value in zip(currencies, cells[1:], strict=True):
            if value.strip() in {"N/A", ""}:
                continue
            rates.append(EcbRate(day, currency, _rate(value, index, currency)))
    if not rates:
        raise EcbFileError("the file holds no exchange rate")
    days = {r.day for r in rates}
    file_format = "ecb-csv-daily" if len(days) == 1 else "ecb-csv-history"
    return EcbRates(file_format, _no_duplicates(rates))


def _csv_date(value: str, line: int) -> date:
    text = value.strip()
    for pattern in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise EcbFileError(f"date {text!r} is not a date", line=line)


def _no_duplicates(rates: list[EcbRate]) -> tuple[EcbRate, ...]:
    seen: set[tuple[date, str]] = set()
    for rate in rates:
        key = (rate.day, rate.currency)
        if key in seen:
            raise EcbFileError(
                f"{rate.currency} on {rate.day} appears twice with different rates"
                if len({r.rate for r in rates if (r.day, r.currency) == key}) > 1
                else f"{rate.currency} on {rate.day} appears twice"
            )
        seen.add(key)
    return tuple(rates)
