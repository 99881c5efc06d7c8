from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "etalage.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        from etalage.catalog import handlers  # noqa: F401  (registers event handlers)
        from etalage.catalog.listing_prices import listing_prices_recomputed
        from etalage.catalog.services import product_import_runs_abandon
        from etalage.core.clock import chore_register

        chore_register("imports_abandoned", product_import_runs_abandon)
        chore_register("listing_prices_recomputed", listing_prices_recomputed)
