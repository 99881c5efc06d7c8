"""The secret key, and every key derived from it, is never a public constant outside
the tests; a production start without the keys it needs is refused, naming them."""

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from etalage.core.keys import derived_key

PUBLIC = "etalage-insecure-key-for-debug-and-tests-only"


def settings_in(env_extra, tmp_path, expression="settings.SECRET_KEY"):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETALAGE_")}
    env.update(
        DJANGO_SETTINGS_MODULE="etalage.settings",
        ETALAGE_DATA_DIR=str(tmp_path),
        **env_extra,
    )
    code = f"from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, text=True, capture_output=True
    )


def test_debug_without_a_secret_key_makes_its_own_and_keeps_it(tmp_path):
    first = settings_in({"ETALAGE_DEBUG": "1"}, tmp_path)
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert key and key != PUBLIC and len(key) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    again = settings_in({"ETALAGE_DEBUG": "1"}, tmp_path)
    assert again.stdout.strip() == key  # ID ciphertexts still read after a restart


def test_no_key_is_derived_from_the_public_fallback_outside_tests(settings):
    settings.SECRET_KEY = PUBLIC
    settings.TESTING = False
    with pytest.raises(ImproperlyConfigured, match="ETALAGE_SECRET_KEY"):
        derived_key(b"id encryption")
    settings.SECRET_KEY = "a" * 50  # a real key derives
    assert len(derived_key(b"id encryption")) == 32


def errors(settings):
    return {
        message.id: message.msg
        for message in checks.run_checks(include_deployment_checks=True)
        if message.is_serious() and message.id.startswith("core.")
    }


def production(settings):
    settings.TESTING = False
    settings.DEBUG = False
    settings.SECRET_KEY = "k" * 60
    settings.ETALAGE_PAYMENT_SANDBOX = False
    settings.ETALAGE_CUSTOMS_SANDBOX = False
    settings.ETALAGE_ID_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.ETALAGE_ID_HMAC_KEY = "h" * 40


def test_a_production_start_needs_the_id_keys(settings):
    production(settings)
    assert errors(settings) == {}
    settings.ETALAGE_ID_ENCRYPTION_KEYS = []
    settings.ETALAGE_ID_HMAC_KEY = ""
    found = " ".join(errors(settings).values())
    assert "ETALAGE_ID_ENCRYPTION_KEYS" in found and "ETALAGE_ID_HMAC_KEY" in found
    settings.ETALAGE_ID_ENCRYPTION_KEYS = ["not a Fernet key"]
    assert "ETALAGE_ID_ENCRYPTION_KEYS" in " ".join(errors(settings).values())


def test_the_fallback_secret_key_is_refused_outside_tests(settings):
    production(settings)
    settings.SECRET_KEY = PUBLIC
    assert "ETALAGE_SECRET_KEY" in " ".join(errors(settings).values())


def test_a_deployment_with_the_tests_switch_on_is_refused(settings):
    production(settings)
    settings.TESTING = True  # the public key, and every check above skipped
    assert "ETALAGE_TESTING" in " ".join(errors(settings).values())


def test_serve_refuses_to_start_on_a_refused_setting(settings, monkeypatch, capsys):
    from etalage import cli
    from etalage.core.management.commands import serve

    production(settings)
    settings.ETALAGE_ID_HMAC_KEY = ""
    started = []
    monkeypatch.setattr(
        serve, "call_command", lambda name, *a, **k: started.append(name)
    )
    monkeypatch.setattr(sys, "argv", ["etalage", "serve"])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 1
    assert "ETALAGE_ID_HMAC_KEY" in capsys.readouterr().err
    assert started == []  # nothing migrated, nothing served


def test_id_numbers_derived_from_the_secret_key_survive_its_rotation(settings, db):
    """A sandbox installation that derives its ID keys: with the old secret key in
    ETALAGE_SECRET_KEY_FALLBACKS, ID numbers still read, and `identities rotate`
    moves them to the new one."""
    from etalage.customs.identity_crypto import (
        decrypt_id_number,
        encrypt_id_number,
        reencrypt_id_number,
    )

    settings.ETALAGE_ID_ENCRYPTION_KEYS = []
    settings.SECRET_KEY = "old " * 15
    sealed = encrypt_id_number("110101199003074477")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new " * 15, ["old " * 15]
    assert decrypt_id_number(sealed) == "110101199003074477"
    moved = reencrypt_id_number(sealed)
    settings.SECRET_KEY_FALLBACKS = []
    assert decrypt_id_number(moved) == "110101199003074477"
