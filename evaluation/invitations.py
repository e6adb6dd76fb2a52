"""Sending survey invitations and reminders by e-mail, in the participant's language.

Each send locks its invitation first and records what it sent in the same transaction, so a
retried or doubled task sends nothing twice. A failure is recorded on the invitation, where staff
see it, before the task retries with backoff.
"""

import datetime

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from evaluation import links
from evaluation.models import SurveyInvitation


def _recipient(invitation):
    participant = invitation.case.participant
    return participant.user.email if participant.user_id else participant.email


def _mail(invitation, *, reminder):
    with translation.override(invitation.language):
        context = {
            "link": links.url_for(invitation),
            "wave": invitation.get_wave_display(),
            "closes": invitation.last_day,
            "reminder": reminder,
            "name": invitation.case.participant.first_name,
        }
        subject = render_to_string("evaluation/email/invitation_subject.txt", context).strip()
        body = render_to_string("evaluation/email/invitation.txt", context)
    send_mail(subject, body, None, [_recipient(invitation)])


def record_failure(invitation_id, error):
    """Keep the reason a send failed where staff see it (in its own transaction: the send's
    own is rolled back)."""
    SurveyInvitation.objects.filter(pk=invitation_id).update(last_error=str(error)[:300])


def send_invitation(invitation_id):
    """Send the invitation if it is due and not sent yet; True when this call sent it."""
    with transaction.atomic():
        invitation = (SurveyInvitation.objects.select_for_update(of=("self",))
                      .select_related("case__participant__user", "case__programme")
                      .get(pk=invitation_id))
        if invitation.sent_at or invitation.is_closed:
            return False
        if invitation.due_on > timezone.localdate() or not _recipient(invitation):
            return False
        invitation.send_attempts += 1
        invitation.save(update_fields=["send_attempts"])
        _mail(invitation, reminder=False)
        invitation.sent_at = timezone.now()
        invitation.last_error = ""
        invitation.save(update_fields=["sent_at", "last_error"])
    return True


def reminder_due(invitation, schedule, now=None):
    """Whether ``invitation`` is due its next reminder under ``schedule``."""
    now = now or timezone.now()
    if not invitation.sent_at or invitation.completed_at or invitation.closes_at <= now:
        return False
    days = list(schedule.reminder_days or [])
    if invitation.reminders_sent >= len(days):
        return False
    return now >= invitation.sent_at + datetime.timedelta(days=days[invitation.reminders_sent])


def send_reminder(invitation_id, now=None):
    """Send the next reminder if it is due; True when this call sent it."""
    with transaction.atomic():
        invitation = (SurveyInvitation.objects.select_for_update(of=("self",))
                      .select_related("case__participant__user", "case__programme")
                      .get(pk=invitation_id))
        schedule = invitation.case.programme.waves.filter(wave=invitation.wave).first()
        if schedule is None or not reminder_due(invitation, schedule, now):
            return False
        _mail(invitation, reminder=True)
        invitation.reminders_sent += 1
        invitation.last_reminder_at = timezone.now()
        invitation.save(update_fields=["reminders_sent", "last_reminder_at"])
    return True
