from celery import shared_task

from botp.payments import services


@shared_task(ignore_result=True)
def build_monthly_statements():
    """Monthly (beat, on the 1st): the statements of the month just ended. Safe to run again:
    an item already on a line is not added twice."""
    return len(services.build_statements(services.previous_month()))
