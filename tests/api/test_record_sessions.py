"""POST /api/v1/sessions/: the same state machine, caps and plan as the pages, and errors as
JSON (400 refused input, 403 not yours to do, 404 out of reach, 409 not now)."""

import datetime

import pytest
from django.utils import timezone

from botp.models import Approach, CaseState, Session
from tests.scenarios import backdate, in_diagnosis

URL = "/api/v1/sessions/"


def posted(case, session_type="diagnosis", days_ago=1, **extra):
    return {"case": case.reference, "session_type": session_type, "status": "held",
            "duration_minutes": 60,
            "date": (timezone.localdate() - datetime.timedelta(days=days_ago)).isoformat(),
            **extra}


@pytest.fixture
def diagnosing(world):
    return in_diagnosis(world)


def assert_json_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert isinstance(response.json()["detail"], str) and response.json()["detail"]


@pytest.mark.django_db
def test_the_btp_records_diagnosis_sessions_within_the_cap(world, token_client, diagnosing):
    client = token_client(world.btp.user)
    for days_ago in (3, 2):
        response = client.post(URL, posted(diagnosing, days_ago=days_ago), format="json")
        assert response.status_code == 201, response.content
    body = response.json()
    assert (body["case"], body["session_type"], body["phase"], body["status"]) == (
        diagnosing.reference, "diagnosis", "diagnosis", "held")
    assert body["provider"] == str(world.btp)
    assert diagnosing.sessions.count() == 2

    third = client.post(URL, posted(diagnosing), format="json")
    assert_json_error(third, 400)
    cap = "The programme allows at most 2 × “Diagnosis session”; this makes 3."
    assert third.json()["errors"] == {"non_field_errors": [cap]}
    assert cap in third.json()["detail"]
    assert diagnosing.sessions.count() == 2


@pytest.mark.django_db
def test_bad_input_is_refused_by_field(world, token_client, diagnosing):
    client = token_client(world.btp.user)
    missing = client.post(URL, {"case": diagnosing.reference}, format="json")
    assert_json_error(missing, 400)
    assert {"session_type", "date", "duration_minutes", "status"} <= set(
        missing.json()["errors"])
    future = client.post(URL, posted(diagnosing, days_ago=-3), format="json")
    assert_json_error(future, 400)
    assert future.json()["errors"] == {
        "date": ["A session that took place cannot be in the future."]}
    planned = client.post(URL, posted(diagnosing, status="planned", days_ago=-3), format="json")
    assert planned.json()["errors"] == {"status": ["This status is not possible for this "
                                                   "session."]}
    unknown = client.post(URL, posted(diagnosing, session_type="yoga"), format="json")
    assert unknown.json()["errors"] == {"session_type": ["This programme has no such session "
                                                         "type."]}
    approach = client.post(URL, posted(diagnosing, approach=Approach.PSYCHO_CORPORAL),
                           format="json")
    assert "approach" in approach.json()["errors"]
    assert not diagnosing.sessions.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "psychologist", "participant", "referrer"])
def test_a_role_that_gives_no_sessions_is_forbidden(world, api, diagnosing, role):
    response = api(world.user(role)).post(URL, posted(diagnosing), format="json")
    assert_json_error(response, 403)
    assert not diagnosing.sessions.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["other_btp", "other_isp", "other_participant", "researcher"])
def test_a_case_out_of_reach_is_not_found(world, api, diagnosing, role):
    response = api(world.user(role)).post(URL, posted(diagnosing), format="json")
    assert_json_error(response, 404)
    missing = api(world.btp.user).post(URL, {**posted(diagnosing), "case": "BOTP-1999-000001"},
                                       format="json")
    assert missing.status_code == 404 and missing.json() == response.json()


@pytest.mark.django_db
def test_not_now_is_a_conflict(world, token_client, diagnosing, treated):
    client = token_client(world.btp.user)
    # A treatment session while the case is still in diagnosis...
    early = client.post(URL, posted(diagnosing, "work_related"), format="json")
    assert_json_error(early, 409)
    assert "In diagnosis" in early.json()["detail"]
    # ...and a diagnosis session once treatment has begun.
    late = client.post(URL, posted(treated, "diagnosis"), format="json")
    assert_json_error(late, 409)
    assert not diagnosing.sessions.exists()
    assert treated.sessions.count() == 2  # the two diagnosis sessions of confirm()


