from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("merchants", "0001_initial"),
        ("orders", "0011_transition_explanation"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="suborder",
            index=models.Index(
                condition=models.Q(
                    ("state__in", ["paid", "customs_declared", "released"])
                ),
                fields=["route", "merchant"],
                name="suborder_waiting",
            ),
        ),
    ]
