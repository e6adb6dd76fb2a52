"""Running things at the same moment, each on its own database connection."""

import threading

from django.db import connection


def together(*functions):
    """Call each function in its own thread, released at once; return what each returned or
    raised, in order."""
    barrier = threading.Barrier(len(functions))
    outcomes = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = function()
        except Exception as error:  # the outcome under test, not a failure of the helper
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes
