"""Emails to merchants, in the merchant's language, sent once the change commits."""

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from etalage.core.emails import render_email
from etalage.merchants.models import Merchant


def notify_merchant(
    *,
    merchant: Merchant,
    template: str,
    context: dict[str, Any],
    recipient: str = "",
    package: str = "merchants",
) -> None:
    """Send ``etalage/<package>/email/<template>`` to the merchant's contact (or
    ``recipient``) after the commit, in the merchant's language."""
    recipient = recipient or merchant.contact_email
    if not recipient:
        return
    subject, body = render_email(
        f"etalage/{package}/email/{template}",
        {"merchant": merchant, **context},
        merchant.language,
    )
    transaction.on_commit(
        lambda: send_mail(
            subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=False
        )
    )
