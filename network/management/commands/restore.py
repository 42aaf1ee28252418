"""`manage.py restore ARCHIVE [--force]`: the database and the media files back from a backup (network/backup.py)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from network.backup import BackupError, site_restore


class Command(BaseCommand):
    help = (
        "Genskaber databasen og mediefilerne fra en sikkerhedskopi fra manage.py backup. Alt i databasen og blandt "
        "mediefilerne erstattes; en database, der ikke er tom, kræver --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Arkivet fra manage.py backup.")
        parser.add_argument("--force", action="store_true", help="Erstat også en database, der ikke er tom.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Databasens alias i settings.")

    def handle(self, *args, path, force, database, **options):
        started = time.monotonic()
        try:
            result = site_restore(path=Path(path), force=force, alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(f"Brugte {result.tools.describe()}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Genskabt fra sikkerhedskopien af {manifest['created_at']} (PostgreSQL "
                f"{manifest['database']['server_version']}): databasen og {result.media_files} mediefiler, "
                f"{time.monotonic() - started:.1f} s."
            )
        )
