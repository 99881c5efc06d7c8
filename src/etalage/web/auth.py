"""Sign-in forms that slow down password guessing.

After ``ETALAGE_LOGIN_ATTEMPTS`` failed attempts for one user name from one address,
further attempts are refused for ``ETALAGE_LOGIN_LOCKOUT_SECONDS``, even with the
right password. The counts are shared by every worker and server (``core.limits``).
"""

import hashlib

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from etalage.accounts.services import login_username
from etalage.core.limits import limit_clear, limit_count, limit_hit


class ThrottledLoginMixin:
    def _throttle_subject(self) -> str:
        username = (self.data.get("username") or "").strip().lower()
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        digest = hashlib.sha256(f"{username}|{address}".encode()).hexdigest()
        return f"login-failures:{digest}"

    def clean(self):
        subject = self._throttle_subject()
        seconds = settings.ETALAGE_LOGIN_LOCKOUT_SECONDS
        if limit_count(subject, seconds=seconds) >= settings.ETALAGE_LOGIN_ATTEMPTS:
            raise ValidationError(
                _("Too many failed attempts. Try again in %(minutes)d minutes."),
                code="throttled",
                params={"minutes": seconds // 60},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            limit_hit(subject, seconds=seconds)
            raise
        limit_clear(subject, seconds=seconds)
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    def clean_username(self) -> str:
        """Sign in with the email address or mobile number signed up with, as typed
        (13800138000, +86 138 0013 8000, Mei@Example.cn) or by user name."""
        return login_username(self.cleaned_data.get("username", ""))


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
