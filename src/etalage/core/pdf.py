"""What the PDF documents Étalage draws with fpdf2's built-in fonts share."""

from __future__ import annotations

from text_unidecode import unidecode


def pdf_text(text: str) -> str:
    """``text`` as the built-in fonts can draw it: Latin-1 kept, the rest
    transliterated (Shanghai for 上海, "EUR" stays "EUR")."""
    return "".join(c if ord(c) < 256 else unidecode(c) for c in text)
