"""Compile the interface translations (.po to .mo) with Babel: no GNU gettext needed."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def translation_problems(locale_dir: Path = LOCALE_DIR) -> list[str]:
    """Return every untranslated or fuzzy message of every catalogue."""
    problems = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        for message in catalog:
            if not message.id:
                continue
            if message.fuzzy:
                problems.append(f"{po_path.parent.parent.name}: fuzzy: {message.id!r}")
            elif not message.string or (
                isinstance(message.string, tuple) and not all(message.string)
            ):
                problems.append(
                    f"{po_path.parent.parent.name}: untranslated: {message.id!r}"
                )
    return problems


def compile_translations(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write a .mo file beside each .po file and return their paths."""
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
    return written
