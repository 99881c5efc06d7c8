from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from etalage.pricing.ecb import EcbFileError
from etalage.pricing.models import ExchangeRate, ExchangeRateImport
from etalage.pricing.services import exchange_rates_import

FILES = Path(__file__).parent / "files"
DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "data" / "eurofxref-hist.zip"


def _import(name):
    return exchange_rates_import(data=(FILES / name).read_bytes(), file_name=name)


def test_keeps_every_rate_with_its_date(db):
    result = _import("eurofxref-hist-2024-06-24-to-28.csv")
    assert result.created == ExchangeRate.objects.count() > 100
    assert ExchangeRate.objects.get(
        currency="CNY", rate_date=date(2024, 6, 28)
    ).rate == (Decimal("7.7748"))


def test_importing_the_same_file_again_changes_nothing(db):
    _import("eurofxref-hist-2024-06-24-to-28.csv")
    again = _import("eurofxref-hist-2024-06-24-to-28.csv")
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == ExchangeRate.objects.count()


def test_a_corrected_rate_replaces_the_old_one_and_is_counted(db):
    _import("eurofxref-daily-2024-06-28.xml")
    corrected = (
        (FILES / "eurofxref-daily-2024-06-28.xml")
        .read_bytes()
        .replace(b"7.7748", b"7.7749")
    )
    result = exchange_rates_import(data=corrected, file_name="corrected.xml")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 5)
    assert ExchangeRate.objects.get(currency="CNY").rate == Decimal("7.7749")


def test_a_malformed_file_changes_nothing(db):
    _import("eurofxref-daily-2024-06-28.xml")
    before = list(ExchangeRate.objects.values_list("currency", "rate_date", "rate"))
    lines = (FILES / "eurofxref-hist-2024-06-24-to-28.csv").read_bytes().splitlines()
    damaged = b"\n".join([*lines[:-1], lines[-1].replace(b"7.7", b"seven")])
    with pytest.raises(EcbFileError):
        exchange_rates_import(data=damaged, file_name="damaged.csv")
    after = list(ExchangeRate.objects.values_list("currency", "rate_date", "rate"))
    assert before == after
    assert ExchangeRateImport.objects.count() == 1


def test_the_command_reports_the_line_and_imports_nothing(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,CNY,\n2024-06-28,7.77,\n2024-06-27,,,,\n")
    with pytest.raises(CommandError, match=r"bad.csv: line 3: expected 2 columns"):
        call_command("fx", "import", str(bad))
    assert not ExchangeRate.objects.exists()


def test_the_command_imports_a_file(db, capsys):
    call_command("fx", "import", str(FILES / "eurofxref-2026-10-30.csv"))
    assert ExchangeRate.objects.filter(rate_date=date(2026, 10, 30)).count() == 29


def test_the_shipped_demo_file_is_the_real_ecb_history(db):
    from etalage.pricing.ecb import parse_ecb_file

    parsed = parse_ecb_file(DEMO_FILE.read_bytes())
    cny = {r.day: r.rate for r in parsed.rates if r.currency == "CNY"}
    assert cny[date(2024, 6, 28)] == Decimal("7.7748")
    assert parsed.first_date == date(1999, 1, 4)
