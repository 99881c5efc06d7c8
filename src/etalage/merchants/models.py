from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from etalage.core.ids import new_id
from etalage.core.languages import Language
from etalage.core.models import Entity
from etalage.core.text import validate_multiline_text, validate_text
from etalage.merchants.validators import (
    validate_enterprise_number,
    validate_iban,
    validate_vat_number,
)


class Merchant(Entity):
    """A producer that sells on Étalage."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        INFO_REQUESTED = "info_requested", _("More information requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    @property
    def may_change(self) -> bool:
        """Whether the merchant's people may change its catalogue, stock and
        settings (a suspended or rejected merchant's portal is read-only)."""
        return self.status not in (self.Status.SUSPENDED, self.Status.REJECTED)

    name = models.CharField(
        _("trading name"), max_length=120, validators=[validate_text]
    )
    slug = models.SlugField(max_length=140, unique=True)
    legal_name = models.CharField(
        _("legal name"), max_length=200, validators=[validate_text]
    )
    enterprise_number = models.CharField(
        _("enterprise number (KBO/BCE)"),
        max_length=10,
        unique=True,
        validators=[validate_enterprise_number],
    )
    vat_number = models.CharField(
        _("VAT number"), max_length=14, validators=[validate_vat_number]
    )
    street = models.CharField(
        _("street and number"), max_length=200, blank=True, validators=[validate_text]
    )
    postal_code = models.CharField(
        _("postal code"), max_length=10, blank=True, validators=[validate_text]
    )
    city = models.CharField(_("city"), max_length=100, validators=[validate_text])
    contact_name = models.CharField(
        _("contact person"), max_length=200, blank=True, validators=[validate_text]
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    email_verified_at = models.DateTimeField(
        _("email verified at"), null=True, blank=True
    )
    phone = models.CharField(_("phone (E.164)"), max_length=20, blank=True)
    language = models.CharField(
        _("language for messages"), max_length=8, choices=Language, default="fr"
    )
    categories = models.ManyToManyField(
        "catalog.Category", blank=True, related_name="+", verbose_name=_("categories")
    )
    founded_year = models.PositiveSmallIntegerField(_("founded"), null=True, blank=True)
    iban = models.CharField(
        _("IBAN"), max_length=34, blank=True, validators=[validate_iban]
    )
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    # A new payout account waits for the operator's approval; payouts keep going to
    # the approved one until then.
    pending_iban = models.CharField(
        _("new IBAN, to approve"), max_length=34, blank=True
    )
    pending_bic = models.CharField(_("new BIC, to approve"), max_length=11, blank=True)
    # When the operator approved the payout account: the first payout to it waits
    # ETALAGE_NEW_ACCOUNT_HOLD_DAYS from then.
    bank_account_approved_at = models.DateTimeField(
        _("payout account approved at"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.APPLIED
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    default_commission_percent = models.DecimalField(
        _("commission %"), max_digits=5, decimal_places=2, default=15
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        indexes = [models.Index(fields=["status", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class RejectionReason(models.TextChoices):
    """Why an application is refused, chosen from a list so that the merchant reads
    it in its own language (a note the operator adds is shown as written)."""

    NOT_BELGIAN = (
        "not_belgian",
        _("The marketplace is for producers established in Belgium."),
    )
    ENTERPRISE = (
        "enterprise",
        _(
            "The enterprise number is not that of an active company in the Crossroads "
            "Bank for Enterprises (KBO/BCE)."
        ),
    )
    PRODUCTS = (
        "products",
        _(
            "The products cannot be sold to China as cross-border e-commerce (they are "
            "not on China's positive list)."
        ),
    )
    INCOMPLETE = (
        "incomplete",
        _("The application is incomplete, and the information asked for did not come."),
    )
    ALREADY_SELLING = (
        "already_selling",
        _("The company already sells on Étalage under another account."),
    )
    OTHER = "other", _("Another reason, in the note below.")


class MerchantDecision(models.Model):
    """What the operator decided about a merchant, by whom and when: the audit trail."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        REQUEST_INFO = "request_info", _("Asked for more information")
        SUSPEND = "suspend", _("Suspended")
        BANK_ACCOUNT = "bank_account", _("New payout account approved")

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="decisions"
    )
    action = models.CharField(_("decision"), max_length=16, choices=Action)
    # A rejection's reason, from the list (translated for the merchant); the
    # message is the operator's own words, shown as written.
    reason = models.CharField(
        _("reason"), max_length=20, choices=RejectionReason, blank=True
    )
    message = models.TextField(_("reason or message"), blank=True)
    commission_percent = models.DecimalField(
        _("commission %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("merchant decision")
        verbose_name_plural = _("merchant decisions")

    def __str__(self) -> str:
        return f"{self.merchant}: {self.action}"


class MerchantTranslation(models.Model):
    """A merchant's tagline and brand story in one language."""

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=8, choices=Language)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    story = models.TextField(
        _("brand story"), blank=True, validators=[validate_multiline_text]
    )

    class Meta:
        verbose_name = _("merchant translation")
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "language"], name="merchant_translation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.merchant} ({self.language})"


class MerchantMember(models.Model):
    """A person who works for a merchant, with one role."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        CATALOGUE = "catalogue", _("Catalogue manager")
        FULFILMENT = "fulfilment", _("Fulfilment")
        FINANCE = "finance", _("Finance")

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("merchant member")
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "user"], name="merchant_member_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.merchant} ({self.role})"


class ApiKey(models.Model):
    """A merchant's key to the merchant API; only its SHA-256 digest is stored."""

    class Scope(models.TextChoices):
        CATALOG_READ = "catalog:read", _("Read the catalogue")
        CATALOG_WRITE = "catalog:write", _("Change the catalogue")
        ORDERS_READ = "orders:read", _("Read your orders")
        ORDERS_WRITE = "orders:write", _("Ship your orders (pack, label, hand over)")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} (etl_{self.prefix}_…)"


class IdempotentRequest(models.Model):
    """The first answer to a write sent with an Idempotency-Key, to replay it."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_digest = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "key"], name="idempotency_key_unique"
            )
        ]

    def __str__(self) -> str:
        return self.key
