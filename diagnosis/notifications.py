"""What stage 2 tells botp's notifications: where an e-mail asking the BTP for more information
sends them (the report to revise), and which diagnosis reports reach the psychologists as
urgent (a red flag). The e-mails themselves say neither the question nor why it is urgent."""

from django.urls import reverse

from botp import notifications
from botp.steps import Step
from diagnosis.models import DiagnosisReport


def _report_to_revise(case):
    return reverse("diagnosis:report", args=[case.reference])


def _red_flag(event):
    """Whether the version the event sent records suicidal ideation (DESIGN §6: such reports
    come first, and urgently)."""
    return DiagnosisReport.objects.filter(
        case_id=event.case_id, version=event.payload.get("report_version"),
        submitted_at__isnull=False, suicidal_ideation=True,
    ).exists()


def register():
    notifications.register_btp_link(Step.REQUEST_INFORMATION, _report_to_revise)
    notifications.register_urgency(Step.SUBMIT_DIAGNOSIS, _red_flag)
