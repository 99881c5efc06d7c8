from django.db import models

from etalage.core.ids import new_id


class Entity(models.Model):
    """Base of Étalage's tables: a UUIDv7 key and creation/update times."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
