"""Air waybill numbers (IATA): a 3-digit airline prefix, a 7-digit serial and a
check digit, the serial modulo 7 (``176-1234567 5``). Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

_AWB = re.compile(r"^\s*(\d{3})[\s-]?(\d{7})[\s-]?(\d)\s*$")


class AwbRefused(ValueError):
    """Not a master air waybill number; the message says why (in English: callers
    that speak to people tell it in their language from ``kind`` and ``expected``)."""

    def __init__(self, message: str, *, kind: str, expected: int | None = None):
        super().__init__(message)
        self.kind = kind  # "format" or "check_digit"
        self.expected = expected


@dataclass(frozen=True, slots=True)
class Awb:
    prefix: str
    serial: str
    check: int

    def __str__(self) -> str:
        return f"{self.prefix}-{self.serial}{self.check}"


def awb_check_digit(serial: str) -> int:
    """The check digit of a 7-digit serial: the serial modulo 7."""
    if not (len(serial) == 7 and serial.isdigit()):
        raise AwbRefused(f"a serial is 7 digits, not {serial!r}", kind="format")
    return int(serial) % 7


def awb_parse(text: str) -> Awb:
    """``text`` as an air waybill number, refused when it is not one: 11 digits
    (3 for the airline, 7 for the serial, 1 check digit), spaces or dashes allowed
    between the parts, and the check digit the serial modulo 7."""
    found = _AWB.match(text)
    if found is None:
        raise AwbRefused(
            "an air waybill number is 11 digits: the airline's 3, a 7-digit serial "
            "and a check digit (176-12345675)",
            kind="format",
        )
    prefix, serial, check = found.group(1), found.group(2), int(found.group(3))
    expected = awb_check_digit(serial)
    if check != expected:
        raise AwbRefused(
            f"the check digit of serial {serial} is {expected} (the serial modulo 7), "
            f"not {check}",
            kind="check_digit",
            expected=expected,
        )
    return Awb(prefix, serial, check)
