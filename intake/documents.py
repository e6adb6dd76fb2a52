"""Stage 1's documents: the screening request as sent, and Fedris' eligibility letter to the
worker, in the language the request asked for."""

from django.utils.translation import gettext as _

from botp import documents, nationalnumber
from botp.models import CaseEvent
from botp.steps import Step
from intake import eligibility
from intake.consent import consent_text
from intake.models import ScreeningRequest


def _screening_request(document):
    screening = ScreeningRequest.objects.select_related(
        "referrer__referrer", "sector", "programme").get(pk=document.source_id)
    return {
        "screening": screening,
        "referrer": getattr(screening.referrer, "referrer", None),
        "masked_niss": nationalnumber.format_masked(screening.niss),
        "consent_wording": consent_text(screening.consent_version)
        if screening.consent_version else "",
    }


def _eligibility_decision(document):
    event = CaseEvent.objects.get(pk=document.source_id)
    case = document.case
    approved = event.action == Step.APPROVE
    context = {"event": event, "approved": approved, "participant": case.participant,
               "signatory": documents.signed_by(event.actor, _("Programme administration, "
                                                               "Fedris"))}
    if not approved:
        code = event.payload.get("reason_code", "")
        reason = event.payload.get("reason", "")
        context.update(
            reason_label=eligibility.Reason(code).label if code in eligibility.Reason.values
            else "",
            explanation=eligibility.explanation(code, case),
            # What the administrator wrote for the worker, when more than the category.
            note="" if reason == code else reason,
            referral_options=eligibility.referral_options(case.programme, document.language),
        )
    return context


def _request_language(case, source_id):
    """The language the request asked Fedris to write to the worker in."""
    screening = ScreeningRequest.objects.filter(case=case).only("language").first()
    return (screening.language if screening else "") or case.participant.language


def register():
    # The request goes to Fedris in the referrer's words and language; the letter to the worker.
    documents.register(
        "screening_request", template="documents/screening_request.html",
        context=_screening_request,
        language=lambda case, source_id: ScreeningRequest.objects.get(pk=source_id)
        .referrer.language,
    )
    documents.register(
        "eligibility_decision", template="documents/eligibility_decision.html",
        context=_eligibility_decision,
        language=_request_language,
    )
