"""Buyers' accounts: sign-up with an email address or a mainland mobile number,
confirmation by a link or a one-time code, and a new password by either.

An account is created inactive and becomes usable once its address or number is
confirmed. Whether an address or a number already has an account is never told to
whoever types it: the form answers the same, and the owner is told instead (an
email or a text saying someone tried to sign up with it).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tasks import task

from etalage.accounts.models import NoticePreferences, OneTimeCode, SignInAddress
from etalage.accounts.sms import send_sms
from etalage.core.emails import render_email
from etalage.core.languages import LANGUAGE_CODES
from etalage.core.limits import limit_clear, limit_hit
from etalage.customs.services import normalize_china_mobile

logger = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(minutes=10)
CODE_ATTEMPTS = 5
# Emails and texts (codes, links, notices) sent to one address or number in an hour,
# at most (text messages cost, and annoy).
MESSAGES_PER_HOUR = 5


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """A link that confirms an address once: it stops working when the account is
    active (or its password changes)."""

    key_salt = "etalage.accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):  # type: ignore[no-untyped-def]
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


email_confirmation_token = EmailConfirmationTokenGenerator()


@dataclass(frozen=True)
class Login:
    """What a person signs in with: an email address or a mobile number."""

    kind: str  # "email" or "mobile"
    value: str  # lower-case address, or the number in E.164 (+86…)


def login_parse(text: str) -> Login:
    """Read an email address or a mainland mobile number, or refuse it."""
    text = (text or "").strip()
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError(
                {"login": _("Enter a valid email address or mobile number.")}
            ) from None
        return Login("email", text.lower())
    try:
        return Login("mobile", normalize_china_mobile(text))
    except ValidationError:
        raise ValidationError(
            {
                "login": _(
                    "Enter a valid email address or a mainland China mobile number."
                )
            }
        ) from None


def login_username(text: str) -> str:
    """The user name an email or a mobile number signs in as (else ``text``)."""
    try:
        return login_parse(text).value
    except ValidationError:
        return (text or "").strip()


@transaction.atomic
def buyer_sign_up(
    *, login: str, password: str, language: str, address: str, site_url: str = ""
) -> Login:
    """Open an account, inactive until confirmed, and send the link or the code.

    The password is checked the same way whether the address or number has an
    account, and hashed once either way. An account that exists keeps its password:
    one waiting for confirmation is sent its link (or a new code) again, and the
    owner of a confirmed one is told, so that the form reveals nothing about who has
    an account and nobody chooses the password of an account they cannot confirm.
    ``address`` is the client's, for the message limits (``message_allowed``).
    A new account keeps ``language`` as the language its buyer reads, so that the
    messages about their orders speak it; an existing account's choice stays.
    """
    who = login_parse(login)
    email = who.value if who.kind == "email" else ""
    newcomer = User(username=who.value, email=email, is_active=False)
    try:
        validate_password(password, newcomer)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user = User.objects.select_for_update().filter(username=who.value).first()
    if user is None:
        newcomer.set_password(password)
        try:
            with transaction.atomic():
                newcomer.save()
        except IntegrityError:  # signed up at this very moment by another request
            user = User.objects.get(username=who.value)
        else:
            user = newcomer
            if language in LANGUAGE_CODES:
                NoticePreferences.objects.create(user=user, language=language)
    else:
        make_password(password)  # the same work as for a new account
    if user.is_active:
        _tell_owner_of_attempt(user, who, language, site_url, address)
    elif who.kind == "email":
        _send_confirmation_email(user, language, site_url, address)
    else:
        one_time_code_send(
            user=user,
            purpose=OneTimeCode.Purpose.SIGN_UP,
            language=language,
            address=address,
        )
    return who


def message_allowed(*, to: str, address: str) -> bool:
    """Whether one more email or text may go to ``to`` (an address or a number) for
    a request from the client ``address``, counting it: at most ``MESSAGES_PER_HOUR``
    an hour to one destination and ``ETALAGE_MESSAGES_PER_ADDRESS_HOUR`` for one
    client. Past them the message is dropped, silently: the answer stays the same,
    and an answer would tell that the address or number has an account."""
    to_one = limit_hit(f"messages-to:{_keyed('to', to.lower())}", seconds=3600)
    from_one = limit_hit(f"messages-from:{_keyed('from', address)}", seconds=3600)
    if (
        to_one > MESSAGES_PER_HOUR
        or from_one > settings.ETALAGE_MESSAGES_PER_ADDRESS_HOUR
    ):
        logger.info("A message was not sent: an hourly limit is reached.")
        return False
    return True


def _send_confirmation_email(
    user: User, language: str, site_url: str, address: str
) -> None:
    if not message_allowed(to=user.email, address=address):
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_confirmation_token.make_token(user)
    _email(user, "confirm", {"uid": uid, "token": token}, language, site_url)


def _email(
    user: User,
    template: str,
    context: dict[str, object],
    language: str,
    site_url: str = "",
) -> None:
    """Email ``user`` after the commit; links go to ``site_url``, the address the
    request came to (else ``ETALAGE_SITE_URL``)."""
    where = {"site_url": site_url} if site_url else {}
    subject, body = render_email(
        f"etalage/accounts/email/{template}",
        {"user": user, **context, **where},
        language,
    )
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    )


def _tell_owner_of_attempt(
    user: User, who: Login, language: str, site_url: str, address: str
) -> None:
    if not message_allowed(to=who.value, address=address):
        return
    if who.kind == "email":
        _email(user, "already_registered", {}, language, site_url)
    else:
        with translation.override(language):
            text = _(
                "Étalage: someone tried to open an account with this number, which "
                "has one already. Sign in, or choose a new password if you forgot it."
            )
        transaction.on_commit(lambda: send_sms(to=user.username, text=text))


def sign_up_code_resend(*, login: str, language: str, address: str) -> None:
    """Text a new code for a sign-up not confirmed yet (nothing for any other)."""
    user = User.objects.filter(username=login_username(login), is_active=False).first()
    if user is not None:
        one_time_code_send(
            user=user,
            purpose=OneTimeCode.Purpose.SIGN_UP,
            language=language,
            address=address,
        )


def email_confirm(*, uidb64: str, token: str) -> User | None:
    """Activate the account the link names; None when the link is wrong or used."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or not email_confirmation_token.check_token(user, token):
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


