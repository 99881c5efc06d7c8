"""PostgreSQL at scale: the documents' rows kept small (texts and the full vector
stored out of line, so that reading a match's figures never reads its text), a
title-only vector beside the full one (small, kept in the row: what ranks a match),
an index of the titles for suggestions, and one of the documents in order of
popularity (suggestions walk it first). SQLite's FTS5 table needs none of this."""

from django.db import migrations

POSTGRES = [
    "ALTER TABLE search_searchdocument SET (toast_tuple_target = 256)",
    "ALTER TABLE search_searchdocument ALTER COLUMN title SET STORAGE EXTERNAL, "
    "ALTER COLUMN body SET STORAGE EXTERNAL, ALTER COLUMN vector SET STORAGE EXTERNAL",
    # (adding a stored generated column rewrites the table: the new storage applies
    # to every row)
    "ALTER TABLE search_searchdocument ADD COLUMN title_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED",
    "ALTER TABLE search_searchdocument ALTER COLUMN title_vector SET STORAGE MAIN",
    "CREATE INDEX search_doc_title_vector ON search_searchdocument "
    "USING GIN (title_vector)",
    "CREATE INDEX search_doc_popular ON search_searchdocument "
    "(in_stock DESC, featured DESC, sales DESC, id)",
]
POSTGRES_BACK = [
    "DROP INDEX IF EXISTS search_doc_popular",
    "DROP INDEX IF EXISTS search_doc_title_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS title_vector",
    "ALTER TABLE search_searchdocument RESET (toast_tuple_target)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_glossary")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(POSTGRES_BACK))]
