from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "etalage.declarations"
    label = "declarations"
    verbose_name = _("Customs declarations")

    def ready(self) -> None:
        from etalage.core.clock import chore_register
        from etalage.declarations.answers import answers_collect
        from etalage.declarations.services import (
            declarations_requery,
            declarations_send,
        )
        from etalage.declarations.simulator import simulator_step

        chore_register("declarations_send", declarations_send)
        chore_register("customs_simulator_step", simulator_step)
        chore_register("customs_answers_collect", answers_collect)
        chore_register("declarations_requery", declarations_requery)