def _code_hmac(user: User, purpose: str, code: str) -> str:
    message = f"{user.pk}:{purpose}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def one_time_code_send(
    *, user: User, purpose: str, language: str, address: str
) -> bool:
    """Text a new six-digit code to the account's number (earlier codes stop
    working), within the message limits (``message_allowed``): past them nothing
    goes, silently. Whether a code went."""
    if not message_allowed(to=user.username, address=address):
        return False
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
    transaction.on_commit(lambda: send_sms(to=user.username, text=text))
    return True


def one_time_code_check(
    *,
    login: str,
    purpose: str,
    code: str,
    before_use: Callable[[User], None] | None = None,
) -> User:
    """The account whose latest code of ``purpose`` is ``code`` (the code is used
    up), or a refusal; five wrong tries end a code. Each try is committed before
    the answer, so that a refusal still counts. A right code is then given to
    ``before_use``, which may refuse what comes with it (a ValidationError): the
    code is not used up then."""
    refused = ValidationError(
        {"code": _("This code is wrong or no longer valid: ask for a new one.")}
    )
    user = User.objects.filter(username=login_username(login)).first()
    if user is None:
        _code_hmac(User(pk=0), purpose, code or "")  # the same work as for an account
        raise refused
    problem: ValidationError | None = None
    with transaction.atomic():
        current = (
            OneTimeCode.objects.select_for_update()
            .filter(
                user=user,
                purpose=purpose,
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
                attempts__lt=CODE_ATTEMPTS,
            )
            .order_by("-created_at")
            .first()
        )
        if current is None:
            right = False
        else:
            wanted = _code_hmac(user, purpose, (code or "").strip())
            right = hmac.compare_digest(current.code_hmac, wanted)
            if right and before_use is not None:
                try:
                    before_use(user)
                except ValidationError as error:
                    problem = error
            OneTimeCode.objects.filter(pk=current.pk).update(
                attempts=F("attempts") + 1,
                used_at=timezone.now() if right and problem is None else None,
            )
    if not right:
        raise refused
    if problem is not None:
        raise problem
    return user


def mobile_sign_up_confirm(*, login: str, code: str) -> User:
    """Activate the account the code was sent for."""
    user = one_time_code_check(
        login=login, purpose=OneTimeCode.Purpose.SIGN_UP, code=code
    )
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


