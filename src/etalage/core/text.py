"""Text that leaves Étalage: the one rule for what a name, an address or a product
text may hold, because customs messages (XML), carrier data, bank files and labels
carry it.

Refused everywhere: characters outside XML 1.0 ``Char`` (C0 controls but tab, line
feed and carriage return, lone surrogates, U+FFFE and U+FFFF), and the other
control characters XML 1.0 tells writers to avoid: DEL, the C1 controls
(U+0080–U+009F) and the noncharacters (U+FDD0–U+FDEF, U+xFFFE and U+xFFFF of every
plane). Tab and line breaks only in a field of several lines (a description, a
story); a name or an address line is one line.

Every door uses this module: the services (so the API, the portal and the demo
alike), the web forms' fields, the API's body parser and the catalogue import.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LINE_BREAKS_AND_TAB = frozenset("\t\n\r")

MESSAGE_CONTROL = _(
    "Remove the invisible control character %(code)s: customs, carriers and banks "
    "refuse it."
)
MESSAGE_ONE_LINE = _("Write this on one line, without line breaks or tabs.")


def refused_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character of ``text`` that the rule refuses, or None."""
    for character in text:
        point = ord(character)
        if character in LINE_BREAKS_AND_TAB:
            if multiline:
                continue
            return character
        if (
            point < 0x20
            or 0x7F <= point <= 0x9F
            or 0xD800 <= point <= 0xDFFF
            or 0xFDD0 <= point <= 0xFDEF
            or point & 0xFFFE == 0xFFFE
        ):
            return character
    return None


def text_refusal(text: str, *, multiline: bool = False) -> ValidationError | None:
    """Why ``text`` is refused, in the active language, or None when it is fine."""
    character = refused_character(text, multiline=multiline)
    if character is None:
        return None
    if character in LINE_BREAKS_AND_TAB:
        return ValidationError(MESSAGE_ONE_LINE, code="line_break")
    return ValidationError(
        MESSAGE_CONTROL,
        code="control_character",
        params={"code": f"U+{ord(character):04X}"},
    )


def validate_text(value: str) -> None:
    """Django validator: text of one line that may leave Étalage."""
    refusal = text_refusal(value)
    if refusal is not None:
        raise refusal


def validate_multiline_text(value: str) -> None:
    """Django validator: text of several lines that may leave Étalage."""
    refusal = text_refusal(value, multiline=True)
    if refusal is not None:
        raise refusal


def texts_check(
    values: Mapping[str, object], *, multiline: Collection[str] = ()
) -> None:
    """Raise one ValidationError naming every field of ``values`` whose text the rule
    refuses (fields in ``multiline`` may hold tabs and line breaks)."""
    errors = {}
    for name, value in values.items():
        if isinstance(value, str):
            refusal = text_refusal(value, multiline=name in multiline)
            if refusal is not None:
                errors[name] = refusal
    if errors:
        raise ValidationError(errors)


def storable(text: str) -> str:
    """Text as a post came, made storable: PostgreSQL keeps no NUL character in text
    or JSON, so each becomes U+FFFD (a post kept for the record, never applied)."""
    return text.replace("\x00", "\ufffd")
