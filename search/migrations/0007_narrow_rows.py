import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

TABLE = "search_searchdocument"


class Migration(migrations.Migration):
    """Narrow rows: the vector and the texts out of line, the title and summary's words (`vector_head`) in the row.

    Counting the matches of a word found on most pages then reads the GIN index and rows of about 300 bytes instead
    of 3 KB, and ranking reads the small head vectors; the planner is kept from a sequential scan that would read
    every vector from TOAST (search/engines/postgres.py). This supersedes 0003, which kept the vector in the row.
    The last step writes every row again, so existing vectors move out of line too.
    """

    dependencies = [
        ("search", "0006_cache_table"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            f"ALTER TABLE {TABLE} SET (toast_tuple_target = 128), ALTER COLUMN vector SET STORAGE EXTENDED",
            f"ALTER TABLE {TABLE} RESET (toast_tuple_target), ALTER COLUMN vector SET STORAGE MAIN",
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="vector_head",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    models.F("vector"),
                    models.Value("{a,b}"),
                    function="ts_filter",
                    template='%(function)s(%(expressions)s::"char"[])',
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.RunSQL(f"ALTER TABLE {TABLE} ALTER COLUMN vector_head SET STORAGE MAIN", migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="searchdocument",
            index=django.contrib.postgres.indexes.GinIndex(fields=["vector_head"], name="search_doc_vector_head"),
        ),
        migrations.RunSQL(f"UPDATE {TABLE} SET vector = vector", migrations.RunSQL.noop),
        migrations.RunSQL(f"ANALYZE {TABLE}", migrations.RunSQL.noop),
    ]
