from django.core.management.base import BaseCommand

from botp import demo


class Command(BaseCommand):
    help = "Create the demo programmes, accounts, provider directory and cases (idempotent)."

    def handle(self, *args, **options):
        users = demo.seed()
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {len(users)} accounts, password “{demo.DEMO_PASSWORD}”."
        ))
