"""Stage 2's documents: each version of the diagnosis report with its treatment request, and
the letter telling the participant the psychologist's decision."""

from django.utils.translation import gettext as _

from botp import documents
from botp.models import CaseEvent, SessionPhase
from botp.steps import Step
from diagnosis import selectors
from diagnosis.models import DiagnosisReport


def _diagnosis_report(document):
    report = DiagnosisReport.objects.get(pk=document.source_id)
    return {
        "report": report,
        "lines": report.request_lines.select_related("session_type", "provider__user"),
        "sessions": document.case.sessions.filter(session_type__phase=SessionPhase.DIAGNOSIS),
        "signatory": documents.signed_by(report.author),
        "scores": selectors.scores(report, document.language),
    }


def _decision_letter(document):
    event = CaseEvent.objects.get(pk=document.source_id)
    case = document.case
    confirmed = event.action == Step.CONFIRM_DIAGNOSIS
    report = DiagnosisReport.objects.filter(
        case=case, version=event.payload.get("report_version")).first()
    # The psychologist's reasons go to the BTP, who explains them in the debrief; the letter
    # gives the decision only.
    return {
        "event": event, "confirmed": confirmed, "participant": case.participant,
        "btp": case.btp,
        "lines": report.request_lines.select_related("session_type", "provider__user")
        if confirmed and report else [],
        "signatory": documents.signed_by(event.actor, _("Psychologist, Fedris")),
    }


def register():
    documents.register(
        "diagnosis_report", template="documents/diagnosis_report.html",
        context=_diagnosis_report,
        language=lambda case, source_id: DiagnosisReport.objects.get(pk=source_id)
        .author.language,
    )
    documents.register(
        "decision_letter", template="documents/decision_letter.html", context=_decision_letter,
        language=lambda case, source_id: case.participant.language,
    )
