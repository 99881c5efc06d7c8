"""China's commodity codes (HS codes) as customs read them."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# China's import tariff uses 10-digit commodity codes: the 6-digit Harmonized System
# subheading plus 4 national digits. Chapters run 01-97; chapter 77 is reserved.
CHINA_HS_CODE_LENGTH = 10
_SEPARATORS = re.compile(r"[\s.\-]")


def normalize_hs_code(value: str) -> str:
    """Return the HS code as 10 digits (dots and spaces removed) or raise."""
    code = _SEPARATORS.sub("", value or "")
    if not code:
        raise ValidationError(_("An HS code is required."), code="hs_code_required")
    if not code.isdigit():
        raise ValidationError(
            _("An HS code has digits only (dots and spaces are allowed)."),
            code="hs_code_not_digits",
        )
    if len(code) != CHINA_HS_CODE_LENGTH:
        raise ValidationError(
            _("An HS code for China has 10 digits; this one has %(count)d."),
            code="hs_code_length",
            params={"count": len(code)},
        )
    chapter = int(code[:2])
    if not 1 <= chapter <= 97 or chapter == 77:
        raise ValidationError(
            _("HS chapter %(chapter)s does not exist (chapters are 01 to 97)."),
            code="hs_code_chapter",
            params={"chapter": code[:2]},
        )
    return code


def validate_hs_code(value: str) -> None:
    normalize_hs_code(value)
