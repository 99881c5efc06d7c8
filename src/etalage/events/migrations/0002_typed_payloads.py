# Events became typed dataclasses: rename the keys of the payloads still waiting.

from django.db import migrations

RENAMED = {"order": "order_id", "sub_orders": "sub_order_ids"}


def rename_keys(apps, schema_editor):
    OutboxEvent = apps.get_model("events", "OutboxEvent")
    for event in OutboxEvent.objects.filter(topic__startswith="Order"):
        payload = {RENAMED.get(key, key): value for key, value in event.payload.items()}
        if event.topic in ("OrderPaid", "OrderCancelled"):
            payload.setdefault("sub_order_ids", [])
            payload.setdefault("number", "")
        if payload != event.payload:
            event.payload = payload
            event.save(update_fields=["payload"])


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(rename_keys, migrations.RunPython.noop),
    ]