@task()
def password_reset_link_task(email: str, language: str, site_url: str) -> None:
    """Email the account with this address, if there is one, a link to choose a new
    password, the link leading to ``site_url``."""
    where = urlsplit(site_url or settings.ETALAGE_SITE_URL)
    with translation.override(language):
        reset = PasswordResetForm({"email": email})
        if reset.is_valid():
            reset.save(
                domain_override=where.netloc,
                use_https=where.scheme == "https",
                subject_template_name="etalage/accounts/email/password_reset.subject.txt",
                email_template_name="etalage/accounts/email/password_reset.txt",
            )


def password_reset_link_ask(*, email: str, language: str, site_url: str) -> None:
    """Ask the background worker for the link: the request that asked does the same
    work whether an account has this address or not (nothing in its answer, nor in
    its time, tells which)."""
    password_reset_link_task.enqueue(email, language, site_url)


def password_reset_code_send(*, login: str, language: str, address: str) -> None:
    """Text a code for a new password to the number's account, if it has one
    (nothing tells whether it has)."""
    try:
        who = login_parse(login)
    except ValidationError:
        return
    user = User.objects.filter(username=who.value, is_active=True).first()
    if user is not None and who.kind == "mobile":
        one_time_code_send(
            user=user,
            purpose=OneTimeCode.Purpose.PASSWORD_RESET,
            language=language,
            address=address,
        )


def password_reset_by_code(*, login: str, code: str, password: str) -> User:
    """Set a new password with a code texted for it. The code is checked first (a
    password is judged only with a right code, so that the answer is the same for a
    number with no account); a password refused does not use the code up."""

    def acceptable(user: User) -> None:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from None

    user = one_time_code_check(
        login=login,
        purpose=OneTimeCode.Purpose.PASSWORD_RESET,
        code=code,
        before_use=acceptable,
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def person_name(user: User) -> str:
    """A person's name as they write it: family name first, without a space, for a
    Chinese name (王小明); given name first otherwise (Anne Dupont)."""
    given, family = user.first_name.strip(), user.last_name.strip()
    if any("\u4e00" <= ch <= "\u9fff" for ch in given + family):
        return f"{family}{given}"
    return " ".join(part for part in (given, family) if part)


T = TypeVar("T")


def _keyed(purpose: str, value: str) -> str:
    message = f"{purpose}:{value}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def sign_in_attempt(*, login: str, address: str, check: Callable[[], T]) -> T:
    """Run ``check`` (which raises ValidationError for a wrong password) unless the
    login is paused.

    Every attempt is counted before the password is checked, in one atomic step
    where every worker sees it (``core.limits``), so that parallel guesses cannot
    slip past the count. Past ``ETALAGE_LOGIN_ATTEMPTS`` attempts for one login from
    one client address, that address is paused for ``ETALAGE_LOGIN_LOCKOUT_SECONDS``
    (a sign-in that succeeds starts the count again). Past
    ``ETALAGE_LOGIN_ATTEMPTS_PER_LOGIN`` attempts in ``ETALAGE_LOGIN_PER_LOGIN_SECONDS``
    from addresses the login never signed in from, those are paused too; an address
    it signed in from before never is, so that guesses from elsewhere do not lock
    the owner out."""
    who = login_username(login).lower()
    login_key = _keyed("login", who)
    pair = f"login-attempts:{_keyed('login-address', f'{who}|{address}')}"
    seconds = settings.ETALAGE_LOGIN_LOCKOUT_SECONDS
    if limit_hit(pair, seconds=seconds) > settings.ETALAGE_LOGIN_ATTEMPTS:
        raise _paused(seconds)
    address_key = _keyed("address", address)
    known = SignInAddress.objects.filter(
        login_hmac=login_key, address_hmac=address_key
    ).exists()
    per_login = settings.ETALAGE_LOGIN_PER_LOGIN_SECONDS
    if (
        not known
        and limit_hit(f"login-attempts:{login_key}", seconds=per_login)
        > settings.ETALAGE_LOGIN_ATTEMPTS_PER_LOGIN
    ):
        raise _paused(seconds)
    result = check()
    limit_clear(pair, seconds=seconds)
    if not known:
        SignInAddress.objects.get_or_create(
            login_hmac=login_key, address_hmac=address_key
        )
    return result


def _paused(seconds: int) -> ValidationError:
    return ValidationError(
        _("Too many failed attempts. Try again in %(minutes)d minutes."),
        code="throttled",
        params={"minutes": seconds // 60},
    )
