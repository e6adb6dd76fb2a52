from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from botp.instruments import DefinitionError
from evaluation.loading import load_instruments


class Command(BaseCommand):
    help = "Validate and load the questionnaire definitions in botp/instruments/."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path,
                            help="Instrument files to load instead of all shipped ones.")

    def handle(self, *args, **options):
        try:
            report = load_instruments(options["files"] or None)
        except DefinitionError as error:
            raise CommandError(
                "No instrument loaded:\n" + "\n".join(f"  - {p}" for p in error.problems)
            ) from error
        for label in report.created:
            self.stdout.write(self.style.SUCCESS(f"Loaded {label}"))
        for label in report.unchanged:
            self.stdout.write(f"Unchanged {label}")
