from django.core.management.base import BaseCommand, CommandError

from alerts.digest import send_digest
from alerts.sending import SendingFailed


class Command(BaseCommand):
    help = "Send the weekly digest to the ministry and the network coordinator (run weekly; once per ISO week)."

    def handle(self, *args, **options):
        try:
            sent = send_digest()
        except SendingFailed as error:
            raise CommandError(f"Some digests failed and will be retried: {error}") from error
        self.stdout.write(f"{sent} digests sent")
