from django.core.management.base import BaseCommand

from network.setup import setup_network


class Command(BaseCommand):
    help = (
        "Opretter netværket, de ni kommuner, love og bestemmelser, målgrupper, fagområder, grupper, rettigheder og "
        "arbejdsgange. Ingen forsøg og ingen brugere. Kan køres igen uden at ændre noget."
    )

    def handle(self, *args, **options):
        home = setup_network()
        self.stdout.write(self.style.SUCCESS(f"Netværket er klar: {home.title} ({home.url_path})"))
