"""The cases endpoint: the stage as each role may know it, filters that reveal nothing more,
and pagination on every list."""

import datetime

import pytest
from django.utils import timezone

from botp.models import CaseState, ReferrerStage
from tests.api.test_api_access import ENDPOINTS
from tests.factories import CaseFactory
from tests.scenarios import fetch_all, populate


@pytest.mark.django_db
@pytest.mark.parametrize("state, coarse", [
    (CaseState.REQUESTED, ReferrerStage.RECEIVED),
    (CaseState.BTP_PROPOSED, ReferrerStage.APPROVED),
    (CaseState.INELIGIBLE, ReferrerStage.NOT_ELIGIBLE),
    (CaseState.DIAGNOSIS_REVIEW, ReferrerStage.IN_PROGRAMME),
    (CaseState.NOT_CONFIRMED, ReferrerStage.IN_PROGRAMME),
    (CaseState.COMPLETED, ReferrerStage.CLOSED),
    (CaseState.WITHDRAWN, ReferrerStage.CLOSED),
])
def test_a_referrer_sees_only_the_administrative_stage(api, world, state, coarse):
    case = world.case(state, btp=world.btp)
    referrer = api(world.referrer)
    for body in (referrer.get("/api/v1/cases/").json()["results"][0],
                 referrer.get(f"/api/v1/cases/{case.reference}/").json()):
        assert body["reference"] == case.reference
        assert (body["stage"], body["stage_label"]) == (coarse.value, coarse.label)
        assert body["participant_name"] is None
    raw = referrer.get(f"/api/v1/cases/{case.reference}/").content.decode()
    if state != coarse.value:
        assert f'"{state}"' not in raw
    assert str(case.get_state_display()) not in raw or case.get_state_display() == coarse.label
    # The BTP follows the case's progress: the detailed state, and the participant's name.
    body = api(world.btp.user).get(f"/api/v1/cases/{case.reference}/").json()
    assert (body["stage"], body["stage_label"]) == (state, case.get_state_display())
    assert body["participant_name"] == str(case.participant)
    assert body["btp"] == str(world.btp)


@pytest.mark.django_db
def test_filtering_by_state_reveals_nothing_to_a_referrer(api, world):
    not_confirmed = world.case(CaseState.NOT_CONFIRMED, btp=world.btp)
    in_treatment = world.case(CaseState.IN_TREATMENT, btp=world.btp)
    both = {not_confirmed.reference, in_treatment.reference}
    referrer = api(world.referrer)
    for state in (CaseState.NOT_CONFIRMED, CaseState.IN_TREATMENT, CaseState.REQUESTED):
        listed = {row["reference"] for row in fetch_all(referrer, "/api/v1/cases/",
                                                        state=state)}
        assert listed == both, state
    # For a role that may know the state, the filter filters.
    btp = api(world.btp.user)
    listed = {row["reference"] for row in fetch_all(btp, "/api/v1/cases/",
                                                    state=CaseState.NOT_CONFIRMED)}
    assert listed == {not_confirmed.reference}


@pytest.mark.django_db
def test_filters_by_programme_and_request_date(api, world, programmes):
    today = timezone.now()
    old = world.case(CaseState.REQUESTED)
    old.requested_at = today - datetime.timedelta(days=40)
    old.save()
    recent = world.case(CaseState.REQUESTED)
    federal = CaseFactory(programme=programmes["fa-botp"], participant=recent.participant,
                          referrer=world.referrer)
    client = api(world.admin)

    def listed(**params):
        return {row["reference"] for row in fetch_all(client, "/api/v1/cases/", **params)}

    cutoff = (today - datetime.timedelta(days=10)).date().isoformat()
    assert listed(requested_after=cutoff) == {recent.reference, federal.reference}
    assert listed(requested_before=cutoff) == {old.reference}
    assert listed(programme="botp") == {old.reference, recent.reference}
    assert listed(programme="fa-botp", requested_after=cutoff) == {federal.reference}
    refused = client.get("/api/v1/cases/", {"requested_after": "not a date"})
    assert refused.status_code == 400
    assert set(refused.json()) == {"detail", "errors"}
    assert "requested_after" in refused.json()["errors"]


@pytest.mark.django_db
def test_every_list_is_read_by_cursor_25_at_a_time(api, world, scenario):
    """Enough of everything for a psychologist (who sees it all) to need a second page."""
    for _ in range(26):
        case = world.case(CaseState.COMPLETED, btp=world.btp, isp=world.isp)
        scenario.own.append(case)
        populate(scenario, case, world.isp)
    client = api(world.psychologist)
    for name, endpoint in ENDPOINTS.items():
        first = client.get(endpoint.path).json()
        # A cursor, not a count: no list counts its rows.
        assert set(first) == {"next", "previous", "results"}, name
        assert len(first["results"]) == 25, name
        assert first["previous"] is None and "cursor=" in first["next"], name
        second = client.get(first["next"]).json()
        assert second["results"] and "cursor=" in second["previous"], name
        assert not {row[endpoint.key] for row in first["results"]} & {
            row[endpoint.key] for row in second["results"]}, name
        everything = fetch_all(client, endpoint.path)
        assert len({row[endpoint.key] for row in everything}) == len(everything) > 25, name
    forged = client.get("/api/v1/cases/", {"cursor": "not-a-cursor"})
    assert forged.status_code == 404 and "detail" in forged.json()


@pytest.mark.django_db
def test_a_case_names_the_programme_version_it_runs_under(api, world):
    from botp import programme_rules

    case = world.case(CaseState.IN_TREATMENT, btp=world.btp)
    assert case.programme_version.number == 1
    world.programme.max_duration_months += 1
    world.programme.save()
    programme_rules.publish(world.programme, world.admin, change_note="A longer path.",
                            valid_from=timezone.localdate())
    later = world.case(CaseState.REQUESTED)
    body = api(world.admin).get("/api/v1/cases/").json()["results"]
    versions = {row["reference"]: row["programme_version"] for row in body}
    assert versions == {case.reference: 1, later.reference: 2}
