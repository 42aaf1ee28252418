import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

TABLE = "search_searchdocument"


class Migration(migrations.Migration):
    """The title's words in the row (`vector_title`), a first tier for ranking words found on most pages."""

    dependencies = [("search", "0007_narrow_rows")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="vector_title",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    models.F("vector"),
                    models.Value("{a}"),
                    function="ts_filter",
                    template='%(function)s(%(expressions)s::"char"[])',
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.RunSQL(f"ALTER TABLE {TABLE} ALTER COLUMN vector_title SET STORAGE MAIN", migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="searchdocument",
            index=django.contrib.postgres.indexes.GinIndex(fields=["vector_title"], name="search_doc_vector_title"),
        ),
        # Written again, so that the new column stays in the row (it went out of line with the column's addition).
        migrations.RunSQL(f"UPDATE {TABLE} SET vector = vector", migrations.RunSQL.noop),
        migrations.RunSQL(f"ANALYZE {TABLE}", migrations.RunSQL.noop),
    ]
