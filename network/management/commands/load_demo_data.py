import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from experiments.models import ExperimentPage
from network.demo.experiments import load_demo_experiments
from network.demo.knowledge import load_demo_articles
from network.demo_users import create_demo_users, missing_demo_usernames, validate_demo_password
from network.setup import setup_network


class Command(BaseCommand):
    help = (
        "Opretter netværket (som setup_network) og indlæser demoforsøg og vidensartikler; med --with-users også "
        "demobrugere med adgangskoden i DEMO_PASSWORD (kun når DEBUG er slået til). Kan køres igen uden at ændre noget."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="Opret også demobrugerne, alle med samme kendte adgangskode. Kun når DEBUG er slået til.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Gør ingenting, hvis der allerede findes forsøg.",
        )

    def handle(self, *args, with_users=False, if_empty=False, **options):
        # Users who share one known password are for a developer's machine, never for a site others can reach.
        if with_users and not settings.DEBUG:
            raise CommandError(
                "Demobrugerne oprettes ikke, fordi DEBUG er slået fra: de deler én kendt adgangskode og hører kun "
                "hjemme på en udviklers egen maskine. Intet er ændret."
            )
        if if_empty and ExperimentPage.objects.exists():
            self.stdout.write("Der findes allerede forsøg; demodata indlæses ikke.")
            return

        password = generated_password = None
        if with_users and missing_demo_usernames():
            password = os.environ.get("DEMO_PASSWORD") or None
            if password is None:
                password = generated_password = secrets.token_urlsafe(12)
            try:
                validate_demo_password(password)
            except ValidationError as error:
                raise CommandError(
                    "Adgangskoden i DEMO_PASSWORD er for svag: " + " ".join(error.messages) + " Intet er oprettet."
                ) from error
        with transaction.atomic():
            setup_network()
            users = create_demo_users(password=password) if password else []
            admin = get_user_model().objects.filter(username="admin", is_superuser=True).first()
            experiments = load_demo_experiments(user=admin)
            articles = load_demo_articles(user=admin)

        self.stdout.write(
            self.style.SUCCESS(
                f"Demodata indlæst: {len(experiments)} nye forsøg, {len(articles)} nye vidensartikler og "
                f"{len(users)} nye brugere."
            )
        )
        if not with_users:
            self.stdout.write("Ingen brugere oprettet. Brug --with-users for at oprette demobrugerne (kun med DEBUG).")
        if generated_password:
            self.stdout.write(
                f"Demobrugernes adgangskode er {generated_password} (vises kun nu; sæt DEMO_PASSWORD for at vælge den)."
            )
