from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "etalage.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from etalage.core.clock import chore_register
        from etalage.search import handlers  # noqa: F401  (registers event handlers)
        from etalage.search.index import pending_late_indexed, search_figures_refresh

        chore_register("search_figures_refreshed", search_figures_refresh)
        chore_register("search_pending_indexed", pending_late_indexed)
