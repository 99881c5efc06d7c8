"""A buyer's contact points and what they want to hear through them: an email
address added to an account opened with a mobile number (it counts once its link is
opened), and the per-channel choices ``orders.notices`` follows."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from etalage.accounts.models import NoticePreferences
from etalage.accounts.services import _email, message_allowed

SALT = "etalage.accounts.contact.email"
LINK_DAYS = 3


def notice_preferences_set(
    *, user: User, order_emails: bool, order_texts: bool
) -> NoticePreferences:
    """Record which channels the buyer hears about their orders on."""
    prefs, _created = NoticePreferences.objects.update_or_create(
        user=user, defaults={"order_emails": order_emails, "order_texts": order_texts}
    )
    return prefs


@transaction.atomic
def buyer_email_add(*, user: User, email: str, language: str, address: str,
                    site_url: str = "") -> str:  # fmt: skip
    """Send a link confirming ``email`` for the account (it is used once opened),
    within the message limits; the address, normalised."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    if user.email:
        raise ValidationError(
            {"email": _("This account has an email address already.")}
        )
    NoticePreferences.objects.update_or_create(
        user=user, defaults={"email_pending": email}
    )
    if message_allowed(to=email, address=address):
        token = signing.dumps({"u": str(user.pk), "e": email}, salt=SALT)
        # ``_email`` writes to user.email: this one goes to the address to confirm.
        reader = User(pk=user.pk, username=user.username, email=email)
        _email(reader, "add_email", {"token": token}, language, site_url)
    return email


@transaction.atomic
def buyer_email_confirm(*, token: str) -> User:
    """The account whose added address the link confirms, now with it; a refusal
    when the link is wrong, old, replaced, or the address has an account."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_DAYS * 86400)
    except signing.BadSignature:
        raise ValidationError(
            {"token": _("This link does not work (any more): add the address again.")}
        ) from None
    user = User.objects.select_for_update().filter(pk=data["u"]).first()
    prefs = NoticePreferences.objects.filter(user=user).first()
    if user is None or prefs is None or prefs.email_pending != data["e"]:
        raise ValidationError(
            {"token": _("This link does not work (any more): add the address again.")}
        )
    taken = User.objects.filter(
        Q(username__iexact=data["e"]) | Q(email__iexact=data["e"])
    )
    if taken.exclude(pk=user.pk).exists():
        raise ValidationError({"token": _("This address belongs to another account.")})
    user.email = data["e"]
    user.save(update_fields=["email"])
    prefs.email_pending = ""
    prefs.save(update_fields=["email_pending", "updated_at"])
    return user
