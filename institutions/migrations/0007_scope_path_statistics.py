"""PostgreSQL keeps a finer histogram of ``scope_path`` (2,000 buckets instead of 100).

Every page a user sees is filtered by ``scope_path LIKE '<their unit's path>%'``. With the
default histogram PostgreSQL guessed a township of 24 institutions at about 480 rows (50,000
institutions, 2,000 townships), and planned for that: the registry list walked the province's
12,000 org units in path order to fill its first page (100 ms), the risk list read the whole
rating table to count 16 rows (15 ms). With the finer histogram it guesses 16 and reads the
township's rows first: 0.3 ms and 0.2 ms (docs/performance.md, "load").

A no-op on SQLite, which has no such statistics.
"""

from django.db import migrations

TABLE = "institutions_institution"


def finer_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN scope_path SET STATISTICS 2000")
    schema_editor.execute(f"ANALYZE {TABLE}")


def default_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN scope_path SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("institutions", "0006_institution_filed_on")]

    operations = [migrations.RunPython(finer_statistics, default_statistics, elidable=False)]
