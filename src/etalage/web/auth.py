"""Sign-in forms that slow down password guessing.

After ``ETALAGE_LOGIN_ATTEMPTS`` failed attempts for one user name from one address,
further attempts are refused for ``ETALAGE_LOGIN_LOCKOUT_SECONDS``, even with the
right password. The counts live in the cache (shared across servers with Redis).
"""

import hashlib

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ThrottledLoginMixin:
    def _throttle_key(self) -> str:
        username = (self.data.get("username") or "").strip().lower()
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        digest = hashlib.sha256(f"{username}|{address}".encode()).hexdigest()
        return f"etalage:login-failures:{digest}"

    def clean(self):
        key = self._throttle_key()
        if cache.get(key, 0) >= settings.ETALAGE_LOGIN_ATTEMPTS:
            raise ValidationError(
                _("Too many failed attempts. Try again in %(minutes)d minutes."),
                code="throttled",
                params={"minutes": settings.ETALAGE_LOGIN_LOCKOUT_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            if not cache.add(key, 1, settings.ETALAGE_LOGIN_LOCKOUT_SECONDS):
                try:
                    cache.incr(key)
                except ValueError:
                    cache.add(key, 1, settings.ETALAGE_LOGIN_LOCKOUT_SECONDS)
            raise
        cache.delete(key)
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
