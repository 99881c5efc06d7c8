"""The ECB file reader: every published format, and every way a file can be wrong."""

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from etalage.pricing.ecb import EcbFileError, parse_ecb_file

FILES = Path(__file__).parent / "files"

XML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" '
    'xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">\n'
    "<Cube>\n"
)


def xml(body: str) -> bytes:
    return (XML_HEAD + body + "</Cube>\n</gesmes:Envelope>\n").encode()


def test_reads_the_daily_xml():
    parsed = parse_ecb_file((FILES / "eurofxref-daily-2024-06-28.xml").read_bytes())
    assert parsed.file_format == "ecb-xml-daily"
    cny = [r for r in parsed.rates if r.currency == "CNY"]
    assert cny[0].rate == Decimal("7.7748")
    assert cny[0].day == date(2024, 6, 28)
    assert len(parsed.rates) == 6


def test_reads_a_history_xml_with_several_days():
    parsed = parse_ecb_file(
        xml(
            "<Cube time='2024-06-28'><Cube currency='CNY' rate='7.7748'/></Cube>\n"
            "<Cube time='2024-06-27'><Cube currency='CNY' rate='7.7738'/></Cube>\n"
        )
    )
    assert parsed.file_format == "ecb-xml-history"
    assert (parsed.first_date, parsed.last_date) == (
        date(2024, 6, 27),
        date(2024, 6, 28),
    )


def test_reads_the_history_csv_with_its_trailing_comma_and_na_cells():
    parsed = parse_ecb_file(
        (FILES / "eurofxref-hist-2024-06-24-to-28.csv").read_bytes()
    )
    assert parsed.file_format == "ecb-csv-history"
    days = {r.day for r in parsed.rates}
    assert days == {date(2024, 6, d) for d in (24, 25, 26, 27, 28)}
    currencies = {r.currency for r in parsed.rates}
    assert "CYP" not in currencies  # N/A since the euro replaced it
    assert "" not in currencies
    rate = next(r for r in parsed.rates if r.currency == "CNY" and r.day.day == 28)
    assert rate.rate == Decimal("7.7748")


def test_reads_the_daily_csv_with_its_spelled_out_date():
    parsed = parse_ecb_file((FILES / "eurofxref-2026-10-30.csv").read_bytes())
    assert parsed.file_format == "ecb-csv-daily"
    rate = next(r for r in parsed.rates if r.currency == "CNY")
    assert (rate.day, rate.rate) == (date(2026, 10, 30), Decimal("7.4326"))


def test_reads_a_zipped_csv():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(
            FILES / "eurofxref-hist-2024-06-24-to-28.csv", "eurofxref-hist.csv"
        )
    parsed = parse_ecb_file(buffer.getvalue())
    assert len({r.day for r in parsed.rates}) == 5


def test_refuses_an_xml_file_cut_short_and_names_the_line():
    data = (FILES / "eurofxref-daily-2024-06-28.xml").read_bytes()[:-60]
    with pytest.raises(EcbFileError, match="malformed or cut short") as error:
        parse_ecb_file(data)
    assert error.value.line is not None


def test_refuses_a_rate_that_is_not_a_number_and_names_its_line():
    data = xml(
        "<Cube time='2024-06-28'>\n<Cube currency='USD' rate='1.07'/>\n"
        "<Cube currency='CNY' rate='7,77'/>\n</Cube>\n"
    )
    with pytest.raises(EcbFileError) as error:
        parse_ecb_file(data)
    assert error.value.line == 6
    assert "'7,77' for CNY is not a number" in str(error.value)


def test_refuses_a_zero_or_negative_rate():
    with pytest.raises(EcbFileError, match="must be positive"):
        parse_ecb_file(
            xml("<Cube time='2024-06-28'><Cube currency='CNY' rate='-1'/></Cube>")
        )


def test_refuses_a_date_that_does_not_exist():
    with pytest.raises(EcbFileError, match="'2024-02-30' is not a date"):
        parse_ecb_file(
            xml("<Cube time='2024-02-30'><Cube currency='CNY' rate='7'/></Cube>")
        )


def test_refuses_an_xml_that_is_not_an_ecb_envelope():
    with pytest.raises(EcbFileError, match="gesmes:Envelope"):
        parse_ecb_file(b"<?xml version='1.0'?><rates><rate/></rates>")


def test_refuses_an_xml_entity_expansion():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    with pytest.raises(EcbFileError):
        parse_ecb_file(bomb)


def test_refuses_a_file_without_any_rate():
    with pytest.raises(EcbFileError, match="no exchange rate"):
        parse_ecb_file(xml(""))


def test_refuses_an_empty_file():
    with pytest.raises(EcbFileError, match="empty"):
        parse_ecb_file(b"  \n")


def test_refuses_a_csv_row_with_a_missing_column_and_names_its_line():
    lines = (FILES / "eurofxref-hist-2024-06-24-to-28.csv").read_text().splitlines()
    lines[3] = lines[3].rsplit(",", 3)[0]  # the third day loses its last rates
    with pytest.raises(EcbFileError, match="expected 42 columns") as error:
        parse_ecb_file("\n".join(lines).encode())
    assert error.value.line == 4


def test_refuses_a_csv_with_a_bad_date_and_names_its_line():
    data = b"Date,USD,CNY,\n2024-06-28,1.07,7.77,\nyesterday,1.07,7.77,\n"
    with pytest.raises(EcbFileError, match="'yesterday' is not a date") as error:
        parse_ecb_file(data)
    assert error.value.line == 3


def test_refuses_the_same_day_and_currency_twice():
    data = b"Date,CNY,\n2024-06-28,7.77,\n2024-06-28,7.78,\n"
    with pytest.raises(EcbFileError, match="appears twice with different rates"):
        parse_ecb_file(data)


def test_refuses_a_file_that_is_neither_xml_nor_csv():
    with pytest.raises(EcbFileError, match="not an ECB reference-rate file"):
        parse_ecb_file(b"hello, world\n")


def test_refuses_a_zip_with_two_files():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", "Date,CNY,\n2024-06-28,7.77,\n")
        archive.writestr("b.csv", "Date,CNY,\n2024-06-27,7.77,\n")
    with pytest.raises(EcbFileError, match="exactly one ECB file, not 2"):
        parse_ecb_file(buffer.getvalue())
