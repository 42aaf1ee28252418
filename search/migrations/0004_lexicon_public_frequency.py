import re

from django.db import migrations, models

_WORD = re.compile(r"[^\W\d_]{3,60}")


def count_words(apps, schema_editor):
    """Count each word's pages and public pages afresh from the indexed documents, which hold every page's text.

    Until now a word's frequency grew with every publish and never shrank; the lexicon is derived from the
    documents, so it is recounted from them and nothing else changes.
    """
    from core.text import fold

    SearchDocument = apps.get_model("search", "SearchDocument")
    LexiconWord = apps.get_model("search", "LexiconWord")
    counts: dict[str, list[int]] = {}
    rows = SearchDocument.objects.values_list("title", "text_b", "text_c", "text_d", "visibility")
    for title, text_b, text_c, text_d, visibility in rows.iterator(chunk_size=200):
        for word in set(_WORD.findall(fold(" ".join([title, text_b, text_c, text_d])))):
            count = counts.setdefault(word, [0, 0])
            count[0] += 1
            count[1] += visibility == "public"
    LexiconWord.objects.all().delete()
    words = sorted(counts)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO search_lexiconword (word, lexeme, frequency, public_frequency)
            SELECT w, (ts_lexize('danish_stem', w))[1], n, p FROM unnest(%s::text[], %s::int[], %s::int[]) AS u(w, n, p)
            WHERE (ts_lexize('danish_stem', w))[1] IS NOT NULL
            """,
            [words, [counts[w][0] for w in words], [counts[w][1] for w in words]],
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0003_vector_storage_main")]

    operations = [
        migrations.AddField(
            model_name="lexiconword",
            name="public_frequency",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(count_words, migrations.RunPython.noop),
    ]
