from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

# The table of the database cache (config/settings/base.py without REDIS_URL), where search answers and Wagtail's
# site paths are kept. Made whatever the cache of the settings that run the migration (the tests keep theirs in
# memory, yet a server started on the same database with the production settings needs the table).
CACHE_TABLE = "django_cache"


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {CACHE_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("search", "0005_thesaurus")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
