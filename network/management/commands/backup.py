"""`manage.py backup [PATH]`: the database and the media files in one archive (see network/backup.py)."""

import datetime
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from network.backup import BackupError, site_backup


class Command(BaseCommand):
    help = (
        "Tager en sikkerhedskopi af databasen (pg_dump --format=custom) og mediefilerne i ét tar-arkiv "
        "med et manifest. "
        "Genskab den med manage.py restore."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="Arkivets sti (standard: var/backups/frikommune-<tidspunkt>.tar).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Databasens alias i settings.")

    def handle(self, *args, path, database, **options):
        if path is None:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
            path = Path(settings.BASE_DIR) / "var" / "backups" / f"frikommune-{stamp}.tar"
        started = time.monotonic()
        try:
            result = site_backup(path=Path(path), alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"PostgreSQL {result.server_version}: brugte {result.tools.describe()}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Sikkerhedskopi skrevet til {result.path}: {result.size / 1_000_000:.1f} MB, "
                f"{result.media_files} mediefiler, {time.monotonic() - started:.1f} s."
            )
        )
