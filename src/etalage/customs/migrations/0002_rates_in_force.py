"""The CBEC rates in force since 2019-04-01 (VAT 13 % and 9 %)."""

from django.db import migrations

from etalage.customs.defaults import create_default_tax_rates


def load(apps, schema_editor):
    create_default_tax_rates(apps.get_model("customs", "TaxClassRate"))


class Migration(migrations.Migration):
    dependencies = [("customs", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
