from django.core.management.base import BaseCommand, CommandError

from botp import bench_data


class Command(BaseCommand):
    help = ("Build the load benchmark's data set at national scale (100,000 cases by default) "
            "by bulk copies of the demo's cases; once per database.")

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100_000)
        parser.add_argument("--waves", type=int, default=300_000,
                            help="Answered survey waves to aim for (at most three a case).")
        parser.add_argument("--check", action="store_true",
                            help="Afterwards, check every foreign key and state (slow at scale).")

    def handle(self, *args, **options):
        if bench_data.is_built():
            self.stdout.write(f"The bench data set is already here: {bench_data.summary()}")
        else:
            counts = bench_data.build(options["cases"], options["waves"],
                                      log=self.stdout.write)
            for label, count in sorted(counts.items()):
                self.stdout.write(f"{label:40} {count:>12,}")
        if options["check"]:
            problems = bench_data.check()
            if problems:
                raise CommandError("\n".join(problems))
            self.stdout.write(self.style.SUCCESS("Every foreign key resolves; every state is "
                                                 "present; no plan over its caps."))
