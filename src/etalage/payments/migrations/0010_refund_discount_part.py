from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0009_dashboard_indexes"),
    ]

    operations = [
        # Nullable: a refund recorded before it (or by the operator by hand) has no
        # share recorded, and the ledger keeps its proportional rule for it.
        migrations.AddField(
            model_name="refund",
            name="discount_part",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=12,
                null=True,
                verbose_name="non-cash discount (CEB311)",
            ),
        ),
    ]
