"""`manage.py import_experiments FILE [--dry-run] [--publish] [--user NAME]`: experiments from CSV or XLSX."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from experiments.importing import ImportRejected, experiment_import, read_rows
from experiments.spreadsheet_format import COLUMN_BY_KEY

# Files with at least this many rows to write show a progress bar (on a terminal).
PROGRESS_FROM = 200


class Command(BaseCommand):
    help = _(
        "Indlæser forsøg fra en CSV- eller XLSX-fil (se docs/import-format.md). Alle rækker kontrolleres først; "
        "er der fejl, gemmes intet. Uden --publish gemmes ændringer som kladder til godkendelse."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("CSV- eller XLSX-filen"))
        parser.add_argument("--dry-run", action="store_true", help=_("kontrollér og vis hvad der ville ske"))
        parser.add_argument("--publish", action="store_true", help=_("udgiv ændringerne med det samme"))
        parser.add_argument("--user", help=_("brugernavnet, ændringerne gemmes i navnet af"))

    def handle(self, *args, file, dry_run, publish, user, verbosity, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Kan ikke læse %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        account = None
        if user:
            account = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: user}).first()
            if account is None:
                raise CommandError(_("Ukendt bruger: %(user)s") % {"user": user})

        def progress(plans):
            return tqdm(
                plans,
                desc=_("Gemmer"),
                unit=_(" forsøg"),
                file=self.stderr._out,
                disable=True if len(plans) < PROGRESS_FROM else None,
            )

        try:
            table = read_rows(data, filename=path.name)
            report = experiment_import(rows=table, user=account, publish=publish, dry_run=dry_run, progress=progress)
        except ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            if rejected.mappings:
                self.stderr.write(
                    _(
                        "Kommunernes egne ord for målgrupper og fagområder bekræftes i administrationen under "
                        "»Importér forsøg« eller »Egne betegnelser«; derefter kan filen importeres."
                    )
                )
            raise CommandError(
                _("%(count)s fejl i %(file)s; intet er gemt.") % {"count": len(rejected.problems), "file": path.name}
            ) from None

        for heading in report.ignored_headings:
            self.stdout.write(_("Kolonnen »%(heading)s« kendes ikke og er sprunget over.") % {"heading": heading})
        if dry_run:
            self.stdout.write(_("Prøvekørsel: intet er gemt."))
        created = _("Ville oprette") if dry_run else _("Oprettet")
        updated = _("Ville opdatere") if dry_run else _("Opdateret")
        for outcome in report.created:
            self.stdout.write(f"{created}: {outcome}")
        for outcome in report.updated:
            columns = ", ".join(COLUMN_BY_KEY[key].heading for key in outcome.changed)
            self.stdout.write(f"{updated}: {outcome} [{columns}]")
        if verbosity > 1:
            for outcome in report.unchanged:
                self.stdout.write(_("Uændret: %(outcome)s") % {"outcome": outcome})
        self.stdout.write(
            _("%(created)s oprettet, %(updated)s opdateret, %(unchanged)s uændret.")
            % {"created": len(report.created), "updated": len(report.updated), "unchanged": len(report.unchanged)}
        )
        if not dry_run and (report.created or report.updated):
            if publish:
                self.stdout.write(_("Ændringerne er udgivet."))
            else:
                self.stdout.write(_("Ændringerne er gemt som kladder og sendt til godkendelse."))
