"""Stages 3 and 4's documents: data transmission reports and the final report."""

from botp import documents
from treatment import selectors
from treatment.models import DataTransmissionReport, FinalReport


def _transmission_report(document):
    report = DataTransmissionReport.objects.select_related("author", "consent").get(
        pk=document.source_id)
    return {"report": report, "signatory": documents.signed_by(report.author)}


def _final_report(document):
    report = FinalReport.objects.get(pk=document.source_id)
    return {"report": report,
            "summary": selectors.sessions_summary(document.case, report.sessions_delivered),
            "signatory": documents.signed_by(report.author)}


def register():
    # The transmission report is in the language the BTP chose for its recipient; the final
    # report goes to Fedris in the BTP's language.
    documents.register(
        "transmission_report", template="documents/transmission_report.html",
        context=_transmission_report,
        language=lambda case, source_id: DataTransmissionReport.objects.get(
            pk=source_id).language,
    )
    documents.register(
        "final_report", template="documents/final_report.html", context=_final_report,
        language=lambda case, source_id: FinalReport.objects.get(pk=source_id).author.language,
    )
