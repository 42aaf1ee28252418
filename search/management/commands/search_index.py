"""`manage.py search_index rebuild | sync | status`: the search index for whichever engine is configured."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search import indexing
from search.models import IndexQueue, LexiconWord, SearchDocument
from search.service import get_engine


class Command(BaseCommand):
    help = "Rebuild the search index, deliver queued changes to Elasticsearch, or show the index's status."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "sync", "status"])
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs).")

    def handle(self, *args, action, no_progress, **options):
        engine = get_engine()
        bar_options = {"disable": no_progress, "file": self.stderr._out, "unit": "side"}
        if action == "rebuild":
            with tqdm(total=indexing.count_indexable(), desc="PostgreSQL", **bar_options) as bar:
                count = indexing.rebuild(progress=bar.update)
            self.stdout.write(f"PostgreSQL: {count} dokumenter, {LexiconWord.objects.count()} ord i leksikonet.")
            if engine.name == "elasticsearch":
                with tqdm(total=count, desc="Elasticsearch", **bar_options) as bar:
                    try:
                        indexed = engine.rebuild(progress=bar.update)
                    except Exception as error:
                        raise CommandError(
                            f"Elasticsearch på {settings.ELASTICSEARCH_URL} svarer ikke: {error}"
                        ) from error
                self.stdout.write(f"Elasticsearch: {indexed} dokumenter.")
        elif action == "sync":
            if engine.name != "elasticsearch":
                self.stdout.write("PostgreSQL-indekset opdateres sammen med siderne; der er intet at synkronisere.")
                return
            pending = IndexQueue.objects.count()
            delivered = 0
            with tqdm(total=pending, desc="Elasticsearch", **bar_options) as bar:
                try:
                    while True:
                        done = engine.sync(progress=bar.update)
                        if not done:
                            break
                        delivered += done
                except Exception as error:
                    raise CommandError(
                        f"Elasticsearch på {settings.ELASTICSEARCH_URL} svarer ikke; "
                        f"{IndexQueue.objects.count()} ændringer venter stadig i køen: {error}"
                    ) from error
            self.stdout.write(f"Leveret {delivered} ændringer til Elasticsearch.")
        else:
            self.stdout.write(f"Søgemaskine: {engine.name}")
            self.stdout.write(f"PostgreSQL: {SearchDocument.objects.count()} af {indexing.count_indexable()} sider")
            self.stdout.write(f"Leksikon: {LexiconWord.objects.count()} ord")
            if engine.name == "elasticsearch":
                count = engine.count()
                self.stdout.write(f"Elasticsearch: {count if count is not None else 'svarer ikke'}")
                self.stdout.write(f"Kø: {IndexQueue.objects.count()} ændringer venter")
