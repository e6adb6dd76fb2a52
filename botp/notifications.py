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
from botp.models import CaseEvent, DurationAlert, Participant, Role, User
from botp.models import CaseState as S
from botp.policy import Relation


class Audience:
    PROFESSIONAL = "professional"
    # Referrers are told the administrative stage (see Case.referrer_stage).
    REFERRER = "referrer"
    # No stage and no programme name at all.
    PARTICIPANT = "participant"


def _audience(user):
    return {Role.REFERRER: Audience.REFERRER,
            Role.PARTICIPANT: Audience.PARTICIPANT}.get(user.role, Audience.PROFESSIONAL)


def _user(user):
    """``user`` as a recipient: ("user", id, audience), or none for an inactive account."""
    if user is None or not user.is_active:
        return []
    return [("user", user.pk, _audience(user))]


def _participant(case):
    """The participant: their account if they have one, else the address on their record."""
    if case.participant.user_id:
        return _user(case.participant.user)
    return [("participant", case.participant_id, Audience.PARTICIPANT)]


def _btp(case):
    return _user(case.btp.user) if case.btp_id else []


def _isps(case):
    return [r for isp in case.isps.select_related("user") for r in _user(isp.user)]


def _role(role):
    return [("user", pk, Audience.PROFESSIONAL)
            for pk in User.objects.filter(role=role, is_active=True).values_list("pk", flat=True)]


def recipients_for(event):
    """The next actors for the state the case has just entered, without the one who acted."""
    case = event.case
    to_state = event.to_state
    if to_state == S.REQUESTED:
        people = _role(Role.FEDRIS_ADMIN)
    elif to_state == S.AWAITING_BTP_CHOICE:
        # On approval the participant gets the activation e-mail from intake instead.
        people = _user(case.referrer) if event.action == "approve" else _participant(case)
    elif to_state == S.BTP_PROPOSED:
        # Fedris chose on the participant's behalf: they are told, so a choice they did not
        # ask for does not go unnoticed.
        people = _btp(case) + (_participant(case) if _chosen_by_fedris(event) else [])
    elif to_state == S.IN_DIAGNOSIS:
        people = _participant(case) + (_btp(case) if event.action == "request_information" else [])
    elif to_state == S.DIAGNOSIS_REVIEW:
        people = _role(Role.FEDRIS_PSYCHOLOGIST)
    elif to_state == S.NOT_CONFIRMED:
        people = _participant(case) + _btp(case)
    elif to_state == S.IN_TREATMENT:
        people = _participant(case) + _btp(case) + _isps(case)
    elif to_state == S.INELIGIBLE:
        people = _participant(case) + _user(case.referrer)
    elif to_state in (S.COMPLETED, S.CLOSED):
        people = _participant(case)
    elif to_state == S.WITHDRAWN:
        people = _btp(case) + _role(Role.FEDRIS_ADMIN)
    else:
        people = []
    unique = {}
    for kind, pk, audience in people:
        if not (kind == "user" and pk == event.actor_id):
            unique.setdefault((kind, pk), audience)
    return [(kind, pk, audience) for (kind, pk), audience in unique.items()]


def _chosen_by_fedris(event):
    return event.action == "choose_btp" and event.actor_role == Relation.FEDRIS_ADMIN


def announce(event):
    """Record the e-mails ``event`` causes; call inside the transaction that wrote it."""
    for kind, pk, audience in recipients_for(event):
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
        user = User.objects.filter(pk=payload["user"], is_active=True).first()
        if user is not None:
            return user.email, user.language
        raise outbox.Undeliverable(outbox.Problem.NO_ADDRESS, "the account is closed")
    participant = Participant.objects.select_related("user").get(pk=payload["participant"])
    if participant.user_id and participant.user.is_active:
        return participant.user.email, participant.user.language
    if not participant.email:
        raise outbox.Undeliverable(outbox.Problem.NO_ADDRESS)
    return participant.email, participant.language


def case_link(case):
    return settings.PORTAL_BASE_URL + reverse("case_detail", args=[case.reference])


def _deliver_event(message, mailer):
    event = CaseEvent.objects.select_related("case__programme").get(pk=message.payload["event"])
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
        "programme": case.programme.name,
        "link": case_link(case),
    }
    if audience == Audience.PARTICIPANT and _chosen_by_fedris(event):
        context["chosen_for_you"] = True
        context["asked_via"] = event.asked_via_label
    if event.to_state == S.INELIGIBLE and audience == Audience.PARTICIPANT:
        context["referral"] = getattr(case.programme, f"non_eligible_referral_{language}", "")
    mailer.send(mail.compose(message, to=to, language=language,
                             template="botp/email/case_event", context=context))


def _deliver_duration_alert(message, mailer):
    alert = DurationAlert.objects.select_related("case__programme").get(
        pk=message.payload["alert"])
    to, language = address_of(message.payload)
    message.recipient = to
    context = {
        "reference": alert.case.reference,
        "overdue": alert.kind == DurationAlert.Kind.OVERDUE,
        "deadline": alert.deadline,
        "programme": alert.case.programme.name,
        "link": case_link(alert.case),
    }
    mailer.send(mail.compose(message, to=to, language=language,
                             template="botp/email/duration", context=context))


outbox.register("case_event", label=_("Notification e-mail"), deliver=_deliver_event)
outbox.register("duration_alert", label=_("Maximum-duration warning"),
                deliver=_deliver_duration_alert)
