from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "etalage.ledger"
    label = "ledger"
    verbose_name = _("Ledger and payouts")

    def ready(self) -> None:
        from etalage.core.books import books_check_register
        from etalage.core.clock import chore_register
        from etalage.ledger import handlers  # noqa: F401  (registers event handlers)
        from etalage.ledger.bank import queued_statements_imported
        from etalage.ledger.checks import ledger_problems
        from etalage.ledger.postings import books_matured

        books_check_register("ledger", ledger_problems)
        chore_register("ledger_books_matured", books_matured)
        chore_register("ledger_queued_statements_imported", queued_statements_imported)
