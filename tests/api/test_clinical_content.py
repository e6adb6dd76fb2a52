"""Clinical content (the diagnosis report's words, the final report) and the referral signals
reach, through any endpoint, only those the policy lets read them."""

import pytest

from tests.api.test_api_access import ENDPOINTS, ROLES
from tests.scenarios import DIAGNOSIS_WORDS, DRAFT_WORDS, FINAL_WORDS, SIGNAL_WORDS

MARKERS = {"diagnosis": DIAGNOSIS_WORDS, "draft": DRAFT_WORDS, "final": FINAL_WORDS,
           "signals": SIGNAL_WORDS}
# Whose eyes each marker may reach (in any case they relate to).
READERS = {
    "diagnosis": {"psychologist", "btp", "other_btp"},
    "draft": {"btp", "other_btp"},
    "final": {"psychologist", "btp", "other_btp"},
    "signals": {"psychologist", "btp", "other_btp", "referrer", "other_referrer",
                "participant", "other_participant"},
}


def everything_shown(client, scenario):
    """Every list page and every detail the API answers with, as one text."""
    shown = []
    for endpoint in ENDPOINTS.values():
        shown.append(client.get(endpoint.path).content.decode())
        for obj in getattr(scenario, endpoint.objects):
            shown.append(client.get(f"{endpoint.path}{endpoint.key_of(obj)}/")
                         .content.decode())
    return "\n".join(shown)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_clinical_content_reaches_only_its_readers(api, world, scenario, role):
    shown = everything_shown(api(world.user(role)), scenario)
    seen = {name for name, marker in MARKERS.items() if marker in shown}
    assert seen == {name for name, readers in READERS.items() if role in readers}


@pytest.mark.django_db
def test_the_readers_get_the_whole_report(api, world, scenario):
    report = next(r for r in scenario.reports if r.submitted_at and r.case in scenario.own)
    body = api(world.psychologist).get(f"/api/v1/diagnosis-reports/{report.pk}/").json()
    assert body["case"] == report.case.reference and body["version"] == 1
    assert body["anamnesis"] == DIAGNOSIS_WORDS
    assert body["differential_diagnoses"] == ["depression"]
    assert body["request_lines"] == [{
        "session_type": "starter_kit", "session_type_name": "Starter kit", "approach": "",
        "provider": str(world.isp), "planned_sessions": 3}]


@pytest.mark.django_db
def test_the_national_number_is_only_ever_masked(api, world, scenario):
    screening = scenario.screening_requests[0]
    for role in ("admin", "psychologist", "referrer", "btp", "participant"):
        body = api(world.user(role)).get(f"/api/v1/screening-requests/{screening.pk}/")
        assert body.status_code == 200, role
        text = body.content.decode()
        assert screening.niss not in text and screening.niss[6:] not in text, role
        assert body.json()["national_number"].endswith("-***.**"), role


@pytest.mark.django_db
def test_survey_waves_show_no_token_or_nonce(api, world, scenario):
    wave = scenario.waves[0]
    body = api(world.admin).get(f"/api/v1/survey-waves/{wave.pk}/").json()
    assert body["status"] == "sent" and body["wave"] == "pre"
    assert wave.token_hash not in str(body) and wave.nonce not in str(body)
    assert not {"token_hash", "nonce", "last_error"} & set(body)


@pytest.mark.django_db
@pytest.mark.parametrize("role, shown", [("admin", False), ("psychologist", True),
                                         ("referrer", True), ("btp", True),
                                         ("participant", True)])
def test_referral_signals_only_to_who_may_read_them(api, world, scenario, role, shown):
    screening = scenario.screening_requests[0]
    body = api(world.user(role)).get(f"/api/v1/screening-requests/{screening.pk}/").json()
    assert (body["first_name"], body["employer_name"]) == ("Ann", "AZ Demo")
    if shown:
        assert (body["signals"], body["signals_other"]) == (["fatigue", "sleep"], SIGNAL_WORDS)
    else:
        assert (body["signals"], body["signals_other"]) == (None, None)
