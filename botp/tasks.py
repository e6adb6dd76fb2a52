import smtplib

from celery import shared_task

from botp import duration, notifications
from botp.models import Case, CaseEvent, DurationAlert


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
def check_durations():
    """Daily (beat): warn about cases nearing their programme's maximum duration and flag those
    past it. Safe to run twice: each alert is recorded, and mailed, once."""
    cases = Case.objects.filter(
        state__in=duration.RUNNING_STATES, approved_at__isnull=False
    ).select_related("programme")
    alerts = duration.raise_alerts(cases)
    for alert in alerts:
        notify_duration_alert.delay(alert.pk)
    return len(alerts)


@shared_task
def notify_duration_alert(alert_id):
    alert = DurationAlert.objects.select_related("case__btp__user", "case__programme").get(
        pk=alert_id)
    for recipient in notifications.duration_recipients(alert.case):
        send_duration_alert.delay(alert_id, recipient.email, recipient.language)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30, retry_backoff_max=3600, retry_jitter=True, max_retries=8,
)
def send_duration_alert(alert_id, email, language):
    alert = DurationAlert.objects.select_related("case__programme").get(pk=alert_id)
    notifications.send_duration_email(alert, notifications.Recipient(email, language))


@shared_task
def ping(value):
    """Round-trip check used by the deployment health check and the worker test."""
    return value
