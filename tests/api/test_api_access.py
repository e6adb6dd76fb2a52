"""DESIGN.md section 2 through the API: for every role and every endpoint, the objects listed
are exactly those the pages' expectations (tests/botp/test_access_matrix.py) let that role see,
and the detail of anything else is a 404 — whether it does not exist or is out of reach."""

from dataclasses import dataclass

import pytest

from botp import documents, policy
from botp.models import CaseState
from botp.policy import Action
from tests.botp.test_access_matrix import EXPECTED_ACTIONS, EXPECTED_VISIBILITY
from tests.scenarios import fetch_all

ROLES = sorted(EXPECTED_VISIBILITY) + ["other_btp", "other_isp", "other_participant",
                                       "other_referrer"]


def expectations(role):
    """(sees own cases, sees the others', actions on a case it sees) for ``role``.

    An ``other_`` role holds in the others' cases the relation its role holds in "mine", so
    it sees the mirror image of what its role sees.
    """
    base = role.removeprefix("other_")
    sees_own, sees_other = EXPECTED_VISIBILITY[base]
    if role != base:
        sees_own, sees_other = sees_other, sees_own
    return sees_own, sees_other, EXPECTED_ACTIONS[base]


@dataclass(frozen=True)
class Endpoint:
    path: str
    objects: str  # the Scenario attribute holding its objects
    key: str = "id"

    def case_of(self, obj):
        return obj if self.objects == "cases" else obj.case

    def key_of(self, obj):
        return getattr(obj, "reference" if self.key == "reference" else "pk")


ENDPOINTS = {
    "cases": Endpoint("/api/v1/cases/", "cases", key="reference"),
    "screening-requests": Endpoint("/api/v1/screening-requests/", "screening_requests"),
    "diagnosis-reports": Endpoint("/api/v1/diagnosis-reports/", "reports"),
    "sessions": Endpoint("/api/v1/sessions/", "sessions"),
    "final-reports": Endpoint("/api/v1/final-reports/", "final_reports"),
    "survey-waves": Endpoint("/api/v1/survey-waves/", "waves"),
    "documents": Endpoint("/api/v1/documents/", "documents"),
}


def may_see(name, obj, case, actions, user):
    """Whether a role with ``actions`` on ``case`` sees ``obj`` of endpoint ``name``."""
    if name == "cases":
        return Action.VIEW_CASE in actions
    if name == "screening-requests":
        return Action.VIEW_SCREENING_REQUEST in actions
    if name == "diagnosis-reports":
        return Action.VIEW_CLINICAL in actions and (
            obj.submitted_at is not None or Action.VIEW_DRAFTS in actions)
    if name == "sessions":
        # All of a case's sessions, or, for an ISP, those it gives.
        return Action.VIEW_SESSIONS in actions or (
            Action.VIEW_OWN_ASSIGNMENT in actions and obj.provider.user_id == user.pk)
    if name == "final-reports":
        # A draft is the BTP's alone, as for the diagnosis report.
        return Action.VIEW_CLINICAL in actions and (
            obj.submitted_at is not None or Action.VIEW_DRAFTS in actions)
    if name == "survey-waves":
        return Action.VIEW_SURVEY_STATUS in actions
    if name == "documents":
        return policy.DOCUMENT_ACTIONS[obj.kind] in actions
    raise AssertionError(name)


