from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "etalage.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        import atexit

        from django.conf import settings

        from etalage.analytics.product_views import product_views_flush

        # Views counted since the last flush are written when the process ends
        # (a worker restarted by gunicorn, the dev server stopped); not in tests,
        # whose database is gone by then (they flush when they mean to).
        if settings.ETALAGE_PRODUCT_VIEWS_FLUSH_SECONDS is not None:
            atexit.register(product_views_flush)
