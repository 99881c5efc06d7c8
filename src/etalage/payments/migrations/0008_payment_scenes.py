from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0007_notification_error_attempts"),
    ]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="scene",
            field=models.CharField(blank=True, max_length=16, verbose_name="scene"),
        ),
        migrations.AddField(
            model_name="payment",
            name="prepay_id",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="prepay id"
            ),
        ),
        migrations.AddField(
            model_name="payment",
            name="app_id",
            field=models.CharField(blank=True, max_length=32, verbose_name="app id"),
        ),
        migrations.AddField(
            model_name="sandboxpayment",
            name="scene",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AddField(
            model_name="sandboxpayment",
            name="app_id",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AddField(
            model_name="sandboxpayment",
            name="payer_openid",
            field=models.CharField(blank=True, max_length=128),
        ),
        migrations.AddField(
            model_name="sandboxpayment",
            name="prepay_id",
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
