"""Who hears about a case event, in which language, and what the e-mail says.

The recipients are chosen in the transaction of the change, and one outbox message is recorded
for each (botp.outbox); the e-mail is composed when it is delivered. E-mails name the case
reference, never a stage that reveals a diagnostic decision, nor any clinical content: they
travel outside the portal, and a participant's address may be a shared or work mailbox.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from botp import mail, outbox
from botp.models import CaseEvent, DurationAlert, Participant, Provider, Role, User
from botp.policy import Relation as R
from botp.steps import Step


class Audience:
    PROFESSIONAL = "professional"
    # Referrers are told the administrative stage (see Case.referrer_stage).
    REFERRER = "referrer"
    # No stage and no programme name at all.
    PARTICIPANT = "participant"


def _user(user, audience=Audience.PROFESSIONAL):
    """``user`` as a recipient: ("user", id, audience), or none for an inactive account."""
    if user is None or not user.is_active:
        return []
    return [("user", user.pk, audience)]


def _participant(case):
    """The participant: their account if they have one, else the address on their record."""
    if case.participant.user_id:
        return _user(case.participant.user, Audience.PARTICIPANT)
    return [("participant", case.participant_id, Audience.PARTICIPANT)]


def _btp(case):
    return _user(case.btp.user) if case.btp_id else []


def _isps(case):
    return [r for isp in case.isps.select_related("user") for r in _user(isp.user)]


def _role(role):
    return [("user", pk, Audience.PROFESSIONAL)
            for pk in User.objects.filter(role=role, is_active=True).values_list("pk", flat=True)]


def _btp_of(event):
    """The BTP of the event's case, or the one the step just released (its payload keeps
    them): who the BTP relation means for this event."""
    if event.case.btp_id:
        return event.case.btp
    return Provider.objects.select_related("user").filter(pk=event.payload.get("btp")).first()


def _asked_btp(event):
    btp = _btp_of(event)
    return _user(btp.user) if btp else []


def _people(relation, event):
    case = event.case
    return {
        R.FEDRIS_ADMIN: lambda: _role(Role.FEDRIS_ADMIN),
        R.FEDRIS_PSYCHOLOGIST: lambda: _role(Role.FEDRIS_PSYCHOLOGIST),
        R.REFERRER: lambda: _user(case.referrer, Audience.REFERRER),
        R.BTP: lambda: _asked_btp(event),
        R.ISP: lambda: _isps(case),
        R.PARTICIPANT: lambda: _participant(case),
    }[relation]()


def recipients_for(event, relations):
    """The people holding ``relations`` to the event's case, without the one who acted."""
    unique = {}
    for relation in sorted(relations):
        for kind, pk, audience in _people(relation, event):
            if not (kind == "user" and pk == event.actor_id):
                unique.setdefault((kind, pk), audience)
    return [(kind, pk, audience) for (kind, pk), audience in unique.items()]


# What a participant is told of each step, in its own words: what happened and what to do
# next (templates botp/email/participant/<name>). A step not named here, or Fedris choosing a BTP
# for them, reads as the general case e-mail.
PARTICIPANT_NEWS = {
    Step.DECLINE_CASE: "btp_declined",
    Step.ACCEPT_CASE: "btp_accepted",
    Step.REQUEST_INFORMATION: "more_information",
    Step.CONFIRM_DIAGNOSIS: "treatment_starts",
    Step.NOT_CONFIRM_DIAGNOSIS: "decision",
    Step.COMPLETE: "treatment_ended",
    Step.CLOSE_AFTER_DEBRIEF: "case_closed",
}


# What the case's BTP is told of a step, in its own words (templates
# botp/email/professional/<name>); other steps read as the general case e-mail.
BTP_NEWS = {
    Step.REQUEST_INFORMATION: "more_information",
    # Released before they answered: they no longer see the case, so no link.
    Step.UNDO_BTP_CHOICE: "btp_released",
}

# Stage apps say, per step, where an e-mail about it sends the case's BTP (a page of theirs
# rather than the case page) and whether it is urgent for its readers; botp knows no stage's
# pages or reports. See register_btp_link and register_urgency.
_btp_links = {}
_urgency = {}


def register_btp_link(step, url_for):
    """E-mails to the case's BTP about ``step`` link to ``url_for(case)`` (a path)."""
    _btp_links[step] = url_for


def register_urgency(step, is_urgent):
    """E-mails about an event of ``step`` are marked urgent when ``is_urgent(event)``."""
    _urgency[step] = is_urgent


def _to_the_btp(event, payload):
    btp = _btp_of(event)
    return btp is not None and payload.get("user") == btp.user_id