@pytest.mark.django_db
def test_treatment_sessions_follow_the_plan(world, token_client, treated):
    isp = token_client(world.isp.user)
    given = isp.post(URL, posted(treated, "starter_kit", days_ago=0), format="json")
    assert given.status_code == 201, given.content
    assert given.json()["provider"] == str(world.isp)
    # Work-related sessions are the BTP's; career change counselling is not in the plan.
    refused = isp.post(URL, posted(treated, "work_related", days_ago=0), format="json")
    assert_json_error(refused, 400)
    assert refused.json()["detail"] == "“Work-related session” is given by: BTP."
    not_planned = token_client(world.btp.user).post(
        URL, posted(treated, "career_change", days_ago=0), format="json")
    assert_json_error(not_planned, 400)
    assert "The treatment plan has no “Career change counselling” sessions" in \
        not_planned.json()["detail"]
    planned = isp.post(URL, posted(treated, "individual", days_ago=-2, status="planned",
                                   starts_at="14:30", place="Practice, Liège",
                                   approach=Approach.COGNITIVE_EMOTIONAL, format="group"),
                       format="json")
    assert planned.status_code == 201, planned.content
    assert (planned.json()["approach"], planned.json()["format"]) == (
        "cognitive_emotional", "group")
    meeting = token_client(world.btp.user).post(
        URL, posted(treated, "multidisciplinary_meeting", days_ago=0), format="json")
    assert_json_error(meeting, 400)
    assert Session.objects.filter(case=treated, provider=world.isp).count() == 2


@pytest.mark.django_db
def test_the_debrief_after_a_diagnosis_not_confirmed(world, token_client):
    case = backdate(world.case(CaseState.NOT_CONFIRMED, btp=world.btp), approved_days=10)
    client = token_client(world.btp.user)
    response = client.post(URL, posted(case, "debrief"), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["phase"] == "debrief"
    assert_json_error(client.post(URL, posted(case, "debrief"), format="json"), 400)


@pytest.mark.django_db
def test_anonymous_and_wrong_token_are_refused(api, diagnosing):
    anonymous = api().post(URL, posted(diagnosing), format="json")
    assert_json_error(anonymous, 401)
    assert anonymous["WWW-Authenticate"] == "Token"
    from rest_framework.test import APIClient

    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert_json_error(forged.post(URL, posted(diagnosing), format="json"), 401)
    assert not diagnosing.sessions.exists()


@pytest.mark.django_db
def test_a_browser_session_needs_the_csrf_token(world, diagnosing, settings):
    from rest_framework.test import APIClient

    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(world.btp.user)
    response = browser.post(URL, posted(diagnosing), format="json")
    assert_json_error(response, 403)
    assert "CSRF" in response.json()["detail"]
    assert not diagnosing.sessions.exists()
    # The same request with the page's CSRF token (cookie and header) goes through.
    secret = "a" * 32
    browser.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = browser.post(URL, posted(diagnosing), format="json", HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 201, response.content
    assert diagnosing.sessions.count() == 1


@pytest.mark.django_db
def test_malformed_json_and_unknown_addresses_answer_json(world, token_client, diagnosing):
    client = token_client(world.btp.user)
    broken = client.post(URL, "{not json", content_type="application/json")
    assert_json_error(broken, 400)
    assert "non_field_errors" in broken.json()["errors"]
    assert_json_error(client.get("/api/v1/no-such-endpoint/"), 404)
    assert_json_error(client.delete(f"/api/v1/cases/{diagnosing.reference}/"), 405)


@pytest.mark.django_db
def test_an_unexpected_error_answers_json_without_details(world, token_client, diagnosing,
                                                          monkeypatch, caplog):
    from botp.api.cases import CaseSerializer

    def broken(self, case):
        raise RuntimeError("a bug with a secret in it")

    monkeypatch.setattr(CaseSerializer, "get_stage", broken)
    response = token_client(world.btp.user).get("/api/v1/cases/")
    assert_json_error(response, 500)
    assert response.json() == {"detail": "A server error occurred."}
    assert "Unexpected error in an API view" in caplog.text
    not_found = token_client(world.btp.user).get("/api/v1/diagnosis-reports/999999/")
    assert not_found.json() == {"detail": "Not found."}
