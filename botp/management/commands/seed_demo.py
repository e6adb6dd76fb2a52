from django.core.management.base import BaseCommand

from botp import demo


class Command(BaseCommand):
    help = "Create the demo programmes, accounts, provider directory and cases (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--volume", type=int, default=0, metavar="N",
            help="Also create N cases spread over the states, for the load benchmark.")

    def handle(self, *args, **options):
        users = demo.seed()
        if options["volume"]:
            demo.seed_volume(options["volume"])
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {len(users)} accounts, password “{demo.DEMO_PASSWORD}”."
        ))
