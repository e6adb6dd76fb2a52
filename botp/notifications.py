"""Who hears about a case event, in which language, and what the e-mail says.

E-mails name the case reference and its new stage, never clinical content: they travel outside
the portal.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from botp.models import CaseState as S
from botp.models import Role, User


class Audience:
    PROFESSIONAL = "professional"
    # Referrers are told the administrative stage only (see Case.referrer_stage).
    REFERRER = "referrer"
    # A participant's address may be a shared or work mailbox: no stage in the e-mail at all.
    PARTICIPANT = "participant"


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    audience: str = Audience.PROFESSIONAL


def _user(user):
    if not (user and user.email and user.is_active):
        return []
    audience = {Role.REFERRER: Audience.REFERRER,
                Role.PARTICIPANT: Audience.PARTICIPANT}.get(user.role, Audience.PROFESSIONAL)
    return [Recipient(user.email, user.language, audience)]


def _participant(case):
    participant = case.participant
    if participant.user_id:
        return _user(participant.user)
    if not participant.email:
        return []
    return [Recipient(participant.email, participant.language, Audience.PARTICIPANT)]


def _btp(case):
    return _user(case.btp.user) if case.btp_id else []


def _isps(case):
    return [recipient for isp in case.isps.select_related("user") for recipient in _user(isp.user)]


def _role(role):
    return [
        Recipient(email, language)
        for email, language in User.objects.filter(role=role, is_active=True)
        .values_list("email", "language")
        .iterator()
    ]


def recipients_for(event):
    """The next actors for the state the case has just entered."""
    case = event.case
    to_state = event.to_state
    if to_state == S.REQUESTED:
        people = _role(Role.FEDRIS_ADMIN)
    elif to_state == S.AWAITING_BTP_CHOICE:
        # On approval the participant gets the activation e-mail from intake instead.
        people = _user(case.referrer) if event.action == "approve" else _participant(case)
    elif to_state == S.BTP_PROPOSED:
        people = _btp(case)
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
    actor_email = event.actor.email if event.actor_id else None
    unique = {p.email: p for p in people if p.email != actor_email}
    return list(unique.values())


def send_event_email(event, recipient):
    case = event.case
    with translation.override(recipient.language):
        context = {
            "reference": case.reference,
            "stage": {Audience.REFERRER: case.referrer_stage.label,
                      Audience.PARTICIPANT: None}.get(recipient.audience,
                                                      case.get_state_display()),
            "programme": case.programme.name,
            "link": settings.PORTAL_BASE_URL + reverse("case_detail", args=[case.reference]),
        }
        subject = render_to_string("botp/email/case_event_subject.txt", context).strip()
        if event.to_state == S.INELIGIBLE and recipient.audience == Audience.PARTICIPANT:
            context["referral"] = getattr(
                case.programme, f"non_eligible_referral_{recipient.language}", ""
            )
        body = render_to_string("botp/email/case_event.txt", context)
    send_mail(subject, body, None, [recipient.email])


def duration_recipients(case):
    """Who is warned that a case nears or passes its maximum duration: its BTP and Fedris'
    psychologists."""
    unique = {p.email: p for p in _btp(case) + _role(Role.FEDRIS_PSYCHOLOGIST)}
    return list(unique.values())


def send_duration_email(alert, recipient):
    case = alert.case
    with translation.override(recipient.language):
        context = {
            "reference": case.reference,
            "overdue": alert.kind == "overdue",
            "deadline": alert.deadline,
            "programme": case.programme.name,
            "link": settings.PORTAL_BASE_URL + reverse("case_detail", args=[case.reference]),
        }
        subject = render_to_string("botp/email/duration_subject.txt", context).strip()
        body = render_to_string("botp/email/duration.txt", context)
    send_mail(subject, body, None, [recipient.email])
