"""Search moves to an index on each node's disk (tantivy): the documents, the
vocabulary and the marks leave the database, and so do SQLite's FTS5 table and
its triggers (PostgreSQL's vector and its indexes go with the documents' table).
What stays: the log of changes the nodes' indexes follow and where each stands."""

from django.db import migrations, models

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_doc_au",
    "DROP TRIGGER IF EXISTS search_doc_ad",
    "DROP TRIGGER IF EXISTS search_doc_ai",
    "DROP TABLE IF EXISTS search_fts",
]


def _drop_fts(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_pending")]

    operations = [
        migrations.RunPython(_drop_fts, migrations.RunPython.noop),
        migrations.DeleteModel(name="SearchDocument"),
        migrations.DeleteModel(name="SearchTerm"),
        migrations.DeleteModel(name="PendingIndex"),
        migrations.CreateModel(
            name="IndexChange",
            fields=[
                ("seq", models.BigAutoField(primary_key=True, serialize=False)),
                ("product_id", models.UUIDField(null=True)),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("listing", "Listing"),
                            ("figures", "Figures"),
                            ("prices", "Prices"),
                        ],
                        max_length=8,
                    ),
                ),
                ("at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "indexes": [models.Index(fields=["at"], name="search_change_at")],
            },
        ),
        migrations.CreateModel(
            name="IndexReplica",
            fields=[
                (
                    "node",
                    models.CharField(max_length=100, primary_key=True, serialize=False),
                ),
                ("position", models.BigIntegerField(default=0)),
                ("documents", models.BigIntegerField(default=0)),
                ("size_bytes", models.BigIntegerField(default=0)),
                ("built_at", models.DateTimeField(null=True)),
                ("seen_at", models.DateTimeField()),
            ],
        ),
    ]
