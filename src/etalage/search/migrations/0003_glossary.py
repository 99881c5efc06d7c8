"""The marketplace's first glossary: words buyers and merchants use for the same
things (the operator edits it in the back-office)."""

from django.db import migrations

from etalage.core.ids import new_id

ENTRIES = [
    ("华夫饼 = 华夫 = gaufre = wafel = waffle", "waffles"),
    ("巧克力 = 朱古力 = chocolat = chocolade = chocolate", "chocolate"),
    ("果仁糖 = 夹心巧克力 = praline = pralines = praliné", "pralines"),
    ("啤酒 = bière = bier = beer", "beer"),
    ("精酿 → craft, abbaye, abdij, trappiste, triple, tripel", "craft beer"),
    ("修道院 → abbaye, abdij, abbey, trappiste, trappist", "abbey beer"),
    ("杜松子酒 = genièvre = jenever = genever", "jenever"),
    ("蕾丝 = 花边 = dentelle = kant = lace", "lace"),
    ("帽子 = chapeau = hoed = hat", "hats"),
    ("饼干 = 焦糖饼干 = speculoos = speculaas = biscuit = koekje", "biscuits"),
    ("护肤 = 护肤品 = soin = huidverzorging = skincare", "skincare"),
    ("钻石 = diamant = diamond", "diamonds"),
    ("玩具 = jouet = speelgoed = toy", "toys"),
    ("比利时 = belgique = belgie = belgium = belge = belges = belgisch = belgische "
     "= belgian", "Belgium"),
]


def load(apps, schema_editor):
    GlossaryEntry = apps.get_model("search", "GlossaryEntry")


    for terms, note in ENTRIES:
        GlossaryEntry.objects.create(id=new_id(), terms=terms, note=note)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_engines")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
