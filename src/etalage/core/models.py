from django.db import models

from etalage.core.ids import new_id


class Entity(models.Model):
    """Base of Étalage's tables: a UUIDv7 key and creation/update times."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RateCounter(models.Model):
    """How many times something happened in one time window (``core.limits``).

    Shared by every worker and server through the database; expired windows are
    swept by the clock. With Redis configured the counts live there instead.
    """

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class Sequence(models.Model):
    """A named counter that gives out 1, 2, 3…, each number once however many ask
    at the same time (``core.sequences``)."""

    name = models.CharField(max_length=100, primary_key=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last}"
