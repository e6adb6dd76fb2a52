"""The evaluation's background work: invitations when a case reaches a wave, reminders, and a
daily reconciliation that sends what a missed event or a broker outage left unsent."""

import smtplib

from celery import shared_task
from django.utils import timezone

from botp.models import Case, CaseEvent
from evaluation import invitations, waves
from evaluation.models import SurveyInvitation

SMTP_TROUBLE = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


@shared_task
def plan_waves(case_id):
    """A case changed: make the invitations it now reaches and send those due today."""
    case = Case.objects.select_related("programme", "participant").get(pk=case_id)
    waves.ensure_invitations(case)
    for invitation_id in case.survey_invitations.filter(
            sent_at__isnull=True, due_on__lte=timezone.localdate()).values_list("pk", flat=True):
        send_invitation.delay(invitation_id)


@shared_task(bind=True, max_retries=8)
def send_invitation(self, invitation_id):
    try:
        return invitations.send_invitation(invitation_id)
    except SMTP_TROUBLE as error:
        invitations.record_failure(invitation_id, error)
        raise self.retry(exc=error, countdown=min(3600, 60 * 2 ** self.request.retries)) \
            from error


@shared_task(bind=True, max_retries=8)
def send_reminder(self, invitation_id):
    try:
        return invitations.send_reminder(invitation_id)
    except SMTP_TROUBLE as error:
        invitations.record_failure(invitation_id, error)
        raise self.retry(exc=error, countdown=min(3600, 60 * 2 ** self.request.retries)) \
            from error


@shared_task
def reconcile_waves():
    """Daily (beat): make and send every wave that is due but missing or unsent, and the
    reminders that are due. Safe to run twice."""
    for case in waves.cases_in_reach().iterator(chunk_size=500):
        waves.ensure_invitations(case)
    now = timezone.now()
    unsent = SurveyInvitation.objects.filter(sent_at__isnull=True, closes_at__gt=now,
                                             due_on__lte=timezone.localdate())
    for invitation_id in unsent.values_list("pk", flat=True).iterator():
        send_invitation.delay(invitation_id)
    open_ones = SurveyInvitation.objects.filter(sent_at__isnull=False, completed_at__isnull=True,
                                                closes_at__gt=now)
    for invitation_id in open_ones.values_list("pk", flat=True).iterator():
        send_reminder.delay(invitation_id)


def on_case_event(event_id):
    """Queue the wave planning for a case event (called once its transaction commits)."""
    case_id = CaseEvent.objects.filter(pk=event_id).values_list("case_id", flat=True).first()
    if case_id is not None:
        plan_waves.delay(case_id)
