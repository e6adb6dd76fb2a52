"""Stage 1's documents: the screening request as sent, and Fedris' eligibility letter."""

from botp import documents, nationalnumber
from botp.models import CaseEvent
from botp.steps import Step
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
    return {
        "event": event, "approved": approved, "participant": case.participant,
        "reason": "" if approved else event.payload.get("reason", ""),
        "referral": getattr(case.programme, f"non_eligible_referral_{document.language}", ""),
    }


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
        language=lambda case, source_id: case.participant.language,
    )
