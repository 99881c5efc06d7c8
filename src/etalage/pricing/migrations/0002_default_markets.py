from django.db import migrations

from etalage.pricing.defaults import create_default_markets


def create_markets(apps, schema_editor):
    Market = apps.get_model("pricing", "Market")
    if not Market.objects.exists():
        create_default_markets(Market)


class Migration(migrations.Migration):
    dependencies = [("pricing", "0001_initial")]
    operations = [migrations.RunPython(create_markets, migrations.RunPython.noop)]
