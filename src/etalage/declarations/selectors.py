"""What the back-office reads of customs declarations."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from etalage.customs.identity_crypto import decrypt_carrying_id, mask_id_number
from etalage.declarations.models import Declaration, Message

_ID_NUMBER = re.compile(
    r"(<ceb:(?:buyer|payer)IdNumber>)([0-9X]+)(</ceb:(?:buyer|payer)IdNumber>)"
)
_SIGNATURE = re.compile(r"<ds:Signature\b.*</ds:Signature>", re.S)


def message_shown(message: Message) -> str:
    """The message as sent, for the operator's eyes: ID numbers masked, the
    signature's base64 left out (it says nothing a person reads)."""
    text = decrypt_carrying_id(message.body_encrypted).decode()
    text = _ID_NUMBER.sub(lambda m: m[1] + mask_id_number(m[2]) + m[3], text)
    return _SIGNATURE.sub("<ds:Signature>…</ds:Signature>", text)


def needing_attention() -> QuerySet[Declaration]:
    """Declarations the operator should look at: refused, malformed, contradicted
    by a later answer, or in a message that could not be delivered."""
    return Declaration.objects.filter(
        Q(state__in=(Declaration.State.REFUSED, Declaration.State.ERROR))
        | ~Q(conflict="")
        | Q(message__state__in=(Message.State.FAILED, Message.State.PENDING))
    )
