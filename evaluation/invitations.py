"""Survey invitations and reminders by e-mail, in the participant's language, through the
outbox.

An invitation's e-mail is recorded in the transaction that makes the invitation, due on the
wave's first day; a reminder is recorded when the daily reconciliation finds it due. The outbox
delivers each once; delivering it stamps the invitation (sent, reminders) in the same commit.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp import mail, notifications, outbox
from botp.models import OutboxMessage, Wave
from evaluation import links
from evaluation.models import SurveyInvitation


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def schedule(invitation):
    """Record ``invitation``'s e-mail, to go out on its first day; call inside the transaction
    that made it."""
    outbox.enqueue("survey_invitation", invitation.delivery_key,
                   case=invitation.case, payload={"invitation": invitation.pk},
                   not_before=_start_of(invitation.due_on))


def reminder_number(invitation, schedule, now=None):
    """The reminder ``invitation`` has reached under ``schedule`` (1 for the first), or 0.
    A reminder never reached on its day (the worker was down) gives way to the next one."""
    now = now or timezone.now()
    if not invitation.sent_at or invitation.completed_at or invitation.closes_at <= now:
        return 0
    days = list(schedule.reminder_days or [])
    return sum(1 for day in days if now >= invitation.sent_at + datetime.timedelta(days=day))


def remind_if_due(invitation, now=None):
    """Record the reminder ``invitation`` is due, once; True when this call recorded it."""
    schedule = invitation.case.rules.wave(invitation.wave)  # the case's programme version's
    number = reminder_number(invitation, schedule, now) if schedule else 0
    if number <= invitation.reminders_sent:
        return False
    key = f"survey_reminder:{invitation.pk}:{number}"
    if OutboxMessage.objects.filter(key=key).exists():
        return False
    outbox.enqueue("survey_reminder", key, case=invitation.case,
                   payload={"invitation": invitation.pk, "number": number})
    return True


def _open_invitation(message):
    invitation = (SurveyInvitation.objects.select_related("case__participant__user")
                  .get(pk=message.payload["invitation"]))
    if invitation.completed_at:
        raise outbox.NotNeeded("answered already")
    if invitation.is_closed:
        raise outbox.NotNeeded("the survey has closed")
    return invitation


def _send(message, mailer, invitation, *, reminder):
    participant = invitation.case.participant
    to, _language = notifications.participant_address(participant)
    message.recipient = to
    context = {
        "link": links.url_for(invitation),
        "wave": Wave(invitation.wave).label,  # lazy: rendered in the invitation's language
        "closes": invitation.last_day,
        "reminder": reminder,
        "name": participant.first_name,
        # Only the pre-test's answers reach the diagnosis (prefilled for the BTP).
        "pretest": invitation.wave == Wave.PRE,
    }
    mailer.send(mail.compose(message, to=to, language=invitation.language,
                             template="evaluation/email/invitation", context=context))


def _deliver_invitation(message, mailer):
    invitation = _open_invitation(message)
    if invitation.sent_at:
        raise outbox.NotNeeded("sent already")
    _send(message, mailer, invitation, reminder=False)


def _invitation_sent(message, result):
    # The dashboard's count of waves sent follows within OUTCOME_CACHE_SECONDS (renewing its
    # counts at every e-mail would cost more than the e-mail).
    SurveyInvitation.objects.filter(pk=message.payload["invitation"],
                                    sent_at__isnull=True).update(sent_at=timezone.now())


def _deliver_reminder(message, mailer):
    _send(message, mailer, _open_invitation(message), reminder=True)


def _reminder_sent(message, result):
    invitation = SurveyInvitation.objects.select_for_update().get(
        pk=message.payload["invitation"])
    invitation.reminders_sent = max(invitation.reminders_sent, message.payload["number"])
    invitation.last_reminder_at = timezone.now()
    invitation.save(update_fields=["reminders_sent", "last_reminder_at"])


outbox.register("survey_invitation", label=_("Survey invitation"),
                deliver=_deliver_invitation, delivered=_invitation_sent)
outbox.register("survey_reminder", label=_("Survey reminder"), deliver=_deliver_reminder,
                delivered=_reminder_sent)
