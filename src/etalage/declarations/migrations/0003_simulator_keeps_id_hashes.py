"""The customs simulator keeps ID numbers by their keyed hash: those it kept in clear
before are replaced by their hash (a hash, 64 hexadecimal digits, is left as it is)."""

import re

from django.db import migrations

HASHED = re.compile(r"[0-9a-f]{64}")


def hash_kept_id_numbers(apps, schema_editor):
    from etalage.customs.identity_crypto import id_number_hmac

    documents = apps.get_model("declarations", "SimulatorDocument")
    for document in documents.objects.iterator():
        facts = dict(document.facts)
        changed = False
        for tag, value in facts.items():
            if tag.endswith("IdNumber") and value and not HASHED.fullmatch(value):
                facts[tag], changed = id_number_hmac(value), True
        if changed:
            documents.objects.filter(pk=document.pk).update(facts=facts)


class Migration(migrations.Migration):
    dependencies = [("declarations", "0002_customs_copy_number")]

    operations = [migrations.RunPython(hash_kept_id_numbers, migrations.RunPython.noop)]
