from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "etalage.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from django.core import checks

        from etalage.core.books import books_check_register
        from etalage.core.clock import chore_register
        from etalage.payments import handlers  # noqa: F401  (registers event handlers)
        from etalage.payments.adapters import (
            providers_checked,
            providers_deploy_checked,
        )
        from etalage.payments.antom import settings_checked as antom_settings_checked
        from etalage.payments.checks import payment_problems
        from etalage.payments.declarations import payments_declared_late
        from etalage.payments.notifications import (
            notifications_late_processed,
            payments_quiet_queried,
            refunds_quiet_asked_again,
            refused_notifications_purged,
        )
        from etalage.payments.wechat_customs import customs_code_checked
        from etalage.payments.wechat_renewal import platform_certificates_kept_fresh

        checks.register(customs_code_checked)
        checks.register(antom_settings_checked)
        checks.register(providers_checked)
        checks.register(providers_deploy_checked, deploy=True)
        books_check_register("payments", payment_problems)
        chore_register("notifications_late_processed", notifications_late_processed)
        chore_register("payments_quiet_queried", payments_quiet_queried)
        chore_register("refused_notifications_purged", refused_notifications_purged)
        chore_register("refunds_quiet_asked_again", refunds_quiet_asked_again)
        chore_register("payments_declared_late", payments_declared_late)
        chore_register(
            "wechat_certificates_kept_fresh", platform_certificates_kept_fresh
        )
