"""Merchant onboarding: apply, verify the email address, and the operator's decisions.

Every decision (approve, reject, ask for more information, suspend) is recorded with
who took it and when, and the merchant is told by email in its own language, once
the decision is committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from etalage.core.emails import render_email
from etalage.core.ids import new_id
from etalage.core.text import texts_check
from etalage.events.outbox import event_record
from etalage.events.types import MerchantChanged
from etalage.merchants.exceptions import MerchantDecisionRefused
from etalage.merchants.models import (
    Merchant,
    MerchantDecision,
    MerchantMember,
    MerchantTranslation,
    RejectionReason,
)
from etalage.merchants.notifications import notify_merchant

_VERIFY_SALT = "etalage.merchants.email-verification"
VERIFY_MAX_AGE = 7 * 24 * 3600  # a verification link works for a week


@dataclass(frozen=True)
class MerchantApplication:
    """What a producer gives when applying, already validated by the form."""

    name: str
    legal_name: str
    enterprise_number: str
    vat_number: str
    street: str
    postal_code: str
    city: str
    contact_name: str
    email: str
    password: str
    phone: str
    iban: str
    bic: str
    language: str
    category_ids: list[int] = field(default_factory=list)
    stories: dict[str, str] = field(default_factory=dict)


# A merchant's texts that customs messages, labels and bank files carry.
MERCHANT_TEXTS = ("name", "legal_name", "street", "postal_code", "city", "contact_name")


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "merchant"
    if not Merchant.objects.filter(slug=base).exists():
        return base
    return f"{base}-{new_id().hex[-6:]}"


@transaction.atomic
def merchant_apply(*, application: MerchantApplication) -> Merchant | None:
    """Record an application and its owner's account; send the verification link.

    An email address that has an account already gets no second one, and nothing
    tells the applicant so: the address's owner is told by email instead (None).
    """
    texts_check(
        {name: getattr(application, name) for name in MERCHANT_TEXTS}
        | {f"story_{lang}": story for lang, story in application.stories.items()},
        multiline={f"story_{lang}" for lang in application.stories},
    )
    User = get_user_model()
    candidate = User(
        username=application.email,
        email=application.email,
        first_name=application.contact_name[:150],
    )
    try:
        validate_password(application.password, candidate)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    if Merchant.objects.filter(
        enterprise_number=application.enterprise_number
    ).exists():
        raise ValidationError(
            {"enterprise_number": _("A merchant with this enterprise number exists.")}
        )
    existing = User.objects.filter(username__iexact=application.email).first()
    if existing is not None:
        subject, body = render_email(
            "etalage/merchants/email/application_account_exists",
            {"name": application.contact_name, "shop": application.name},
            application.language,
        )
        transaction.on_commit(
            lambda: send_mail(
                subject, body, settings.DEFAULT_FROM_EMAIL, [application.email]
            )
        )
        return None
    merchant = Merchant.objects.create(
        name=application.name,
        slug=_unique_slug(application.name),
        legal_name=application.legal_name,
        enterprise_number=application.enterprise_number,
        vat_number=application.vat_number,
        street=application.street,
        postal_code=application.postal_code,
        city=application.city,
        contact_name=application.contact_name,
        contact_email=application.email,
        phone=application.phone,
        iban=application.iban,
        bic=application.bic,
        language=application.language,
        status=Merchant.Status.APPLIED,
    )
    merchant.categories.set(application.category_ids)
    MerchantTranslation.objects.bulk_create(
        MerchantTranslation(merchant=merchant, language=language, story=story)
        for language, story in application.stories.items()
        if story.strip()
    )
    owner = User.objects.create_user(
        username=application.email,
        email=application.email,
        password=application.password,
        first_name=application.contact_name[:150],
    )
    MerchantMember.objects.create(
        merchant=merchant, user=owner, role=MerchantMember.Role.OWNER
    )
    notify_merchant(
        merchant=merchant,
        template="verify_email",
        context={"token": email_verification_token(merchant=merchant)},
    )
    return merchant


def email_verification_token(*, merchant: Merchant) -> str:
    return signing.dumps(
        {"merchant": str(merchant.pk), "email": merchant.contact_email},
        salt=_VERIFY_SALT,
    )


@transaction.atomic
def merchant_email_verify(*, token: str) -> Merchant:
    """Mark the merchant's contact email as verified (the link it was sent)."""
    try:
        data = signing.loads(token, salt=_VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            _("This link has expired; ask for a new one."), code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid."), code="invalid") from None
    merchant = Merchant.objects.select_for_update().filter(pk=data["merchant"]).first()
    if merchant is None or merchant.contact_email != data["email"]:
        raise ValidationError(_("This link is not valid."), code="invalid")
    if merchant.email_verified_at is None:
        merchant.email_verified_at = timezone.now()
        merchant.save(update_fields=["email_verified_at", "updated_at"])
    return merchant


def default_commission(*, merchant: Merchant) -> Decimal:
    """The commission proposed at approval: the highest default of its categories."""
    highest = merchant.categories.aggregate(rate=Max("default_commission_percent"))
    return highest["rate"] or Decimal(settings.ETALAGE_DEFAULT_COMMISSION_PERCENT)


def _decide(
    *,
    merchant: Merchant,
    operator: User,
    action: str,
    status: str,
    message: str = "",
    reason: str = "",
    commission: Decimal | None = None,
) -> Merchant:
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    merchant.status = status
    fields = ["status", "updated_at"]
    if commission is not None:
        merchant.default_commission_percent = commission
        fields.append("default_commission_percent")
    if status == Merchant.Status.APPROVED and merchant.approved_at is None:
        merchant.approved_at = timezone.now()
        fields.append("approved_at")
    merchant.save(update_fields=fields)
    event_record(MerchantChanged(merchant_id=merchant.pk))
    decision = MerchantDecision.objects.create(
        merchant=merchant,
        action=action,
        reason=reason,
        message=message,
        commission_percent=commission,
        decided_by=operator,
    )
    notify_merchant(
        merchant=merchant, template=f"decision_{action}", context={"decision": decision}
    )
    return merchant


def _require_message(message: str, field_name: str) -> str:
    message = (message or "").strip()
    if not message:
        raise ValidationError({field_name: _("Tell the merchant why.")})
    return message


@transaction.atomic
def merchant_approve(
    *, merchant: Merchant, operator: User, commission_percent: Decimal | None = None
) -> Merchant:
    """Approve an application (its email must be verified) at a commission rate."""
    if merchant.status not in (Merchant.Status.APPLIED, Merchant.Status.INFO_REQUESTED):
        raise MerchantDecisionRefused(
            _("Only an application can be approved; this merchant is %(status)s.")
            % {"status": merchant.get_status_display()}
        )
    if merchant.email_verified_at is None:
        raise MerchantDecisionRefused(
            _("The merchant has not verified its email address yet.")
        )
    if commission_percent is None:
        commission_percent = default_commission(merchant=merchant)
    if not Decimal(0) <= commission_percent <= Decimal(50):
        raise ValidationError(
            {"commission_percent": _("A commission is between 0 and 50 %.")}
        )
    return _decide(
        merchant=merchant,
        operator=operator,
        action=MerchantDecision.Action.APPROVE,
        status=Merchant.Status.APPROVED,
        commission=commission_percent,
    )


@transaction.atomic
def merchant_reject(
    *, merchant: Merchant, operator: User, reason: str, note: str = ""
) -> Merchant:
    """Refuse an application for ``reason`` (a ``RejectionReason``, which the
    merchant reads in its language), with the operator's ``note`` as written
    (required when the reason is "another reason")."""
    if merchant.status not in (Merchant.Status.APPLIED, Merchant.Status.INFO_REQUESTED):
        raise MerchantDecisionRefused(_("Only an application can be rejected."))
    if reason not in RejectionReason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    note = (note or "").strip()
    if reason == RejectionReason.OTHER:
        note = _require_message(note, "note")
    return _decide(
        merchant=merchant,
        operator=operator,
        action=MerchantDecision.Action.REJECT,
        status=Merchant.Status.REJECTED,
        reason=reason,
        message=note,
    )


@transaction.atomic
def merchant_request_info(
    *, merchant: Merchant, operator: User, message: str
) -> Merchant:
    if merchant.status not in (Merchant.Status.APPLIED, Merchant.Status.INFO_REQUESTED):
        raise MerchantDecisionRefused(
            _("More information can be asked only of an application.")
        )
    return _decide(
        merchant=merchant,
        operator=operator,
        action=MerchantDecision.Action.REQUEST_INFO,
        status=Merchant.Status.INFO_REQUESTED,
        message=_require_message(message, "message"),
    )


@transaction.atomic
def merchant_suspend(*, merchant: Merchant, operator: User, reason: str) -> Merchant:
    """Take an approved merchant off the marketplace; its listings disappear."""
    if merchant.status != Merchant.Status.APPROVED:
        raise MerchantDecisionRefused(_("Only an approved merchant can be suspended."))
    return _decide(
        merchant=merchant,
        operator=operator,
        action=MerchantDecision.Action.SUSPEND,
        status=Merchant.Status.SUSPENDED,
        message=_require_message(reason, "reason"),
    )


@transaction.atomic
def merchant_member_remove(*, member: MerchantMember, removed_by: User) -> None:
    """Take a person off the merchant's team; the last owner stays."""
    if member.user_id == getattr(removed_by, "pk", None):
        raise ValidationError(_("You cannot remove yourself."))
    owners = MerchantMember.objects.select_for_update().filter(
        merchant=member.merchant, role=MerchantMember.Role.OWNER
    )
    if member.role == MerchantMember.Role.OWNER and owners.count() <= 1:
        raise ValidationError(_("A merchant keeps at least one owner."))
    member.delete()


@dataclass(frozen=True)
class CompanyDetails:
    street: str
    postal_code: str
    city: str
    contact_name: str
    phone: str
    language: str
    iban: str
    bic: str


@transaction.atomic
def merchant_details_update(*, merchant: Merchant, details: CompanyDetails) -> Merchant:
    """Change the merchant's address and contacts; a new IBAN waits for approval."""
    texts_check({name: getattr(details, name) for name in MERCHANT_TEXTS[2:]})
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    for name in ("street", "postal_code", "city", "contact_name", "phone", "language"):
        setattr(merchant, name, getattr(details, name))
    before = (merchant.pending_iban, merchant.pending_bic)
    if (details.iban, details.bic) != (merchant.iban, merchant.bic):
        merchant.pending_iban, merchant.pending_bic = details.iban, details.bic
    else:
        merchant.pending_iban = merchant.pending_bic = ""
    merchant.save()
    if (
        merchant.pending_iban
        and (merchant.pending_iban, merchant.pending_bic) != before
    ):
        _owners_told(merchant, "bank_account_entered", {"iban": merchant.pending_iban})
    return merchant


def _owners_told(merchant: Merchant, template: str, context: dict[str, object]) -> None:
    """Every owner of the merchant, and its contact address, get the email (after
    the commit): a payout account change is never news to one person only."""
    owners = MerchantMember.objects.filter(
        merchant=merchant, role=MerchantMember.Role.OWNER
    ).select_related("user")
    emails = {m.user.email for m in owners if m.user.email} | {merchant.contact_email}
    for email in sorted(emails - {""}):
        notify_merchant(
            merchant=merchant, template=template, context=context, recipient=email
        )


@transaction.atomic
def merchant_bank_account_approve(
    *, merchant: Merchant, operator: User, iban: str, bic: str
) -> Merchant:
    """Make the new IBAN and BIC the operator saw (``iban``, ``bic``) the payout
    account; refused if the pending account is another one now (the owner changed
    it after the operator looked), compared under the merchant's row lock. Every
    owner is told; the first payout to it waits (``ledger.payouts.payout_held``)."""
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    if not merchant.pending_iban:
        raise MerchantDecisionRefused(_("This merchant has no new account to approve."))
    if (merchant.pending_iban, merchant.pending_bic) != (iban.strip(), bic.strip()):
        raise MerchantDecisionRefused(
            _(
                "The new account changed after you looked at it; nothing was "
                "approved. Check the account shown now."
            )
        )
    merchant.iban, merchant.bic = merchant.pending_iban, merchant.pending_bic
    merchant.pending_iban = merchant.pending_bic = ""
    merchant.bank_account_approved_at = timezone.now()
    merchant.save(
        update_fields=[
            "iban",
            "bic",
            "pending_iban",
            "pending_bic",
            "bank_account_approved_at",
            "updated_at",
        ]
    )
    decision = MerchantDecision.objects.create(
        merchant=merchant,
        action=MerchantDecision.Action.BANK_ACCOUNT,
        message=merchant.iban,
        decided_by=operator,
    )
    _owners_told(merchant, "decision_bank_account", {"decision": decision})
    return merchant
