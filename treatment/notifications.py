"""What the BTP hears when the participant withdraws a consent: an e-mail through the outbox,
recorded in the transaction of the withdrawal. It names the case and what the consent was for,
never the people it named: the e-mail travels outside the portal."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from botp import mail, notifications, outbox
from botp.models import Consent
from treatment.models import WorkplaceMeeting

KIND = "consent_withdrawn"


def consent_withdrawn(consent, meeting=None):
    """Record the e-mail telling the case's BTP that ``consent`` is withdrawn (and that
    ``meeting``, planned under it, is cancelled); call inside the withdrawal's transaction."""
    case = consent.case
    if not case.btp_id or not case.btp.user.is_active:
        return None
    btp_user = case.btp.user_id
    return outbox.enqueue(
        KIND, f"{KIND}:{consent.pk}:user:{btp_user}", case=case,
        payload={"consent": consent.pk, "user": btp_user,
                 "meeting": meeting.pk if meeting is not None else None},
    )


def _deliver(message, mailer):
    consent = Consent.objects.select_related("case__programme").get(
        pk=message.payload["consent"])
    meeting = (WorkplaceMeeting.objects.filter(pk=message.payload["meeting"]).first()
               if message.payload.get("meeting") else None)
    to, language = notifications.address_of(message.payload)
    message.recipient = to
    case = consent.case
    context = {
        "reference": case.reference,
        "programme": case.programme,  # named in the recipient's language, at rendering
        "purpose": Consent.Purpose(consent.purpose).label,
        "meeting": meeting,
        "link": settings.PORTAL_BASE_URL + reverse("treatment:meeting",
                                                   args=[case.reference]),
    }
    mailer.send(mail.compose(message, to=to, language=language,
                             template="treatment/email/consent_withdrawn", context=context))


outbox.register(KIND, label=_("Consent withdrawn (to the BTP)"), deliver=_deliver)
