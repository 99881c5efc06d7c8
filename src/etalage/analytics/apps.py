from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "etalage.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        import atexit

        from etalage.analytics.product_views import product_views_flush

        # Views counted since the last flush are written when the process ends
        # (a worker restarted by gunicorn, the dev server stopped).
        atexit.register(product_views_flush)
