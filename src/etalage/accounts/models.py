from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from etalage.core.models import Entity


class OneTimeCode(Entity):
    """A six-digit code sent by text message, kept only as its keyed hash."""

    class Purpose(models.TextChoices):
        SIGN_UP = "sign_up", _("confirm a new account")
        PASSWORD_RESET = "password_reset", _("choose a new password")

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