def expected_objects(name, scenario, role, user):
    sees_own, sees_other, actions = expectations(role)
    endpoint = ENDPOINTS[name]
    reachable = set()
    if sees_own:
        reachable |= set(scenario.own)
    if sees_other:
        reachable |= set(scenario.other)
    return {
        endpoint.key_of(obj) for obj in getattr(scenario, endpoint.objects)
        if endpoint.case_of(obj) in reachable
        and may_see(name, obj, endpoint.case_of(obj), actions, user)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_policy_lets_it_see(api, world, scenario, role, name):
    user = world.user(role)
    endpoint = ENDPOINTS[name]
    client = api(user)
    expected = expected_objects(name, scenario, role, user)

    listed = fetch_all(client, endpoint.path)
    assert {row[endpoint.key] for row in listed} == expected, (role, name)
    assert len(listed) == len(expected), "an object is listed twice"

    for obj in getattr(scenario, endpoint.objects):
        key = endpoint.key_of(obj)
        status = client.get(f"{endpoint.path}{key}/").status_code
        assert status == (200 if key in expected else 404), (role, name, key)


@pytest.mark.django_db
def test_the_matrix_is_not_empty(world, scenario):
    """Every endpoint shows something to someone and hides something from someone, and every
    state of the matrix has a case."""
    assert {case.state for case in scenario.own} == {
        CaseState.REQUESTED, CaseState.IN_DIAGNOSIS, CaseState.IN_TREATMENT,
        CaseState.COMPLETED}
    for name in ENDPOINTS:
        seen = [expected_objects(name, scenario, role, world.user(role)) for role in ROLES]
        assert any(seen) and not all(seen), name
    assert any(report.submitted_at is None for report in scenario.reports)
    assert any(report.submitted_at is None for report in scenario.final_reports)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_sessions_are_those_the_policy_gives_case_by_case(api, world, scenario, role):
    """The sessions endpoint agrees with policy.visible_sessions, the pages' rule."""
    user = world.user(role)
    by_policy = {session.pk for case in scenario.cases
                 for session in policy.visible_sessions(user, case)}
    listed = {row["id"] for row in fetch_all(api(user), "/api/v1/sessions/")}
    assert listed == by_policy


@pytest.mark.django_db
def test_an_isp_sees_only_the_sessions_it_gives(api, world, scenario):
    rows = fetch_all(api(world.isp.user), "/api/v1/sessions/")
    assert rows and {row["session_type"] for row in rows} == {"starter_kit"}
    assert {row["provider"] for row in rows} == {str(world.isp)}


@pytest.mark.django_db
def test_filtering_by_case_stays_within_reach(api, world, scenario):
    own, other = scenario.own[2], scenario.other[2]  # both in treatment
    client = api(world.btp.user)
    mine = fetch_all(client, "/api/v1/sessions/", case=own.reference)
    assert mine and {row["case"] for row in mine} == {own.reference}
    for path in ("/api/v1/sessions/", "/api/v1/diagnosis-reports/", "/api/v1/final-reports/",
                 "/api/v1/screening-requests/"):
        assert fetch_all(client, path, case=other.reference) == [], path


@pytest.mark.django_db
def test_a_case_that_does_not_exist_reads_like_one_out_of_reach(api, world, scenario):
    client = api(world.btp.user)
    missing = client.get("/api/v1/cases/BOTP-1999-999999/")
    hidden = client.get(f"/api/v1/cases/{scenario.other[0].reference}/")
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()


@pytest.mark.django_db
@pytest.mark.parametrize("path", [endpoint.path for endpoint in ENDPOINTS.values()])
def test_researchers_see_no_case_level_data(api, world, scenario, path):
    response = api(world.researcher).get(path)
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", [endpoint.path for endpoint in ENDPOINTS.values()])
def test_every_endpoint_needs_authentication(api, scenario, path):
    response = api().get(path)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.django_db
def test_an_inactive_account_is_refused(world, token_client, scenario):
    client = token_client(world.btp.user)
    assert client.get("/api/v1/cases/").status_code == 200
    world.btp.user.is_active = False
    world.btp.user.save()
    assert client.get("/api/v1/cases/").status_code == 401


@pytest.mark.django_db
def test_reading_through_the_api_is_audited(api, world, scenario):
    client = api(world.psychologist)
    report = next(r for r in scenario.reports if r.submitted_at)
    client.get(f"/api/v1/diagnosis-reports/{report.pk}/")
    assert report.case.audit_entries.filter(
        actor=world.psychologist, kind="view", what="diagnosis report v1 (API)").exists()
    fetch_all(client, "/api/v1/final-reports/")
    for final in scenario.final_reports:
        read = final.case.audit_entries.filter(actor=world.psychologist,
                                               what="final report (API)").exists()
        assert read == (final.submitted_at is not None)  # drafts are not the psychologist's


@pytest.mark.django_db
def test_a_document_downloads_as_pdf_for_those_who_may_read_it(api, world, scenario, settings,
                                                               tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = scenario.own[2]  # in treatment
    report = next(d for d in scenario.documents if d.case == case
                  and d.kind == "diagnosis_report")
    documents.store(report, b"%PDF-1.7 report")
    report.save()
    url = f"/api/v1/documents/{report.pk}/download/"
    response = api(world.btp.user).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 report"
    assert case.audit_entries.filter(kind="download", actor=world.btp.user).exists()
    for role in ("admin", "referrer", "isp", "participant", "other_btp", "researcher"):
        assert api(world.user(role)).get(url).status_code == 404, role
    listed = fetch_all(api(world.btp.user), "/api/v1/documents/", case=case.reference)
    assert next(row for row in listed if row["id"] == report.pk)["download"].endswith(url)
    report.status = "pending"
    report.save()
    assert api(world.btp.user).get(url).status_code == 404
