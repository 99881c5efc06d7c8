"""Air waybill numbers (IATA): a 3-digit airline prefix, a 7-digit serial and a
check digit, the serial modulo 7 (``176-1234567 5``). Pure.

The prefix is IATA's numeric code of the airline that issues the waybill; Étalage
accepts those of ``AIRLINE_PREFIXES`` only (``000`` is no airline's)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_AWB = re.compile(r"^\s*(\d{3})[\s-]?(\d{7})[\s-]?(\d)\s*$")

# IATA's 3-digit prefixes of the cargo airlines that fly, or connect, Europe and
# China. IATA's Airline Coding Directory is the authority (sold, not public); each
# line was checked against two public copies of it, looked up on 2026-12-07:
#   [C] cargoenter.com/knowledge/awb-prefixes/<prefix> (one page per prefix)
#   [L] limcologistics.com/air-freight-tracking-awb-carrier-major-airlines-guide
#   [T] trackjet.world/mawb-tracking     [J] jetcurrent.com/glossary/awb-prefix
#   [A] aircargoinfo.com, 民航知識百科 "prefix numbers"
# A prefix seen in one source only is marked so. To fly with another airline, add
# its line here with its source.
AIRLINE_PREFIXES: dict[str, str] = {
    "020": "Lufthansa Cargo",  # [L][T]
    "023": "FedEx Express",  # [J]
    "057": "Air France Cargo",  # [L]
    "074": "KLM Cargo",  # [L]
    "094": "AeroLogic",  # [T]
    "157": "Qatar Airways Cargo",  # [L]
    "160": "Cathay Cargo",  # [L][A]
    "172": "Cargolux",  # [L]
    "176": "Emirates SkyCargo",  # [L][J]
    "180": "Korean Air Cargo",  # [L]
    "232": "MASkargo (Malaysia Airlines)",  # [L]
    "235": "Turkish Cargo",  # [L]
    "257": "Austrian Airlines Cargo",  # [C]
    "297": "China Airlines Cargo",  # [L][A]
    "324": "Shandong Airlines Cargo",  # [C]
    "479": "Shenzhen Airlines Cargo",  # [C]
    "695": "EVA Air Cargo",  # [A]
    "774": "Shanghai Airlines Cargo",  # [C]
    "784": "China Southern Airlines Cargo",  # [C]
    "999": "Air China Cargo",  # [C][T]
}


class AwbRefused(ValueError):
    """Not a master air waybill number; the message says why (in English: callers
    that speak to people tell it in their language from ``kind`` and ``expected``)."""

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        expected: int | None = None,
        prefix: str | None = None,
    ):
        super().__init__(message)
        self.kind = kind  # "format", "prefix" or "check_digit"
        self.expected = expected
        self.prefix = prefix


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
    between the parts, the prefix an airline's of ``AIRLINE_PREFIXES`` and the
    check digit the serial modulo 7."""
    found = _AWB.match(text)
    if found is None:
        raise AwbRefused(
            "an air waybill number is 11 digits: the airline's 3, a 7-digit serial "
            "and a check digit (176-12345675)",
            kind="format",
        )
    prefix, serial, check = found.group(1), found.group(2), int(found.group(3))
    if prefix not in AIRLINE_PREFIXES:
        raise AwbRefused(
            f"{prefix} is no airline's air waybill prefix that Étalage knows "
            "(IATA's: 176 Emirates, 999 Air China…)",
            kind="prefix",
            prefix=prefix,
        )
    expected = awb_check_digit(serial)
    if check != expected:
        raise AwbRefused(
            f"the check digit of serial {serial} is {expected} (the serial modulo 7), "
            f"not {check}",
            kind="check_digit",
            expected=expected,
        )
    return Awb(prefix, serial, check)
