"""Scenario builders: a case at a given stage, built as the stages' own services leave it, and
the clients that act on it.

The fixtures reach every test through the root conftest (``pytest_plugins``); the plain
functions are imported from here. No conftest imports another, and no test module imports a
builder from another test module."""

import datetime
import hashlib
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from botp import consents, demo, nationalnumber, workflow
from botp.models import (
    ApiToken,
    Approach,
    CaseState,
    Consent,
    Document,
    DocumentKind,
    Sector,
    Session,
    SessionPhase,
    SessionStatus,
    TreatmentRequest,
    TreatmentRequestLine,
    User,
)
from botp.plan import Line
from diagnosis import services as diagnosis
from diagnosis.models import DiagnosisReport
from evaluation import selectors, survey
from evaluation.loading import load_instruments
from evaluation.models import SurveyInvitation
from intake.models import ScreeningRequest
from tests.factories import ProviderFactory, valid_niss
from treatment import services as treatment
from treatment.models import FinalReport

# --- Any stage --------------------------------------------------------------------------------


def backdate(case, *, approved_days=0, ended_days=None):
    """``case`` approved ``approved_days`` ago (and ended ``ended_days`` ago)."""
    now = timezone.now()
    case.approved_at = now - datetime.timedelta(days=approved_days)
    if ended_days is not None:
        case.ended_at = now - datetime.timedelta(days=ended_days)
    case.save()
    return case


# --- The back office --------------------------------------------------------------------------


@pytest.fixture
def demo_admin(client, db):
    """The demo's Fedris administrator (the demo seeded without its cohort), logged in on
    ``client``."""
    demo.seed(cohort=False)
    admin = User.objects.get(email="admin@demo.botp.be")
    client.force_login(admin)
    client.cookies["django_language"] = "en"  # the demo administrator's own language is French
    return admin


# --- Stage 1: the screening request -----------------------------------------------------------

BORN = datetime.date(1982, 3, 17)


@pytest.fixture
def niss():
    return nationalnumber.build(BORN, 41)


