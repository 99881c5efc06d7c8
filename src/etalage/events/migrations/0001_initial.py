# The outbox moves from core to events; its table stays where it is.

import etalage.core.ids
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxEvent",
                    fields=[
                        ("id", models.UUIDField(default=etalage.core.ids.new_id, editable=False, primary_key=True, serialize=False)),
                        ("topic", models.CharField(max_length=60)),
                        ("payload", models.JSONField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("delivered_at", models.DateTimeField(blank=True, null=True)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                    ],
                    options={
                        "db_table": "core_outboxevent",
                        "indexes": [models.Index(condition=models.Q(("delivered_at__isnull", True)), fields=["created_at"], name="outbox_undelivered")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
