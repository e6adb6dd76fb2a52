"""Telling the worker and the referrer that a request is not eligible.

The worker has no account: they get the letter (a PDF in the request's language) attached to an
e-mail that asks nothing of the portal, and says where to turn. The referrer gets the outcome
and its reason category, with the link to their request's page. Both are recorded in the
outbox inside the decision's transaction, under keys naming the decision: one letter e-mail
and one notice per decision, however often a delivery is tried.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from botp import documents, mail, notifications, outbox
from botp.models import CaseEvent, Document
from intake import eligibility
from intake.models import ScreeningRequest


class LetterNotReady(Exception):
    """The letter's PDF is not rendered yet (or failed and waits for a retry): the e-mail waits
    for it rather than going without it."""

    outbox_problem = outbox.Problem.RENDERING


def announce(event, letter):
    """Record the worker's letter e-mail and the referrer's notice of ``event`` (a
    declare_ineligible) and its ``letter`` (the eligibility_decision Document); call inside the
    decision's transaction, after the letter was issued, so that the letter renders first."""
    case = event.case
    outbox.enqueue("ineligible_letter", f"ineligible_letter:{event.pk}", case=case, payload={
        "event": event.pk, "participant": case.participant_id, "document": letter.pk,
    })
    if case.referrer_id and case.referrer.is_active:
        outbox.enqueue("ineligible_notice",
                       f"ineligible_notice:{event.pk}:user:{case.referrer_id}", case=case,
                       payload={"event": event.pk, "user": case.referrer_id})


def _deliver_letter(message, mailer):
    event = CaseEvent.objects.select_related("case__participant", "case__programme").get(
        pk=message.payload["event"])
    document = Document.objects.select_related("case").get(pk=message.payload["document"])
    if document.status != Document.Status.RENDERED:
        raise LetterNotReady(f"the letter is {document.get_status_display().lower()}")
    case = event.case
    # Their address as it stands now; the language is the letter's, the request's own.
    to, _language = notifications.address_of({"participant": message.payload["participant"]})
    message.recipient = to
    language = document.language
    context = {
        "name": case.participant.first_name,
        "reference": case.reference,
        "options": eligibility.referral_options(case.programme, language),
    }
    email = mail.compose(message, to=to, language=language,
                         template="intake/email/not_eligible", context=context)
    email.attach(documents.attachment_name(document), documents.read(document),
                 "application/pdf")
    mailer.send(email)


def _deliver_notice(message, mailer):
    event = CaseEvent.objects.select_related("case__programme").get(pk=message.payload["event"])
    case = event.case
    screening = ScreeningRequest.objects.get(case=case)
    to, language = notifications.address_of(message.payload)
    message.recipient = to
    code = event.payload.get("reason_code", "")
    context = {
        "reference": case.reference,
        "programme": case.programme,
        "reason": eligibility.Reason(code).label if code in eligibility.Reason.values else "",
        "link": settings.PORTAL_BASE_URL + reverse("intake:detail", args=[screening.pk]),
    }
    mailer.send(mail.compose(message, to=to, language=language,
                             template="intake/email/not_eligible_referrer", context=context))


outbox.register("ineligible_letter", label=_("Not-eligible letter to the worker"),
                deliver=_deliver_letter)
outbox.register("ineligible_notice", label=_("Not-eligible notice to the referrer"),
                deliver=_deliver_notice)
