"""Emails to a review's author about the operator's decisions on it, in the
author's language, sent once the decision commits.

Sent whatever the buyer chose for their orders' emails: a hidden review is a
decision on the buyer's own words, and its author is owed the reason and the way
to contest it (the statement of reasons of the EU's Digital Services Act, art. 17).
Each decision is one email, recorded on the decision (``ModerationDecision.told``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from etalage.core.emails import render_email


def author_tell(
    *, email: str, language: str, template: str, context: dict[str, Any]
) -> str:
    """Send ``etalage/reviews/email/<template>`` to ``email`` in ``language``
    after the commit; return the address ('' when there is none)."""
    if not email:
        return ""
    subject, body = render_email(f"etalage/reviews/email/{template}", context, language)
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    )
    return email
