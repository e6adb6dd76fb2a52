import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from botp.models import Case, Participant
from intake.services import issue_activation_link


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30, retry_backoff_max=3600, retry_jitter=True, max_retries=8,
)
def send_activation(participant_id, case_id):
    """Tell an approved participant, in their language, how to reach their account."""
    participant = Participant.objects.select_related("user").get(pk=participant_id)
    case = Case.objects.select_related("programme").get(pk=case_id)
    if not participant.email:
        return
    context = {"name": participant.first_name, "reference": case.reference}
    if participant.user_id:
        context["link"] = settings.PORTAL_BASE_URL + reverse("account_login")
        context["has_account"] = True
    else:
        token = issue_activation_link(participant)
        context["link"] = settings.PORTAL_BASE_URL + reverse("intake:activate", args=[token])
        context["valid_days"] = 14
    with translation.override(participant.language):
        subject = render_to_string("intake/email/approved_subject.txt", context).strip()
        body = render_to_string("intake/email/approved.txt", context)
    send_mail(subject, body, None, [participant.email])
