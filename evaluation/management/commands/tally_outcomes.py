from django.core.management.base import BaseCommand

from evaluation import tallies


class Command(BaseCommand):
    help = "Work out the outcome dashboard's tallies again from every score."

    def handle(self, *args, **options):
        tallies.rebuild(log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Outcome tallies rebuilt."))
