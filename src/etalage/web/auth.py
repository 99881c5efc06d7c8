"""Sign-in forms that slow down password guessing (``accounts.sign_in_attempt``)."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from etalage.accounts.services import login_username, sign_in_attempt
from etalage.core.client_address import client_address


class ThrottledLoginMixin:
    def clean(self):
        return sign_in_attempt(
            login=self.data.get("username") or "",
            address=client_address(self.request) if self.request else "",
            check=super().clean,
        )


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # Names what one signs in with (Django's says "a correct username").
        "invalid_login": _(
            "No account has this email address, mobile number or user name with "
            "this password. Check both (the password is case-sensitive), or reset "
            "your password."
        ),
    }

    def clean_username(self) -> str:
        """Sign in with the email address or mobile number signed up with, as typed
        (13800138000, +86 138 0013 8000, Mei@Example.cn) or by user name."""
        return login_username(self.cleaned_data.get("username", ""))


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
