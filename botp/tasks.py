import datetime
import smtplib

from celery import shared_task
from django.utils import timezone

from botp import documents, duration, notifications
from botp.models import Case, CaseEvent, Document, DurationAlert


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


@shared_task(bind=True, max_retries=5)
def render_document(self, document_id):
    """Render a document to PDF. A failure is kept on the document, where staff see it, and
    retried with backoff; the submission it renders is untouched either way."""
    document = Document.objects.select_related("case").get(pk=document_id)
    if document.status == Document.Status.RENDERED:
        return document.sha256
    Document.objects.filter(pk=document_id).update(attempts=document.attempts + 1)
    try:
        return documents.render(document).sha256
    except Exception as error:  # any failure of a render is retried, not lost
        last_try = self.request.retries >= self.max_retries
        Document.objects.filter(pk=document_id).update(
            last_error=f"{type(error).__name__}: {error}"[:300],
            status=Document.Status.FAILED if last_try else Document.Status.PENDING,
        )
        if last_try:
            raise
        raise self.retry(exc=error, countdown=min(3600, 30 * 2 ** self.request.retries)) \
            from error


@shared_task
def render_waiting_documents():
    """Hourly (beat): render documents still waiting (a lost task, a worker that was down) and
    try failed ones again."""
    stale = timezone.now() - datetime.timedelta(minutes=10)
    waiting = Document.objects.exclude(status=Document.Status.RENDERED).filter(
        created_at__lt=stale)
    for document_id in waiting.values_list("pk", flat=True).iterator():
        render_document.delay(document_id)


@shared_task
def ping(value):
    """Round-trip check used by the deployment health check and the worker test."""
    return value
