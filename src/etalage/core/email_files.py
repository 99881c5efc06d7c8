"""The demo's emails as files a person can find: one message a file, named by when
it was sent, to whom and its subject.

Django's file backend writes every message sent through one connection into one
file named by the time and a number (``20261207-172913-140231999086864.log``), so
a sign-up link sits among a bulk send's other messages, and nothing in the name
says which is which. Each message here is a file of its own, a standard ``.eml``
that any mail client opens:
``20261207-172913-004211_buyer@example.cn_confirm-your-email-address.eml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend
from django.utils import timezone
from django.utils.text import slugify

_UNSAFE = re.compile(r"[^\w@.+-]+")


def email_file_name(message: EmailMessage, when: str) -> str:
    """``<when>_<first recipient>_<subject as a slug>.eml``, each part kept short
    and safe for a file name (the subject's letters in any script)."""
    recipient = next(iter(message.recipients()), "") or "no-recipient"
    recipient = _UNSAFE.sub("-", recipient.lower()).strip("-.")[:60]
    subject = slugify(message.subject or "", allow_unicode=True)[:60].strip("-")
    return f"{when}_{recipient}_{subject or 'no-subject'}.eml"


class EmailFilesBackend(EmailBackend):
    """Django's file backend, one ``.eml`` file a message."""

    file_path: str  # set by Django's __init__, which django-stubs does not declare

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not email_messages:
            return 0
        sent = 0
        with self._lock:
            for message in email_messages:
                if not message.recipients():
                    continue
                self._write(message)
                sent += 1
        return sent

    def _write(self, message: EmailMessage) -> Path:
        folder = Path(self.file_path)
        when = timezone.localtime().strftime("%Y%m%d-%H%M%S-%f")
        name = email_file_name(message, when)
        data = message.message().as_bytes(linesep="\n")
        for attempt in range(100):  # two messages alike in the same microsecond
            path = folder / (name if not attempt else f"{name[:-4]}-{attempt}.eml")
            try:
                with path.open("xb") as file:
                    file.write(data)
            except FileExistsError:
                continue
            return path
        raise FileExistsError(folder / name)
