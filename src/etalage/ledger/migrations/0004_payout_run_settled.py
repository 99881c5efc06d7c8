"""A payout run reads settled once the bank accounted for every payout of it."""

from django.db import migrations, models


def settle(apps, schema_editor):
    """The runs already sent whose every payout the bank booked or returned."""
    PayoutRun = apps.get_model("ledger", "PayoutRun")
    PayoutRun.objects.filter(state="sent").exclude(
        payouts__state__in=["prepared", "sent"]
    ).update(state="settled")


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_bank_statements_by_the_bank"),
    ]

    operations = [
        migrations.AlterField(
            model_name="payoutrun",
            name="state",
            field=models.CharField(
                choices=[
                    ("prepared", "prepared"),
                    ("sent", "file downloaded for the bank"),
                    ("settled", "settled by the bank"),
                ],
                default="prepared",
                max_length=12,
                verbose_name="state",
            ),
        ),
        migrations.RunPython(settle, migrations.RunPython.noop),
    ]
