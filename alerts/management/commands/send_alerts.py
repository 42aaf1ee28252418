from django.core.management.base import BaseCommand, CommandError

from alerts.models import Frequency
from alerts.sending import SendingFailed, send_alerts


class Command(BaseCommand):
    help = "Send the due e-mail alerts of saved searches and follows (run every 5 minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=Frequency.values, help="Only subscriptions of this frequency.")

    def handle(self, *args, frequency=None, **options):
        try:
            sent = send_alerts(frequency=frequency)
        except SendingFailed as error:
            raise CommandError(f"Some alerts failed and will be retried: {error}") from error
        self.stdout.write(f"{sent} alerts sent")
