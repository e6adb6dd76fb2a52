import smtplib

from celery import shared_task

from botp import notifications
from botp.models import CaseEvent


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30, retry_backoff_max=3600, retry_jitter=True, max_retries=8,
)
def send_notification(event_id, email, language, audience=notifications.Audience.PROFESSIONAL):
    event = CaseEvent.objects.select_related("case__programme").get(pk=event_id)
    notifications.send_event_email(event, notifications.Recipient(email, language, audience))


@shared_task
def notify_case_event(event_id):
    """Fan a case event out to one task per recipient, so a retry resends to that one only."""
    event = CaseEvent.objects.select_related(
        "case__participant__user", "case__btp__user", "case__referrer", "actor"
    ).get(pk=event_id)
    for recipient in notifications.recipients_for(event):
        send_notification.delay(
            event_id, recipient.email, recipient.language, recipient.audience
        )


@shared_task
def ping(value):
    """Round-trip check used by the deployment health check and the worker test."""
    return value
