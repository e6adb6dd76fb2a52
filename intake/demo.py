"""Demo screening requests: one behind every demo case, plus a draft and a request waiting for
review with a failed check."""

import datetime

from django.utils import timezone

from botp import documents, nationalnumber, workflow
from botp.models import Case, Participant, Sector
from botp.steps import Step
from intake import eligibility, services, signature
from intake.consent import CURRENT_CONSENT_VERSION, CURRENT_WORKER_CONSENT_VERSION
from intake.models import ScreeningRequest, Signal, WorkStatus

EMPLOYERS = [("AZ Sint-Jan", "0403170701", "hospital"), ("Banque Demo", "0202239951", "banking")]
# The employer of a demo request in another programme: name, number, sector, kind, NACE code.
PROGRAMME_EMPLOYERS = {
    "fa-botp": ("FOD Financiën", "0308357159", "federal_administration", "federal", "84.11"),
    "prevention-2024": ("Bakkerij Demo", "0403170701", "private_sector", "private", "10.71"),
}


def _fill(screening, participant, index):
    employer, number, sector = EMPLOYERS[index % 2]
    special = PROGRAMME_EMPLOYERS.get(getattr(screening.programme, "code", ""))
    if special:
        employer, number, sector, screening.employer_kind, screening.nace_code = special
    screening.first_name = participant.first_name
    screening.last_name = participant.last_name
    screening.niss_encrypted = participant.niss_encrypted
    screening.birth_date = participant.birth_date
    screening.sex = "F" if index % 2 else "M"
    screening.email = participant.email
    screening.language = participant.language
    screening.employer_name = employer
    screening.enterprise_number = number
    screening.sector = Sector.objects.get(code=sector)
    screening.job_title = "Verpleegkundige" if sector == "hospital" else "Conseiller clientèle"
    screening.work_status = WorkStatus.SICK_LEAVE if index % 3 else WorkStatus.AT_WORK
    screening.sick_leave_since = (
        timezone.localdate() - datetime.timedelta(days=20) if index % 3 else None
    )
    screening.signals = [Signal.FATIGUE, Signal.SLEEP, Signal.CONCENTRATION][: 1 + index % 3]
    screening.consent_given = True
    screening.consent_version = CURRENT_CONSENT_VERSION
    screening.consent_given_at = timezone.now()


def seed(users):
    referrer = users["referrer"]
    for index, case in enumerate(Case.objects.filter(screening_request__isnull=True)
                                 .select_related("participant", "programme").order_by("pk")):
        screening = ScreeningRequest(referrer=case.referrer or referrer, programme=case.programme,
                                     case=case, submitted_at=case.requested_at,
                                     form_key=case.request_key)
        _fill(screening, case.participant, index)
        if case.rules.worker_signs_request and case.state != "requested":
            # Signed by the worker through their link before Fedris decided.
            screening.worker_signed_at = case.requested_at + datetime.timedelta(hours=2)
            screening.worker_consent_version = CURRENT_WORKER_CONSENT_VERSION
        screening.save()
        if case.rules.worker_signs_request and case.state == "requested":
            signature.ask(screening)  # the worker has yet to sign
        # The documents the real submission and decision would have issued.
        documents.issue(case, "screening_request", screening.pk)
        for event in case.events.filter(action__in=[Step.APPROVE, Step.DECLARE_INELIGIBLE]):
            documents.issue(case, "eligibility_decision", event.pk)

    if not ScreeningRequest.objects.filter(referrer=referrer, submitted_at__isnull=True).exists():
        ScreeningRequest.objects.create(
            referrer=referrer, programme=Case.objects.first().programme,
            first_name="Elke", last_name="Draft", language="nl",
            employer_name="AZ Sint-Jan", job_title="Vroedvrouw",
        )

    # A request with a sick leave too long, for the review queue's failed check.
    niss = nationalnumber.build(datetime.date(1979, 4, 2), 333)
    if not Participant.with_niss(niss).exists():
        screening = ScreeningRequest(referrer=referrer, programme=Case.objects.first().programme)
        participant = Participant(first_name="Bram", last_name="Lange", language="nl",
                                  birth_date=datetime.date(1979, 4, 2),
                                  email="bram.lange@example.org")
        participant.niss = niss
        _fill(screening, participant, 1)
        screening.sick_leave_since = timezone.localdate() - datetime.timedelta(days=75)
        screening.save()
        services.submit(screening.pk, referrer=referrer)


def declare_ineligible(case, admin, payload):
    # The request behind a demo case is made afterwards (seed): the decision names its category
    # as intake.services.decide would, without the letter e-mail to a fictitious worker.
    workflow.perform(case, Step.DECLARE_INELIGIBLE, admin,
                     payload={**payload, "reason_code": eligibility.Reason.SECTOR.value})


STEPS = {Step.DECLARE_INELIGIBLE: declare_ineligible}
