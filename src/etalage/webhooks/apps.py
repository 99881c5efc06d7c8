from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "etalage.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks to merchants")

    def ready(self) -> None:
        from etalage.core.clock import chore_register
        from etalage.webhooks import handlers  # noqa: F401  (registers event handlers)
        from etalage.webhooks.delivery import webhooks_sent

        chore_register("webhooks_sent", webhooks_sent)
