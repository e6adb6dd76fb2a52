"""Signals botp sends for the stage apps to follow."""

from django.dispatch import Signal

# Sent once rows were written in bulk, past the services (the benchmark's data set, see
# botp.bench_data): what an app keeps derived from its rows is worked out again from them.
# Arguments: ``log``, a function taking a line of progress.
bulk_loaded = Signal()
