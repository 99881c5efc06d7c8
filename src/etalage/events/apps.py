from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "etalage.events"
    label = "events"
    verbose_name = "Domain events"

    def ready(self) -> None:
        from etalage.core.clock import chore_register
        from etalage.events.outbox import outbox_deliver_late

        chore_register("events_delivered", outbox_deliver_late)
