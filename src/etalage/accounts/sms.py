"""Text messages to mainland mobile numbers, through a pluggable backend.

``ETALAGE_SMS_BACKEND`` names a class with ``send(to, text)``: the console backend
prints (the demo, development), the memory backend keeps messages for tests, and a
production deployment plugs in its SMS provider's client the same way.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, to: str, text: str) -> None: ...


@dataclass(frozen=True)
class Sms:
    to: str
    text: str


class ConsoleSmsBackend:
    """Print each message (the demo's and development's backend)."""

    def send(self, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}: {text}\n")
        sys.stdout.flush()


# What the memory backend sent, newest last (tests read it as Django's mail.outbox).
outbox: list[Sms] = []


class MemorySmsBackend:
    """Keep each message in ``outbox`` (tests)."""

    def send(self, to: str, text: str) -> None:
        outbox.append(Sms(to, text))


def send_sms(*, to: str, text: str) -> None:
    """Send ``text`` to the E.164 number ``to`` with the configured backend."""
    backend: SmsBackend = import_string(settings.ETALAGE_SMS_BACKEND)()
    backend.send(to, text)


# The GSM 03.38 default alphabet: a text of these only fits 160 characters in one
# message; any other character (Chinese, ç, ê…) sends it as UCS-2, 70 characters.
# The escape table's characters ([, €, {…) take two places and are left out here.
GSM_ALPHABET = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def sms_fits_one(text: str) -> bool:
    """Whether ``text`` goes as a single message (160 GSM characters, else 70)."""
    limit = 160 if set(text) <= GSM_ALPHABET else 70
    return len(text) <= limit
