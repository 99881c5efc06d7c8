import sys

import pytest

from etalage import cli


def run(monkeypatch, *args):
    monkeypatch.setattr(sys, "argv", ["etalage", *args])
    cli.main()


def test_etalage_check_verifies_the_books(db, monkeypatch, capsys):
    run(monkeypatch, "check")
    assert "the books agree" in capsys.readouterr().out


def test_django_system_checks_stay_available(db, monkeypatch, capsys):
    run(monkeypatch, "check", "--system")
    assert "System check identified no issues" in capsys.readouterr().out


def test_translations_are_checked_without_settings(monkeypatch, capsys):
    with pytest.raises(SystemExit) as exit_:
        run(monkeypatch, "translations", "check")
    assert exit_.value.code == 0
    assert "every message is translated" in capsys.readouterr().out
