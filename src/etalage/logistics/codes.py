"""The codes the hub scans or types (a parcel's, a bag's), read one way at every door.

A scanner may add a space or a control character around a code, a person may type
one inside it ("bag 12"), in lower case, or in a Chinese input method's full-width
forms ("ＢＡＧ１２"). Every service that looks a code up, or opens a bag by it,
reads it through ``code_normalised`` first, so one bag is never two. Pure.
"""

from __future__ import annotations

import re
import unicodedata

# Spaces and controls anywhere (str.isspace's: tabs, line breaks, no-break and
# ideographic spaces, the group separator GS1 scanners send), and the invisible
# zero-width ones a copy and paste brings along.
_NOT_PART_OF_A_CODE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")

# A bag's code as the hub labels its bags: letters, digits and hyphens.
BAG_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,19}")


def code_normalised(text: str) -> str:
    """``text`` as codes are stored: full-width forms as their ASCII letters and
    digits (NFKC), every space and invisible character out, in upper case."""
    return _NOT_PART_OF_A_CODE.sub("", unicodedata.normalize("NFKC", text)).upper()


def is_bag_code(code: str) -> bool:
    """Whether a normalised ``code`` can name a bag."""
    return BAG_CODE.fullmatch(code) is not None
