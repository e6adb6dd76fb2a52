from django.core.management.base import BaseCommand

from botp.programmes import load_programmes


class Command(BaseCommand):
    help = "Create or update the Fedris BOTP and FA-BOTP programmes and their rules."

    def handle(self, *args, **options):
        programmes = load_programmes()
        self.stdout.write(self.style.SUCCESS(f"Programmes: {', '.join(programmes)}"))
