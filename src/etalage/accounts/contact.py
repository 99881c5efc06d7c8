"""A buyer's contact points and what they want to hear through them: an email
address added to an account opened with a mobile number (it counts once its link is
opened), a mobile number added to one opened by email (once its code is typed), and
the per-channel choices ``orders.notices`` follows."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from etalage.accounts.models import NoticePreferences, OneTimeCode
from etalage.accounts.services import (
    CODE_LIFETIME,
    _code_hmac,
    _email,
    message_allowed,
    one_time_code_check,
)
from etalage.accounts.sms import send_sms
from etalage.core.languages import LANGUAGE_CODES
from etalage.customs.services import normalize_china_mobile

SALT = "etalage.accounts.contact.email"
LINK_DAYS = 3


def notice_preferences_set(
    *, user: User, order_emails: bool, order_texts: bool, language: str | None = None
) -> NoticePreferences:
    """Record which channels the buyer hears about their orders on, and (when
    given) the language the buyer reads ("": none chosen)."""
    defaults: dict[str, object] = {
        "order_emails": order_emails,
        "order_texts": order_texts,
    }
    if language is not None:
        if language and language not in LANGUAGE_CODES:
            raise ValidationError(
                {
                    "language": _("Choose one of: %(languages)s.")
                    % {"languages": ", ".join(LANGUAGE_CODES)}
                }
            )
        defaults["language"] = language
    prefs, _created = NoticePreferences.objects.update_or_create(
        user=user, defaults=defaults
    )
    return prefs


def buyer_language(user: User) -> str:
    """The language the buyer chose to read ("" when none was chosen)."""
    chosen = (
        NoticePreferences.objects.filter(user=user)
        .values_list("language", flat=True)
        .first()
    )
    return chosen or ""


@transaction.atomic
def buyer_email_add(
    *, user: User, email: str, language: str, address: str, site_url: str = ""
) -> str:
    """Send a link confirming ``email`` for the account (it is used once opened),
    within the message limits; the address, normalised."""
    email = (email or "").strip().lower()
    try:
        if len(email) > 254:  # what an address may be (RFC 5321), and what is kept
            raise ValidationError("too long")
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


@transaction.atomic
def buyer_mobile_add(*, user: User, mobile: str, language: str, address: str) -> str:
    """Text a code to ``mobile`` for the account (texts go to it once the code is
    typed), within the message limits; the number in E.164."""
    try:
        number = normalize_china_mobile(mobile)
    except ValidationError:
        raise ValidationError(
            {"mobile": _("Enter a mainland China mobile number.")}
        ) from None
    if user.username.startswith("+86"):
        raise ValidationError(
            {"mobile": _("This account has a mobile number already.")}
        )
    NoticePreferences.objects.update_or_create(
        user=user, defaults={"mobile_pending": number}
    )
    if not message_allowed(to=number, address=address):
        return number
    purpose = OneTimeCode.Purpose.ADD_MOBILE
    code = f"{secrets.randbelow(1_000_000):06d}"
    OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    OneTimeCode.objects.create(
        user=user,
        purpose=purpose,
        code_hmac=_code_hmac(user, purpose, code),
        expires_at=timezone.now() + CODE_LIFETIME,
    )
    with translation.override(language):
        text = _("Étalage: your code is %(code)s. It works for 10 minutes.") % {
            "code": code
        }
    transaction.on_commit(lambda: send_sms(to=number, text=text))
    return number


def buyer_mobile_confirm(*, user: User, code: str) -> str:
    """Add the number the code was sent to; a refusal when the code is wrong (five
    tries) or the number is another account's."""

    preferences = NoticePreferences.objects.filter(user=user).first()
    if preferences is None or not preferences.mobile_pending:
        raise ValidationError(
            {"code": _("This code is wrong or no longer valid: ask for a new one.")}
        )
    pending = preferences.mobile_pending

    def free(owner: User) -> None:
        if User.objects.filter(username=pending).exists():
            raise ValidationError(
                {"code": _("This number belongs to another account.")}
            )

    one_time_code_check(
        login=user.username,
        purpose=OneTimeCode.Purpose.ADD_MOBILE,
        code=code,
        before_use=free,
    )
    preferences.mobile, preferences.mobile_pending = pending, ""
    preferences.order_texts = True  # adding a number for texts chooses them
    preferences.save(
        update_fields=["mobile", "mobile_pending", "order_texts", "updated_at"]
    )
    return preferences.mobile
