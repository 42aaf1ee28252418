import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from experiments.models import ExperimentPage
from network.demo.experiments import load_demo_experiments
from network.demo.knowledge import load_demo_articles
from network.demo_users import create_demo_users, missing_demo_usernames
from network.setup import setup_network


class Command(BaseCommand):
    help = (
        "Opretter netværket (som setup_network) og indlæser demoforsøg, vidensartikler og demobrugere. "
        "Brugerne får adgangskoden i DEMO_PASSWORD. Kan køres igen uden at ændre noget."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="Opret demobrugerne, også når DEBUG er slået fra.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Gør ingenting, hvis der allerede findes forsøg.",
        )

    def handle(self, *args, with_users=False, if_empty=False, **options):
        if if_empty and ExperimentPage.objects.exists():
            self.stdout.write("Der findes allerede forsøg; demodata indlæses ikke.")
            return

        create_users = settings.DEBUG or with_users
        generated_password = None
        with transaction.atomic():
            setup_network()
            users = []
            if create_users and missing_demo_usernames():
                password = os.environ.get("DEMO_PASSWORD") or None
                if password is None:
                    password = generated_password = secrets.token_urlsafe(12)
                users = create_demo_users(password=password)
            admin = get_user_model().objects.filter(username="admin", is_superuser=True).first()
            experiments = load_demo_experiments(user=admin)
            articles = load_demo_articles(user=admin)

        self.stdout.write(
            self.style.SUCCESS(
                f"Demodata indlæst: {len(experiments)} nye forsøg, {len(articles)} nye vidensartikler og "
                f"{len(users)} nye brugere."
            )
        )
        if not create_users:
            self.stdout.write(
                self.style.WARNING(
                    "Ingen brugere oprettet, fordi DEBUG er slået fra. Brug --with-users for at oprette demobrugerne."
                )
            )
        if generated_password:
            self.stdout.write(
                f"Demobrugernes adgangskode er {generated_password} (vises kun nu; sæt DEMO_PASSWORD for at vælge den)."
            )
