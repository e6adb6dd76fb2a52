"""The API's world: the access matrix's cases (one of "mine" and one of the others' in each of
several states), each with what the stages hang on a case, built directly so that every
endpoint has something to show or to hide."""

import datetime
import hashlib
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from botp.models import (
    ApiToken,
    CaseState,
    Document,
    DocumentKind,
    Session,
    SessionStatus,
    TreatmentRequest,
    TreatmentRequestLine,
)
from diagnosis.models import DiagnosisReport
from evaluation.models import SurveyInvitation
from intake.models import ScreeningRequest
from tests.botp.test_access_matrix import STATES
from tests.botp.test_access_matrix import cases_for as own_and_other
from tests.factories import valid_niss
from treatment.models import FinalReport

# Words only clinical content holds, to look for in every answer.
DIAGNOSIS_WORDS = "Night nurse, exhausted since the reorganisation."
DRAFT_WORDS = "Draft: still to be discussed with the participant."
FINAL_WORDS = "Back at work part-time, sleeping better."
SIGNAL_WORDS = "Cries in the car before every shift."

TREATED = {CaseState.IN_TREATMENT, CaseState.COMPLETED}


@dataclass
class Scenario:
    own: list = field(default_factory=list)
    other: list = field(default_factory=list)
    screening_requests: list = field(default_factory=list)
    draft_request: object = None
    reports: list = field(default_factory=list)
    sessions: list = field(default_factory=list)
    final_reports: list = field(default_factory=list)
    waves: list = field(default_factory=list)
    documents: list = field(default_factory=list)

    @property
    def cases(self):
        return self.own + self.other


def _session(case, code, provider, days_ago=1):
    return Session.objects.create(
        case=case, session_type=case.programme.session_types.get(code=code), provider=provider,
        date=timezone.localdate() - datetime.timedelta(days=days_ago), duration_minutes=60,
        status=SessionStatus.HELD, recorded_by=provider.user,
    )


def populate(scenario, case, isp):
    """What the stages would have recorded on ``case`` by its state."""
    now = timezone.now()
    scenario.screening_requests.append(ScreeningRequest.objects.create(
        referrer=case.referrer, programme=case.programme, case=case, first_name="Ann",
        last_name="Peeters", niss=valid_niss(), birth_date=datetime.date(1980, 5, 12),
        language="nl", employer_name="AZ Demo", enterprise_number="0123456749",
        job_title="Nurse", work_status="at_work", signals=["fatigue", "sleep"],
        signals_other=SIGNAL_WORDS, submitted_at=now, consent_given=True, consent_version="1",
        consent_given_at=now,
    ))
    scenario.waves.append(SurveyInvitation.objects.create(
        case=case, wave="pre", language="nl", due_on=timezone.localdate(),
        closes_at=now + datetime.timedelta(days=30), sent_at=now,
        nonce=f"nonce-{case.pk}", token_hash=hashlib.sha256(f"t{case.pk}".encode()).hexdigest(),
    ))
    # One document of each kind, as metadata: who may list which is the policy's question.
    for kind in DocumentKind.values:
        scenario.documents.append(Document.objects.create(
            case=case, kind=kind, source_id=case.pk, language="nl",
            status=Document.Status.RENDERED, sha256="0" * 64))
    if case.state == CaseState.REQUESTED:
        return
    scenario.sessions.append(_session(case, "diagnosis", case.btp, days_ago=20))
    if case.state == CaseState.IN_DIAGNOSIS:
        scenario.reports.append(DiagnosisReport.objects.create(
            case=case, version=1, author=case.btp.user, anamnesis=DRAFT_WORDS,
            request=TreatmentRequest.objects.create(case=case, version=1)))
        return
    request = TreatmentRequest.objects.create(case=case, version=1)
    report = DiagnosisReport.objects.create(
        case=case, version=1, author=case.btp.user, anamnesis=DIAGNOSIS_WORDS,
        conclusion="Early-stage occupational burnout.", burnout_present=True,
        burnout_stage="early", differential_diagnoses=["depression"], request=request)
    TreatmentRequestLine.objects.create(
        request=request, session_type=case.programme.session_types.get(code="starter_kit"),
        provider=isp, planned_sessions=3)
    report.submitted_at = request.submitted_at = now
    report.save()
    request.save()
    scenario.reports.append(report)
    scenario.sessions.append(_session(case, "starter_kit", isp))
    scenario.sessions.append(_session(case, "work_related", case.btp))
    scenario.final_reports.append(FinalReport.objects.create(
        case=case, author=case.btp.user, conclusion=FINAL_WORDS, work_status="working_partly",
        outcome="improved", submitted_at=now if case.state == CaseState.COMPLETED else None,
        sessions_delivered={"diagnosis": 1} if case.state == CaseState.COMPLETED else {},
    ))


@pytest.fixture
def scenario(world):
    built = Scenario()
    for state in STATES:
        own, other = own_and_other(world, state)
        built.own.append(own)
        built.other.append(other)
        populate(built, own, world.isp)
        populate(built, other, world.other_isp)
    # A draft has no case: no one but its author ever sees it, and not through the API.
    built.draft_request = ScreeningRequest.objects.create(
        referrer=world.referrer, first_name="Draft", last_name="Only")
    return built


@pytest.fixture
def api():
    """An API client logged in as ``user`` (a session, as a browser would)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def token_client():
    """An API client that sends ``user``'s token, as an integration would."""

    def make(user):
        _token, key = ApiToken.issue(user, "test integration")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


def fetch_all(client, url, **params):
    """Every object of a paginated list, following ``next``."""
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    body = response.json()
    found = list(body["results"])
    while body["next"]:
        body = client.get(body["next"]).json()
        found += body["results"]
    return found
