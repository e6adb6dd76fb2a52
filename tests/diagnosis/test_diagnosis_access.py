"""Who sees what of stage 2 (DESIGN.md section 2): report content for the psychologist and the
case's BTP only; administrators see sessions and versions, never content; ISPs their own part."""

import pytest
from django.urls import reverse

from botp.models import Approach
from diagnosis import services
from tests.scenarios import complete_values, lines_for

CONTENT = "Nurse, fatigue since a reorganisation."
PAGES = ["overview", "report_detail", "review", "assignment"]

# role -> status of each page in PAGES, on a confirmed case
EXPECTED = {
    "psychologist": (200, 200, 200, 403),
    "btp": (200, 200, 404, 403),
    "admin": (200, 403, 404, 403),
    "referrer": (403, 403, 404, 403),
    "isp": (403, 403, 404, 200),
    "participant": (200, 403, 404, 403),
    "other_btp": (404, 404, 404, 404),
    "other_isp": (404, 404, 404, 404),
    "other_participant": (404, 404, 404, 404),
    "researcher": (404, 404, 404, 404),
}
SEES_CONTENT = {"psychologist", "btp"}


@pytest.fixture
def confirmed(world, diagnosis_case, record, physio):
    record(diagnosis_case, days_ago=2)
    lines = (lines_for(diagnosis_case, world.isp,
                       **{f"individual-{Approach.COGNITIVE_EMOTIONAL}": 4, "starter_kit": 3})
             + lines_for(diagnosis_case, physio,
                         **{f"individual-{Approach.PSYCHO_CORPORAL}": 3}))
    services.save_report(diagnosis_case, world.btp.user, values=complete_values(anamnesis=CONTENT),
                         lines=lines, submit=True)
    services.decide(diagnosis_case, world.psychologist, decision=services.Decision.CONFIRM)
    diagnosis_case.refresh_from_db()
    return diagnosis_case


def url(page, case):
    if page == "report_detail":
        return reverse("diagnosis:report_detail", args=[case.reference, 1])
    name = {"overview": "diagnosis:overview", "review": "diagnosis:review",
            "assignment": "diagnosis:assignment"}[page]
    return reverse(name, args=[case.reference])


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_stage_2_pages_by_role(client, world, confirmed, role):
    client.force_login(world.user(role))
    for page, expected in zip(PAGES, EXPECTED[role], strict=True):
        response = client.get(url(page, confirmed))
        assert response.status_code == expected, (role, page)
        # The report's words appear on the report and review pages, to those who may read it.
        shown = CONTENT in response.content.decode()
        assert shown == (role in SEES_CONTENT and expected == 200
                         and page in ("report_detail", "review")), (role, page)


@pytest.mark.django_db
def test_an_isp_sees_only_its_own_part_of_the_request(client, world, confirmed, physio):
    client.force_login(world.isp.user)
    page = client.get(url("assignment", confirmed)).content.decode()
    assert "cognitive-emotional" in page and "Starter kit" in page
    assert "psycho-corporal" not in page  # the physiotherapist's line
    client.force_login(physio.user)
    page = client.get(url("assignment", confirmed)).content.decode()
    assert "psycho-corporal" in page and "cognitive-emotional" not in page


@pytest.mark.django_db
def test_the_administrator_sees_sessions_and_versions_but_no_content(client, world, confirmed):
    client.force_login(world.admin)
    page = client.get(url("overview", confirmed)).content.decode()
    assert "Diagnosis session" in page and "Version 1" in page
    assert reverse("diagnosis:report_detail", args=[confirmed.reference, 1]) not in page
    for marker in (CONTENT, "Understaffing", "3.40"):
        assert marker not in page


@pytest.mark.django_db
def test_a_draft_is_the_btps_alone(client, world, diagnosis_case):
    services.save_report(diagnosis_case, world.btp.user, values={"anamnesis": "Draft words"},
                         lines=[])
    draft_url = reverse("diagnosis:report_detail", args=[diagnosis_case.reference, 1])
    client.force_login(world.btp.user)
    assert "Draft words" in client.get(draft_url).content.decode()
    client.force_login(world.psychologist)
    assert client.get(draft_url).status_code == 404
    assert "Version 1" not in client.get(url("overview", diagnosis_case)).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_only_psychologists_have_the_review_queue(client, world, confirmed, role):
    client.force_login(world.user(role))
    status = client.get(reverse("diagnosis:queue")).status_code
    assert status == (200 if role == "psychologist" else 404)


@pytest.mark.django_db
def test_reading_a_report_is_audited(client, world, confirmed):
    client.force_login(world.psychologist)
    client.get(url("report_detail", confirmed))
    assert confirmed.audit_entries.filter(actor=world.psychologist, kind="view",
                                          what="diagnosis report v1").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "referrer", "isp", "participant", "psychologist"])
def test_only_the_cases_btp_may_write_the_report(client, world, diagnosis_case, role):
    diagnosis_case.isps.add(world.isp)
    client.force_login(world.user(role))
    response = client.post(reverse("diagnosis:report", args=[diagnosis_case.reference]),
                           {"version": diagnosis_case.version, "action": "draft",
                            "anamnesis": "Forged"})
    assert response.status_code == 403
    assert not diagnosis_case.diagnosis_reports.exists()
