from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "etalage.accounts"
    label = "accounts"
    verbose_name = _("Buyer accounts")

    def ready(self) -> None:
        from django.core import checks

        from etalage.accounts.wechat_sign_in import (
            settings_checked,
            settings_deploy_checked,
        )

        checks.register(settings_checked)
        checks.register(settings_deploy_checked, deploy=True)
