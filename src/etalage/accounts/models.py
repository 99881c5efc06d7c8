from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from etalage.core.languages import Language
from etalage.core.models import Entity


class OneTimeCode(Entity):
    """A six-digit code sent by text message, kept only as its keyed hash."""

    class Purpose(models.TextChoices):
        SIGN_UP = "sign_up", _("confirm a new account")
        PASSWORD_RESET = "password_reset", _("choose a new password")
        ADD_MOBILE = "add_mobile", _("add a mobile number for order texts")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    purpose = models.CharField(max_length=20, choices=Purpose)
    code_hmac = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose"])]

    def __str__(self) -> str:
        return f"{self.purpose} code for {self.user_id}"


class SignInAddress(Entity):
    """A client address a login signed in from, both kept as keyed hashes: guesses
    from other addresses never pause the login there (``sign_in_attempt``)."""

    login_hmac = models.CharField(max_length=64)
    address_hmac = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["login_hmac", "address_hmac"], name="sign_in_address_once"
            )
        ]

    def __str__(self) -> str:
        return f"sign-in address {self.address_hmac[:8]}"


class TeamInvitation(Entity):
    """A merchant owner's invitation to join the team in a role: sent by email as a
    link (the token is kept only as its keyed hash), accepted by the person invited,
    signed in, before it expires; nobody joins a team otherwise."""

    merchant = models.ForeignKey(
        "merchants.Merchant", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    token_hmac = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["merchant", "email"])]

    def __str__(self) -> str:
        return f"invitation of {self.email} to {self.merchant_id}"


class NoticePreferences(Entity):
    """How a buyer wants to hear about their orders, per channel (no row: every
    channel on), an email address waiting for its confirmation link, a mobile
    number added for texts (and one waiting for its code), and the language the
    buyer reads (the API answers in it when a request does not say)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    order_emails = models.BooleanField(_("emails about my orders"), default=True)
    order_texts = models.BooleanField(_("text messages about my orders"), default=True)
    email_pending = models.EmailField(blank=True)
    # A number added to an account opened by email, once its code is typed (E.164).
    mobile = models.CharField(max_length=20, blank=True)
    mobile_pending = models.CharField(max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language, blank=True
    )

    def __str__(self) -> str:
        return f"notice preferences of {self.user_id}"


class WeChatIdentity(Entity):
    """A buyer's WeChat user for one of Étalage's WeChat apps (the official account
    whose pages WeChat's browser shows, a mini-program): the ``openid`` WeChat gives
    for that app, and the ``unionid`` it gives across the apps of one Open Platform
    account, where it gives one. Signing in with WeChat finds the buyer by it; a
    JSAPI payment names the buyer by the openid of the app it is made in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="wechat_identities",
        verbose_name=_("account"),
    )
    app_id = models.CharField(_("app id"), max_length=32)
    openid = models.CharField(_("openid"), max_length=128)
    unionid = models.CharField(_("unionid"), max_length=128, blank=True, db_index=True)
    # The WeChat name the buyer agreed to share (snsapi_userinfo), else empty.
    nickname = models.CharField(_("WeChat name"), max_length=100, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("WeChat identity")
        verbose_name_plural = _("WeChat identities")
        constraints = [
            models.UniqueConstraint(
                fields=["app_id", "openid"], name="wechat_identity_openid_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.app_id} {self.openid}"


class SandboxWeChatGrant(Entity):
    """The embedded sandbox's stand-in for WeChat: a code it gave a WeChat user of
    the sandbox for an app (web authorization, or a mini-program's ``wx.login``),
    used once, and the access token it was exchanged for. Never WeChat's own."""

    app_id = models.CharField(max_length=32)
    kind = models.CharField(max_length=16)  # "oauth" or "mini_program"
    scope = models.CharField(max_length=20, blank=True)
    code = models.CharField(max_length=64, unique=True)
    access_token = models.CharField(max_length=64, blank=True, db_index=True)
    openid = models.CharField(max_length=128)
    unionid = models.CharField(max_length=128)
    nickname = models.CharField(max_length=100, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sandbox WeChat grant for {self.app_id}"
