from decimal import Decimal

from django.db import migrations


def create_markets(apps, schema_editor):
    Market = apps.get_model("pricing", "Market")
    if Market.objects.exists():
        return
    from etalage.core.ids import new_id

    Market.objects.create(
        id=new_id(),
        code="CN",
        name="China",
        country="CN",
        currency="CNY",
        default_language="zh-hans",
        fx_margin_percent=Decimal("2.00"),
        position=0,
    )
    Market.objects.create(
        id=new_id(),
        code="BE",
        name="Belgium",
        country="BE",
        currency="EUR",
        default_language="fr",
        fx_margin_percent=Decimal("0.00"),
        position=1,
    )


class Migration(migrations.Migration):
    dependencies = [("pricing", "0001_initial")]
    operations = [migrations.RunPython(create_markets, migrations.RunPython.noop)]
