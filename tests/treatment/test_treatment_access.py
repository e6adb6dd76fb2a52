"""Who sees what of stages 3 and 4 (DESIGN.md section 2): the ISP its own sessions and the
participant's contact only, other providers nothing, administrators no workplace exchanges or
clinical content."""

import pytest
from django.urls import reverse

from botp import policy
from botp.models import Approach, Consent
from tests.scenarios import in_diagnosis
from treatment import services

PAGES = ["overview", "meeting", "transmissions", "final_report", "mine"]

# role -> status of each page in PAGES on a case in treatment with a final report draft
EXPECTED = {
    # The final report is still the BTP's draft: for the psychologist there is none yet.
    "psychologist": (200, 200, 200, 302, 403),
    "btp": (200, 200, 200, 200, 403),
    "admin": (200, 403, 403, 403, 403),
    "isp": (200, 403, 403, 403, 403),
    "participant": (200, 200, 200, 403, 200),
    "referrer": (403, 403, 403, 403, 403),
    "other_btp": (404, 404, 404, 404, 404),
    "other_isp": (404, 404, 404, 404, 404),
    "other_participant": (404, 404, 404, 404, 404),
    "researcher": (404, 404, 404, 404, 404),
}

# What each role may read on any page: the ISP's own session, the BTP's session, the
# transmission report's content, the final report's conclusion, the diagnosis report's words.
MARKERS = {
    "isp_session": "Starter kit",
    "btp_session": "Work-related session",
    "transmission": "No night shifts (agreed)",
    "final": "Conclusion drafted",
    "diagnosis": "Nurse, fatigue since a reorganisation.",
}
SEES = {
    "psychologist": {"isp_session", "btp_session", "transmission"},
    "btp": {"isp_session", "btp_session", "transmission", "final"},
    "admin": {"isp_session", "btp_session"},
    "isp": {"isp_session"},
    "participant": {"isp_session", "btp_session", "transmission"},
}


@pytest.fixture
def full_case(world, treated, give, consent):
    give(treated, "starter_kit", who=world.isp.user)
    give(treated, "work_related")
    given = consent(treated, Consent.Purpose.TRANSMISSION,
                    [{"role": "occupational_physician", "name": "Dr X"}])
    services.write_transmission_report(treated, world.btp.user, consent_id=given.pk,
                                       language="nl", purpose="Return",
                                       content="No night shifts (agreed)")
    services.save_final_report(treated, world.btp.user, values={"conclusion": "Conclusion drafted"})
    # The other providers work on a case of their own: they still see nothing of this one.

    other = in_diagnosis(world, mine=False)
    other.btp = world.other_btp
    other.save()
    other.isps.add(world.other_isp)
    return treated


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_stage_3_and_4_pages_by_role(client, world, full_case, role):
    client.force_login(world.user(role))
    seen = set()
    for page, expected in zip(PAGES, EXPECTED[role], strict=True):
        response = client.get(reverse(f"treatment:{page}", args=[full_case.reference]))
        assert response.status_code == expected, (role, page)
        if expected == 200:
            html = response.content.decode()
            seen |= {name for name, marker in MARKERS.items() if marker in html}
    assert seen == SEES.get(role, set()), role


@pytest.mark.django_db
def test_an_isp_sees_its_own_sessions_only(world, full_case):
    own = set(policy.visible_sessions(world.isp.user, full_case)
              .values_list("session_type__code", flat=True))
    assert own == {"starter_kit"}
    assert not policy.visible_sessions(world.other_isp.user, full_case).exists()
    assert not policy.visible_sessions(world.referrer, full_case).exists()
    everything = set(policy.visible_sessions(world.admin, full_case)
                     .values_list("session_type__code", flat=True))
    assert everything == {"diagnosis", "starter_kit", "work_related"}


@pytest.mark.django_db
def test_an_isp_sees_the_participants_contact_and_its_part_of_the_plan(client, world,
                                                                       full_case):
    client.force_login(world.isp.user)
    page = client.get(reverse("treatment:overview", args=[full_case.reference])).content \
        .decode()
    assert str(full_case.participant) in page and full_case.participant.email in page
    assert "Your part of the treatment plan" in page
    assert "Follow-up session" not in page  # the BTP's line
    assert "cognitive-emotional" in page


@pytest.mark.django_db
def test_an_isp_cannot_change_the_btps_session(client, world, full_case, give):
    planned = give(full_case, "follow_up", status="planned", days=2)
    client.force_login(world.isp.user)
    response = client.post(reverse("treatment:change_session",
                                   args=[full_case.reference, planned.pk]),
                           {"status": "cancelled"})
    assert response.status_code == 404
    planned.refresh_from_db()
    assert planned.status == "planned"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["isp", "admin", "participant", "psychologist"])
def test_only_the_btp_writes_workplace_exchanges_and_the_final_report(client, world, full_case,
                                                                      role):
    client.force_login(world.user(role))
    reference = full_case.reference
    for name, data in [("meeting", {"step": "prepare"}),
                       ("transmissions", {"purpose": "x", "content": "y"}),
                       ("final_report", {"conclusion": "Forged", "action": "draft"})]:
        status = client.post(reverse(f"treatment:{name}", args=[reference]), data).status_code
        assert status == 403, (role, name)
    assert full_case.final_report.conclusion == "Conclusion drafted"


@pytest.mark.django_db
def test_the_participant_gives_and_withdraws_consent_on_their_page(client, world, treated):
    client.force_login(world.participant)
    url = reverse("treatment:give_consent", args=[treated.reference])
    response = client.post(url, {"purpose": "meeting", "role_0": "employer",
                                 "name_0": "Jo Peeters"})
    # Refused, and shown again with what was typed (it used to answer 302 and lose it).
    assert response.status_code == 400
    assert "Jo Peeters" in response.content.decode()
    assert not treated.consents.exists()  # the box was not ticked
    client.post(url, {"purpose": "meeting", "role_0": "employer", "name_0": "Jo Peeters",
                      "agree": "on"})
    given = treated.consents.get()
    assert given.scope == [{"role": "employer", "name": "Jo Peeters", "organisation": ""}]
    page = client.get(reverse("treatment:mine", args=[treated.reference])).content.decode()
    assert "Jo Peeters" in page and "Withdraw this consent" in page
    client.post(reverse("treatment:withdraw_consent", args=[treated.reference, given.pk]))
    given.refresh_from_db()
    assert not given.is_active


@pytest.mark.django_db
def test_another_participant_cannot_touch_the_consents(client, world, treated, consent):
    given = consent(treated)
    client.force_login(world.other_participant)
    response = client.post(reverse("treatment:withdraw_consent",
                                   args=[treated.reference, given.pk]))
    assert response.status_code == 404
    given.refresh_from_db()
    assert given.is_active


@pytest.mark.django_db
def test_the_participants_page_lists_providers_sessions_and_plan(client, world, treated, give):
    give(treated, "starter_kit", who=world.isp.user)
    give(treated, "individual", who=world.isp.user, approach=Approach.COGNITIVE_EMOTIONAL,
         status="planned", days=3)
    client.force_login(world.participant)
    page = client.get(reverse("treatment:mine", args=[treated.reference])).content.decode()
    for text in (str(world.btp), world.btp.user.email, str(world.isp), world.isp.user.email,
                 "Starter kit", "Individual session", "5 sessions"):
        assert text in page, text
    assert "Nurse, fatigue" not in page  # nothing of the diagnosis report