@pytest.fixture
def form_data(world, niss):
    """A complete, valid screening request as the referrer would post it."""

    def make(**overrides):
        data = {
            "form_key": str(uuid.uuid4()),
            "programme": world.programme.pk,
            "first_name": "Eva",
            "last_name": "Peeters",
            "niss": niss,
            "birth_date": BORN.isoformat(),
            "sex": "F",
            "email": "eva.peeters@example.org",
            "phone": "+32 470 00 00 00",
            "language": "fr",
            "employer_name": "AZ Demo",
            "enterprise_number": "0403.170.701",
            "sector_choice": str(Sector.objects.get(code="hospital").pk),
            "sector_other": "",
            "job_title": "Nurse",
            "work_status": "sick_leave",
            "sick_leave_since": (timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
            "signals": ["fatigue", "sleep"],
            "signals_other": "",
            "consent": "on",
            "action": "submit",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return make


@pytest.fixture
def referrer_client(client, world):
    client.force_login(world.referrer)
    return client


def post_new(client, data):
    return client.post(reverse("intake:new"), data)


# --- Stage 2: diagnosis -----------------------------------------------------------------------


def in_diagnosis(world, *, mine=True):
    """A case the world's BTP has accepted, approved a week ago."""
    case = world.case(CaseState.IN_DIAGNOSIS, btp=world.btp, mine=mine)
    case.approved_at = case.requested_at = case.requested_at - datetime.timedelta(days=7)
    case.save()
    return case


@pytest.fixture
def diagnosis_case(world):
    return in_diagnosis(world)


@pytest.fixture
def record(world):
    """Record a diagnosis (or debrief) session as the case's BTP."""

    def make(case, *, status=SessionStatus.HELD, phase=SessionPhase.DIAGNOSIS, days_ago=1,
             minutes=60, actor=None):
        return diagnosis.record_session(
            case, actor or world.btp.user, phase=phase, status=status, duration_minutes=minutes,
            date=datetime.date.today() - datetime.timedelta(days=days_ago),
        )

    return make


@pytest.fixture
def physio(world):
    return ProviderFactory(is_btp=False, is_isp=True, profession="physiotherapist",
                           programmes=[world.programme])


def complete_values(**overrides):
    """A report with everything Fedris needs."""
    values = {
        "bat_total": Decimal("3.40"), "bat_exhaustion": Decimal("4.10"),
        "bat_mental_distance": Decimal("3.20"), "bat_cognitive_impairment": Decimal("3.00"),
        "bat_emotional_impairment": Decimal("2.75"),
        "dass_depression": 12, "dass_anxiety": 8, "dass_stress": 24,
        "anamnesis": "Nurse, fatigue since a reorganisation.",
        "work_factors": "Understaffing.", "conclusion": "Early-stage occupational burnout.",
        "burnout_present": True, "burnout_stage": "early",
        "differential_diagnoses": ["depression", "adjustment_disorder"],
        "suicidal_ideation": False, "urgent_referral": "",
    }
    values.update(overrides)
    return values


def lines_for(case, isp, **planned):
    """Treatment request lines: ``planned`` maps a type code (or ``code-approach``) to a number;
    ISP-given types name ``isp``."""
    types = {t.code: t for t in case.programme.session_types.all()}
    found = []
    for key, number in planned.items():
        code, _, approach = key.partition("-")
        session_type = types[code]
        provider = isp if session_type.given_by == "isp" or (
            session_type.given_by == "btp_or_isp" and isp is not None) else None
        found.append(Line(session_type, approach, provider, number))
    return found


DEFAULT_PLAN = {"work_related": 3, "starter_kit": 3,
                f"individual-{Approach.COGNITIVE_EMOTIONAL}": 5, "follow_up": 2}


@pytest.fixture
def submitted(world, diagnosis_case, record):
    """The case with two diagnosis sessions and version 1 sent to Fedris."""

    def make(case=None, **overrides):
        case = case or diagnosis_case
        record(case, days_ago=3)
        record(case, days_ago=1)
        return diagnosis.save_report(case, world.btp.user, values=complete_values(**overrides),
                                     lines=lines_for(case, world.isp, **DEFAULT_PLAN), submit=True)

    return make


def send_request(case):
    """Version 1 of the case's treatment request, marked sent, with no report or lines."""
    return TreatmentRequest.objects.get_or_create(case=case, version=1,
                                                  defaults={"submitted_at": timezone.now()})[0]


# --- Stages 3 and 4: treatment ----------------------------------------------------------------


def confirm(world, case, plan=None):
    """Take an accepted case through two diagnosis sessions, the report and the confirmation."""
    for days_ago in (5, 4):
        diagnosis.record_session(case, world.btp.user, phase="diagnosis", status="held",
                                 duration_minutes=60,
                                 date=datetime.date.today() - datetime.timedelta(days=days_ago))
    diagnosis.save_report(case, world.btp.user, values=complete_values(),
                          lines=lines_for(case, world.isp, **(plan or DEFAULT_PLAN)), submit=True)
    diagnosis.decide(case, world.psychologist, decision=diagnosis.Decision.CONFIRM)
    case.refresh_from_db()
    return case


@pytest.fixture
def treated(world):
    """A case in treatment: work-related 3 and follow-up 2 by the BTP, starter kit 3 and
    cognitive-emotional individual 5 by the world's ISP."""
    return confirm(world, in_diagnosis(world))


@pytest.fixture
def give(world):
    """Record a treatment session as ``who`` (the BTP by default)."""

    def make(case, code, *, who=None, status=SessionStatus.HELD, approach="", days=0,
             minutes=60):
        planned = status == SessionStatus.PLANNED
        return treatment.record_session(
            case, who or world.btp.user, type_code=code, approach=approach, status=status,
            duration_minutes=minutes, date=datetime.date.today() + datetime.timedelta(days=days),
            starts_at=datetime.time(14, 30) if planned else None,
            place="Practice, Demostraat 1, Antwerpen" if planned else "",
        )

    return make


@pytest.fixture
def consent(world):
    """Give a consent as the case's participant."""

    def make(case, purpose=Consent.Purpose.MEETING, people=None):
        people = people or [
            {"role": "occupational_physician", "name": "Dr. An Smet"},
            {"role": "employer", "name": "Jo Peeters", "organisation": "AZ Demo"},
        ]
        return consents.give(case, world.participant, purpose=purpose, people=people)

    return make


# --- Evaluation: survey waves -----------------------------------------------------------------


@pytest.fixture
def instruments(db):
    load_instruments()


def link_in(message):
    return re.search(r"https?://[^/\s]+(/evaluation/survey/[\w-]+/)", message.body).group(1)


def token_of(path):
    return path.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def approved(world, instruments, django_capture_on_commit_callbacks):
    """A requested case of the world's participant, approved: its pre-test was sent."""

    def make(mine=True):
        case = world.case(CaseState.REQUESTED, mine=mine)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            workflow.perform(case, "approve", world.admin)
        case.refresh_from_db()
        return case

    return make


def answer_everything(invitation, value_for=None):
    """Answer every shown item of every page (choice: the first option, or value_for(item))."""
    for instrument in selectors.instruments(invitation):
        definition = instrument.definition
        posted = {}
        for item in definition["items"]:
            if value_for is not None and value_for(instrument, item) is not None:
                posted[item["id"]] = value_for(instrument, item)
            elif item["type"] == "choice":
                scale = next(s for s in definition["scales"] if s["id"] == item["scale"])
                posted[item["id"]] = str(scale["options"][0]["value"])
            elif item["type"] == "number":
                posted[item["id"]] = str(item["min"])
        problems = survey.save_page(invitation, instrument=instrument, answers=posted)
        assert problems == {}, instrument.code


def invitations(case):
    return {i.wave: i for i in SurveyInvitation.objects.filter(case=case)}


@pytest.fixture
def invited(world, approved):
    """(invitation, path of its link from the e-mail) of an approved case's pre-test."""
    mail.outbox.clear()
    case = approved()
    message = next(m for m in mail.outbox if "/evaluation/survey/" in m.body)
    invitation = SurveyInvitation.objects.get(case=case)
    invitation.language = "en"  # the tests read English
    invitation.save(update_fields=["language"])
    return invitation, link_in(message)


# --- Who sees what: a case of one's own and someone else's, in several states -----------------

STATES = [CaseState.REQUESTED, CaseState.IN_DIAGNOSIS, CaseState.IN_TREATMENT,
          CaseState.COMPLETED]


def cases_for(world, state):
    """A case where every "own" relation holds, and one where none does."""
    own = world.case(state, mine=True, btp=world.btp, isp=world.isp)
    other = world.case(state, mine=False, btp=world.other_btp, isp=world.other_isp)
    return own, other


# --- The API's world --------------------------------------------------------------------------
#
# The access matrix's cases, each with what the stages hang on a case, built directly so that
# every endpoint has something to show or to hide.

# Words only clinical content holds, to look for in every answer.
DIAGNOSIS_WORDS = "Night nurse, exhausted since the reorganisation."
DRAFT_WORDS = "Draft: still to be discussed with the participant."
FINAL_WORDS = "Back at work part-time, sleeping better."
SIGNAL_WORDS = "Cries in the car before every shift."


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
        own, other = cases_for(world, state)
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
