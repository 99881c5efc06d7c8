from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "etalage.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from etalage.core.books import books_check_register, books_note_register
        from etalage.core.clock import chore_register
        from etalage.search import handlers  # noqa: F401  (registers event handlers)
        from etalage.search.feed import changes_purge
        from etalage.search.handlers import (
            prices_of_the_day_indexed,
            sold_month_window_moved,
            stock_moves_refigured,
        )
        from etalage.search.status import index_notes, index_problems

        chore_register("search_stock_refigured", stock_moves_refigured)
        chore_register("search_prices_of_the_day", prices_of_the_day_indexed)
        chore_register("search_sold_month_window", sold_month_window_moved)
        chore_register("search_changes_purged", changes_purge)
        books_check_register("search", index_problems)
        books_note_register("search", index_notes)
