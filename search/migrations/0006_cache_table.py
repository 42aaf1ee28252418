from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # The table of the database cache (settings.CACHES without REDIS_URL), where search answers are kept;
    # nothing is made when the cache is Redis. The command is idempotent.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_thesaurus")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
