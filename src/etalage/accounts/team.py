"""Joining a merchant's team: the owner invites an email address in a role, the
person invited accepts from the emailed link while signed in (or, with no account
yet, by choosing a password there). Nobody is added to a team without accepting.

The owner's form answers the same whether the address has an account, works for
another merchant or is unknown: what stands in the way is said to the person
invited, when they accept.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from etalage.accounts.models import TeamInvitation
from etalage.merchants.models import Merchant, MerchantMember
from etalage.merchants.notifications import notify_merchant

INVITATION_LIFETIME = timedelta(days=7)


def _token_hmac(token: str) -> str:
    message = f"team-invitation:{token}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _no_longer_valid() -> ValidationError:
    return ValidationError(
        _("This invitation is no longer valid: ask the owner for a new one."),
        code="invalid",
    )


def _pending() -> QuerySet[TeamInvitation]:
    return TeamInvitation.objects.filter(
        accepted_at=None, withdrawn_at=None, expires_at__gt=timezone.now()
    )


def invitations_waiting(*, merchant: Merchant) -> QuerySet[TeamInvitation]:
    """The merchant's invitations not yet accepted nor withdrawn, newest first
    (expired ones included: the page says so)."""
    return TeamInvitation.objects.filter(
        merchant=merchant, accepted_at=None, withdrawn_at=None
    ).order_by("-created_at")


@transaction.atomic
def team_invitation_send(
    *, merchant: Merchant, email: str, role: str, invited_by: User
) -> TeamInvitation:
    """Invite ``email`` to the team in ``role``: an email with a link that works
    for ``INVITATION_LIFETIME``; an invitation already waiting for the address is
    replaced (its link stops working)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    if role not in MerchantMember.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    on_team = MerchantMember.objects.filter(merchant=merchant).filter(
        Q(user__username__iexact=email) | Q(user__email__iexact=email)
    )
    if on_team.exists():  # the owner sees the team: this tells nothing new
        raise ValidationError({"email": _("This person is already on your team.")})
    TeamInvitation.objects.filter(
        merchant=merchant, email=email, accepted_at=None, withdrawn_at=None
    ).update(withdrawn_at=timezone.now())
    token = secrets.token_urlsafe(32)
    invitation = TeamInvitation.objects.create(
        merchant=merchant,
        email=email,
        role=role,
        invited_by=invited_by,
        token_hmac=_token_hmac(token),
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    notify_merchant(
        merchant=merchant,
        template="team_invitation",
        recipient=email,
        package="accounts",
        context={
            "invitation": invitation,
            "role": MerchantMember.Role(role).label,
            "token": token,
            "invited_by": invited_by,
        },
    )
    return invitation


def team_invitation_withdraw(*, invitation: TeamInvitation) -> None:
    """The owner takes an invitation back: its link stops working."""
    TeamInvitation.objects.filter(pk=invitation.pk, accepted_at=None).update(
        withdrawn_at=timezone.now()
    )


def team_invitation_find(*, token: str) -> TeamInvitation | None:
    """The invitation waiting behind ``token``, or None (wrong, used, withdrawn or
    expired)."""
    return (
        _pending()
        .select_related("merchant")
        .filter(token_hmac=_token_hmac(token or ""))
        .first()
    )


def invited_account(*, invitation: TeamInvitation) -> User | None:
    """The confirmed account of the address invited, if it has one."""
    return User.objects.filter(
        username__iexact=invitation.email, is_active=True
    ).first()


def _addressed_to(user: User, invitation: TeamInvitation) -> bool:
    return invitation.email in {user.username.lower(), (user.email or "").lower()}


def _join(invitation: TeamInvitation, user: User) -> MerchantMember:
    elsewhere = MerchantMember.objects.filter(user=user).exclude(
        merchant=invitation.merchant
    )
    if user.is_staff or elsewhere.exists():
        raise ValidationError(
            _("This account already has another role on Étalage."), code="elsewhere"
        )
    member, _created = MerchantMember.objects.get_or_create(
        merchant=invitation.merchant, user=user, defaults={"role": invitation.role}
    )
    TeamInvitation.objects.filter(pk=invitation.pk).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    return member


@transaction.atomic
def team_invitation_accept(*, token: str, user: User) -> MerchantMember:
    """Join the team, signed in as the person the invitation was sent to."""
    invitation = (
        _pending().select_for_update().filter(token_hmac=_token_hmac(token)).first()
    )
    if invitation is None:
        raise _no_longer_valid()
    if not _addressed_to(user, invitation):
        raise ValidationError(
            _("This invitation was sent to %(email)s: sign in with that address."),
            code="someone_else",
            params={"email": invitation.email},
        )
    return _join(invitation, user)


@transaction.atomic
def team_invitation_accept_as_newcomer(*, token: str, password: str) -> User:
    """Open an account for the address invited, with ``password``, and join the
    team (the link, sent to that address, confirms it). An address with a confirmed
    account signs in instead."""
    invitation = (
        _pending().select_for_update().filter(token_hmac=_token_hmac(token)).first()
    )
    if invitation is None:
        raise _no_longer_valid()
    user = User.objects.filter(username__iexact=invitation.email).first()
    if user is not None and user.is_active:
        raise ValidationError(
            _("This address has an account: sign in to accept the invitation."),
            code="sign_in",
        )
    # An account never confirmed is the invitee's now: the link proves the address.
    user = user or User(username=invitation.email)
    user.email, user.is_active = invitation.email, True
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.save()
    _join(invitation, user)
    return user
