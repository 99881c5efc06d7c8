from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionsConfig(AppConfig):
    name = "etalage.promotions"
    label = "promotions"
    verbose_name = _("Promotions")

    def ready(self) -> None:
        from etalage.core.books import books_check_register
        from etalage.promotions import handlers  # noqa: F401  (registers handlers)
        from etalage.promotions.checks import promotion_problems

        books_check_register("promotions", promotion_problems)
