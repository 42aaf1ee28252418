from django.core.management.base import BaseCommand, CommandError

from alerts.reminders import send_reminders
from alerts.sending import SendingFailed


class Command(BaseCommand):
    help = "Send each due reminder to project managers once (run daily)."

    def handle(self, *args, **options):
        try:
            sent = send_reminders()
        except SendingFailed as error:
            raise CommandError(f"Some reminders failed and will be retried: {error}") from error
        self.stdout.write(f"{sent} reminders sent")
