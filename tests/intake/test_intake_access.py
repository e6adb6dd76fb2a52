"""Who sees stage 1's data: DESIGN.md section 2 applied to screening requests."""

import pytest
from django.urls import reverse

from botp import workflow
from intake import services
from intake.models import ScreeningRequest
from tests.scenarios import post_new

pytestmark = pytest.mark.django_db

SIGNAL_TEXT = "Observed exhaustion at the night shifts"


@pytest.fixture
def submitted(client, world, form_data):
    client.force_login(world.referrer)
    post_new(client, form_data(signals_other=SIGNAL_TEXT))
    client.logout()
    screening = ScreeningRequest.objects.get()
    screening.case.participant.user = world.participant
    screening.case.participant.save()
    return screening


def get_detail(client, user, screening):
    client.force_login(user)
    return client.get(reverse("intake:detail", args=[screening.pk]))


def test_a_referrer_sees_only_their_own_requests(client, world, submitted):
    assert get_detail(client, world.referrer, submitted).status_code == 200
    assert get_detail(client, world.other_referrer, submitted).status_code == 404
    page = client.get(reverse("intake:list")).content.decode()
    assert submitted.case.reference not in page


def test_btp_and_isp_see_nothing_before_they_are_linked(client, world, submitted):
    for provider in (world.btp, world.isp):
        assert get_detail(client, provider.user, submitted).status_code == 404
        assert submitted.case.reference not in client.get(reverse("dashboard")).content.decode()


def test_the_chosen_btp_sees_the_request_and_its_signals(client, world, submitted):
    case = submitted.case
    services.decide(submitted, world.admin, decision="approve")
    workflow.perform(case, "choose_btp", world.participant, payload={"btp": world.btp.pk})
    response = get_detail(client, world.btp.user, submitted)
    assert response.status_code == 200 and SIGNAL_TEXT in response.content.decode()
    # Another BTP still sees nothing.
    assert get_detail(client, world.other_btp.user, submitted).status_code == 404


def test_an_isp_in_the_plan_does_not_see_the_referral(client, world, submitted):
    submitted.case.isps.add(world.isp)
    assert get_detail(client, world.isp.user, submitted).status_code == 404


def test_the_administrator_decides_without_the_symptoms(client, world, submitted):
    client.force_login(world.admin)
    page = client.get(reverse("intake:review", args=[submitted.pk])).content.decode()
    assert "Eva" in page and SIGNAL_TEXT not in page and "Fatigue" not in page
    response = get_detail(client, world.admin, submitted)
    assert response.status_code == 200 and "Eva" in response.content.decode()
    assert SIGNAL_TEXT not in response.content.decode()


def test_the_psychologist_and_the_participant_see_the_signals(client, world, submitted):
    for user in (world.psychologist, world.participant):
        response = get_detail(client, user, submitted)
        assert response.status_code == 200 and SIGNAL_TEXT in response.content.decode()


def test_researchers_see_no_request(client, world, submitted):
    assert get_detail(client, world.researcher, submitted).status_code == 404


def test_the_niss_is_never_shown_whole(client, world, submitted, niss):
    for user in (world.referrer, world.psychologist):
        response = get_detail(client, user, submitted)
        assert response.status_code == 200 and "Peeters" in response.content.decode()
        assert niss not in response.content.decode()
    client.force_login(world.admin)
    response = client.get(reverse("intake:review", args=[submitted.pk]))
    assert response.status_code == 200 and "Peeters" in response.content.decode()
    assert niss not in response.content.decode()


def test_reading_a_request_is_audited(client, world, submitted):
    get_detail(client, world.psychologist, submitted)
    assert submitted.case.audit_entries.filter(actor=world.psychologist, kind="view",
                                               what="screening request").exists()


def test_the_case_page_links_the_request_for_those_who_may_see_it(client, world, submitted):
    case_url = reverse("case_detail", args=[submitted.case.reference])
    client.force_login(world.psychologist)
    assert reverse("intake:detail", args=[submitted.pk]) in client.get(case_url).content.decode()
    client.force_login(world.admin)
    assert reverse("intake:review", args=[submitted.pk]) in client.get(case_url).content.decode()
    submitted.case.isps.add(world.isp)
    client.force_login(world.isp.user)
    page = client.get(case_url).content.decode()
    assert reverse("intake:detail", args=[submitted.pk]) not in page


def test_drafts_are_the_referrers_alone(client, world):
    draft = ScreeningRequest.objects.create(referrer=world.referrer, first_name="Only mine")
    client.force_login(world.referrer)
    assert client.get(reverse("intake:edit", args=[draft.pk])).status_code == 200
    for user in (world.admin, world.psychologist, world.other_referrer):
        client.force_login(user)
        assert client.get(reverse("intake:edit", args=[draft.pk])).status_code == 404
        assert client.get(reverse("intake:detail", args=[draft.pk])).status_code == 404
    client.force_login(world.admin)
    assert "Only mine" not in client.get(reverse("intake:queue")).content.decode()


def test_a_re_referral_reveals_no_earlier_identity(client, world, submitted, form_data, niss):
    """A second referrer typing a known NISS under another name learns nothing back."""
    assert submitted.last_name == "Peeters"
    client.force_login(world.other_referrer)
    post_new(client, form_data(first_name="Made", last_name="Up"))
    second = ScreeningRequest.objects.latest("pk")
    assert second != submitted and second.case.participant == submitted.case.participant
    assert "Made Up" in client.get(reverse("intake:detail", args=[second.pk])).content.decode()
    for url in (reverse("case_detail", args=[second.case.reference]),
                reverse("intake:detail", args=[second.pk]),
                reverse("intake:list"), reverse("dashboard")):
        page = client.get(url).content.decode()
        assert "Peeters" not in page, url


def test_activity_lists_are_audited(client, world, submitted):
    from botp.models import AuditEntry

    client.force_login(world.admin)
    client.get(reverse("intake:queue"))
    client.force_login(world.referrer)
    client.get(reverse("intake:list"))
    assert AuditEntry.objects.filter(actor=world.admin, what="review queue").exists()
    assert AuditEntry.objects.filter(actor=world.referrer,
                                     what="screening request list").exists()
