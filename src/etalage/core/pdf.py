"""What the PDF documents Étalage draws share.

Labels, packing lists and manifests carry Chinese (a buyer's city, a product's
name, the label's own words for a reader in Chinese), so they are written in
Noto Sans SC, embedded in each PDF as the subset of glyphs it uses: a printer or a
viewer needs no font of its own, and the text stays text (searchable, copyable).
The font comes from PyPI (``pylopdf-fonts-zh-cn``: the Simplified Chinese subset
OTF of notofonts/noto-cjk, unchanged, SIL Open Font License), so ``make install``
brings it on any machine. It has one weight; ``pdf_bold`` strokes the glyphs'
outlines.

``pdf_money`` and ``pdf_number`` write figures as the reader's locale does
(``money.formatting``, Babel's CLDR data, as the pages do): 1 234,56 € in French,
€ 1.234,56 in Dutch, €1,234.56 in English.

``pdf_text`` is for documents still drawn in fpdf2's built-in fonts (Latin-1
only): it transliterates the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import pgettext
from fpdf import FPDF
from fpdf.enums import TextMode
from pylopdf_fonts_zh_cn import sans_path
from text_unidecode import unidecode

from etalage.money import Money, format_money, format_number

FONT = "NotoSansSC"


def cjk_font_path() -> Path:
    """The Noto Sans SC font file (OpenType, CFF outlines)."""
    return sans_path()


def pdf_document(**options: Any) -> FPDF:
    """A new document (``FPDF(**options)``) that can write Latin and Chinese alike."""
    pdf = FPDF(**options)
    pdf.add_font(FONT, "", str(cjk_font_path()))
    return pdf


def pdf_font(pdf: FPDF, size: float) -> None:
    """Write on in Noto Sans SC at ``size`` points."""
    pdf.set_font(FONT, "", size)


@contextmanager
def pdf_bold(pdf: FPDF) -> Iterator[None]:
    """Write bold inside the block: the glyphs filled and stroked (the font ships
    one weight), in a saved graphics state that the block's end restores.

    fpdf2 2.8.9 writes a text's stroke width as the number of ``line_width``
    without converting the document's unit to points, so the width is given here
    in points: about 3 % of the font size, a bold weight's extra stem."""
    with pdf.local_context(
        text_mode=TextMode.FILL_STROKE, line_width=pdf.font_size_pt * 0.03
    ):
        yield


def _in_font(text: str) -> str:
    """CLDR's narrow no-break space (French thousands) is a glyph Noto Sans SC does
    not have: its no-break space keeps the figure whole just the same."""
    return text.replace("\u202f", "\u00a0")


def pdf_money(money: Money, language: str) -> str:
    """``money`` written for ``language``'s reader, in the document's font."""
    return _in_font(format_money(money, language))


def pdf_number(value: Decimal | int, language: str) -> str:
    """A count or a measure (grams, pieces) written for ``language``'s reader."""
    return _in_font(format_number(value, language))


def pdf_field(field: object, value: object) -> str:
    """A printed field and its value, punctuated as the language writes it
    ("De : …" in French, "寄件人：…" in Chinese)."""
    return pgettext("a printed field and its value", "%(field)s: %(value)s") % {
        "field": field,
        "value": value,
    }


def pdf_text(text: str) -> str:
    """``text`` as the built-in fonts can draw it: Latin-1 kept, the rest
    transliterated (Shanghai for 上海, "EUR" stays "EUR")."""
    return "".join(c if ord(c) < 256 else unidecode(c) for c in text)