def _chosen_by_fedris(event):
    return event.action == Step.CHOOSE_BTP and event.actor_role == R.FEDRIS_ADMIN


def announce(event, relations):
    """Record the e-mails telling ``relations`` of ``event`` (the workflow says who: see
    botp.states); call inside the transaction that wrote the event."""
    for kind, pk, audience in recipients_for(event, relations):
        outbox.enqueue(
            "case_event", f"case_event:{event.pk}:{kind}:{pk}", case=event.case,
            payload={"event": event.pk, kind: pk, "audience": audience},
        )


def announce_duration_alert(alert):
    """The BTP and Fedris' psychologists are warned that a case nears or passes its programme's
    maximum duration; call inside the transaction that recorded ``alert``."""
    for kind, pk, _audience in _btp(alert.case) + _role(Role.FEDRIS_PSYCHOLOGIST):
        outbox.enqueue("duration_alert", f"duration_alert:{alert.pk}:{kind}:{pk}",
                       case=alert.case, payload={"alert": alert.pk, kind: pk})


def address_of(payload):
    """(address, language) of the person a message is for, as they stand now."""
    if "user" in payload:
        return _address_of_user(User.objects.filter(pk=payload["user"]).first())
    participant = Participant.objects.select_related("user").get(pk=payload["participant"])
    if participant.user_id and participant.user.is_active:
        return participant.user.email, participant.user.language
    if not participant.email:
        raise outbox.Undeliverable(outbox.Problem.NO_ADDRESS)
    return participant.email, participant.language


def participant_address(participant):
    """``address_of`` a participant read with their account (``select_related("user")``),
    when delivering reads them anyway: their account's address once they have one."""
    if participant.user_id:
        return _address_of_user(participant.user)
    if not participant.email:
        raise outbox.Undeliverable(outbox.Problem.NO_ADDRESS)
    return participant.email, participant.language


def _address_of_user(user):
    if user is not None and user.is_active:
        return user.email, user.language
    raise outbox.Undeliverable(outbox.Problem.NO_ADDRESS, "the account is closed")


def case_link(case):
    return settings.PORTAL_BASE_URL + reverse("case_detail", args=[case.reference])


def _deliver_event(message, mailer):
    event = CaseEvent.objects.select_related("case__programme", "case__btp").get(
        pk=message.payload["event"])
    case = event.case
    to, language = address_of(message.payload)
    message.recipient = to
    audience = message.payload["audience"]
    context = {
        "reference": case.reference,
        # Referrers learn the administrative stage only; professionals the news, not the stage,
        # which can name a diagnostic decision.
        "stage": case.referrer_stage.label if audience == Audience.REFERRER else None,
        "participant": audience == Audience.PARTICIPANT,
        "programme": case.programme,  # named in the recipient's language, at rendering
        "link": case_link(case),
    }
    template = "botp/email/case_event"
    if audience == Audience.PARTICIPANT and _chosen_by_fedris(event):
        context["chosen_for_you"] = True
        context["asked_via"] = event.asked_via_label
    elif audience == Audience.PARTICIPANT and event.action in PARTICIPANT_NEWS:
        template = f"botp/email/participant/{PARTICIPANT_NEWS[event.action]}"
    elif _to_the_btp(event, message.payload) and event.action in BTP_NEWS:
        # The BTP is told what is asked of them and where, never the psychologist's words.
        template = f"botp/email/professional/{BTP_NEWS[event.action]}"
        if event.action in _btp_links:
            context["link"] = settings.PORTAL_BASE_URL + _btp_links[event.action](case)
    urgent = audience == Audience.PROFESSIONAL and event.action in _urgency \
        and bool(_urgency[event.action](event))
    mailer.send(mail.compose(message, to=to, language=language, template=template,
                             context=context, urgent=urgent))


def _deliver_duration_alert(message, mailer):
    alert = DurationAlert.objects.select_related("case__programme", "case__programme_version").get(
        pk=message.payload["alert"])
    to, language = address_of(message.payload)
    message.recipient = to
    context = {
        "reference": alert.case.reference,
        "overdue": alert.kind == DurationAlert.Kind.OVERDUE,
        "deadline": alert.deadline,
        "programme": alert.case.programme,
        "link": case_link(alert.case),
    }
    mailer.send(mail.compose(message, to=to, language=language,
                             template="botp/email/duration", context=context))


outbox.register("case_event", label=_("Notification e-mail"), deliver=_deliver_event)
outbox.register("duration_alert", label=_("Maximum-duration warning"),
                deliver=_deliver_duration_alert)
