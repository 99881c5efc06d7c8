from django.db import models

from etalage.core.ids import new_id


class OutboxEvent(models.Model):
    """A domain event written in the transaction that caused it, delivered after.

    The writer adds the row in its own transaction, so an event exists exactly when
    what it tells happened; a background task delivers it to its handlers after
    commit, and a sweep delivers what a crash left behind. Handlers must tolerate a
    second delivery (a crash between handling and marking it delivered).
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    # The event's type (``etalage.events.types``), e.g. "OrderPlaced".
    topic = models.CharField(max_length=60)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        db_table = "core_outboxevent"  # the table from before events had a home
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(delivered_at__isnull=True),
                name="outbox_undelivered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.pk}"
