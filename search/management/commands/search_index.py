"""`manage.py search_index rebuild | sync | status`: the search index for whichever engine is configured."""

import contextlib

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search.engines import get_engine
from search.engines.base import EngineUnavailable


class Command(BaseCommand):
    help = "Rebuild the search index, deliver queued changes to Elasticsearch, or show the index's status."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "sync", "status"])
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs).")

    def handle(self, *args, action, no_progress, **options):
        engine = get_engine()

        @contextlib.contextmanager
        def progress(description, total):
            with tqdm(total=total, desc=description, disable=no_progress, file=self.stderr._out, unit="side") as bar:
                yield bar.update

        try:
            if action == "rebuild":
                engine.rebuild(progress=progress, report=self.stdout.write)
            elif action == "sync":
                engine.sync(progress=progress, report=self.stdout.write)
            else:
                self.stdout.write(f"Søgemaskine: {engine.name}")
                for line in engine.status():
                    self.stdout.write(line)
        except EngineUnavailable as error:
            raise CommandError(str(error)) from error
