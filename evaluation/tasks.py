"""The evaluation's daily work: the waves and reminders the days have made due."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from evaluation import invitations, waves
from evaluation.models import SurveyInvitation


@shared_task(ignore_result=True)
def reconcile_waves():
    """Daily (beat): make every wave that is due but missing (a programme whose schedule
    changed, a case loaded from elsewhere) and record the reminders that are due; the outbox
    sends them. Safe to run twice."""
    for case in waves.cases_in_reach().iterator(chunk_size=500):
        with transaction.atomic():
            waves.ensure_invitations(case)
    open_ones = (SurveyInvitation.objects
                 .filter(sent_at__isnull=False, completed_at__isnull=True,
                         closes_at__gt=timezone.now())
                 .select_related("case__programme"))
    for invitation in open_ones.iterator(chunk_size=500):
        with transaction.atomic():
            invitations.remind_if_due(invitation)
from evaluation.monitor.tasks import invite_follow_ups  # noqa: E402,F401  (beat finds it here)
