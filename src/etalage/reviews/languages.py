"""The language a review is written in: any language, recorded as a code."""

from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError
from django.utils.translation import gettext as _

from etalage.core.languages import LANGUAGE_CODES
from etalage.reviews.exceptions import ReviewError

_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
# Offered by the review form beside the storefront's four (the API takes any).
MORE_LANGUAGES = ("de", "es", "it", "ja", "ko", "zh-hant")
# Chinese as browsers and apps name it, by script: a review in ``zh-cn`` is one in
# the storefront's ``zh-hans``, so it comes first for a Chinese reader.
_CHINESE = {
    "zh": "zh-hans", "zh-cn": "zh-hans", "zh-sg": "zh-hans", "zh-my": "zh-hans",
    "zh-tw": "zh-hant", "zh-hk": "zh-hant", "zh-mo": "zh-hant",
}  # fmt: skip


def language_check(code: str, *, field: str = "language") -> str:
    """The review's language as a lower-case code (``zh-hans``, ``fr``, ``de``), or
    a ReviewError naming ``field``."""
    code = (code or "").strip().lower().replace("_", "-")
    code = _CHINESE.get(code, code)
    if code in LANGUAGE_CODES:
        return code
    if _CODE.match(code):
        try:
            Locale.parse(code.split("-")[0])
        except (UnknownLocaleError, ValueError):
            pass
        else:
            return code
    raise ReviewError({field: _("Choose the language the text is written in.")})


def language_name(code: str, reader: str) -> str:
    """The name of language ``code`` in the reader's language (``法语``, ``中文
    （繁体）``, ``chinois (traditionnel)``); the code itself when Babel has none."""
    base = code.split("-")[0]
    script = {"hans": "Hans", "hant": "Hant"}.get(code.split("-")[-1])
    try:
        locale = Locale(base, script=script) if script else Locale.parse(base)
        reader_locale = Locale.parse(reader or "en", sep="-")
        name = locale.get_display_name(reader_locale) or code
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    if reader_locale.language == "zh":  # full-width brackets in Chinese
        name = name.replace(" (", "（").replace("(", "（").replace(")", "）")
    return name
