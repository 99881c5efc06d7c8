"""Emails to merchants, in the merchant's language, sent once the change commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from etalage.merchants.models import Merchant


def notify_merchant(
    *, merchant: Merchant, template: str, context: dict, recipient: str = ""
) -> None:
    """Send ``email/<template>`` to the merchant's contact (or ``recipient``) after
    the commit, in the merchant's language."""
    recipient = recipient or merchant.contact_email
    if not recipient:
        return
    with translation.override(merchant.language):
        full_context = {
            "merchant": merchant,
            "site_url": settings.ETALAGE_SITE_URL,
            **context,
        }
        subject = render_to_string(
            f"etalage/merchants/email/{template}.subject.txt", full_context
        ).strip()
        body = render_to_string(f"etalage/merchants/email/{template}.txt", full_context)
    transaction.on_commit(
        lambda: send_mail(
            subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=False
        )
    )
