"""Choosing a BTP from Fedris' directory, and the BTP's answer."""

import pytest
from django.urls import reverse

from botp import workflow
from botp.models import CaseState
from diagnosis import selectors, services
from tests.factories import ProviderFactory


@pytest.fixture
def awaiting(world):
    return world.case(CaseState.AWAITING_BTP_CHOICE)


@pytest.fixture
def directory_of(world, programmes):
    """A small directory around the world's two BTPs (both in Antwerp, Dutch)."""
    made = {
        "liege_fr": ProviderFactory(languages=["fr"], province="WLG", postcode="4000",
                                    profession="physician", programmes=[world.programme]),
        "brussels_fr_nl": ProviderFactory(languages=["fr", "nl"], province="BRU",
                                          postcode="1050", programmes=[world.programme]),
        "ghent_nl_en": ProviderFactory(languages=["nl", "en"], province="VOV", postcode="9000",
                                       profession="occupational_psychologist",
                                       programmes=[world.programme]),
        "inactive": ProviderFactory(active=False, programmes=[world.programme]),
        "not_accredited": ProviderFactory(accredited_on=None, programmes=[world.programme]),
        "untrained": ProviderFactory(training_completed=False, programmes=[world.programme]),
        "isp_only": ProviderFactory(is_btp=False, is_isp=True, programmes=[world.programme]),
        "other_programme": ProviderFactory(programmes=[programmes["fa-botp"]]),
    }
    return made


def listed(case, **filters):
    return set(selectors.directory(case, **filters))


@pytest.mark.django_db
def test_the_directory_lists_only_accredited_active_btps_of_the_programme(world, awaiting,
                                                                        directory_of):
    assert listed(awaiting) == {world.btp, world.other_btp, directory_of["liege_fr"],
                                directory_of["brussels_fr_nl"], directory_of["ghent_nl_en"]}


@pytest.mark.django_db
def test_the_directory_filters(world, awaiting, directory_of):
    d = directory_of
    assert listed(awaiting, language="fr") == {d["liege_fr"], d["brussels_fr_nl"]}
    assert listed(awaiting, language="en") == {d["ghent_nl_en"]}
    assert listed(awaiting, province="BRU") == {d["brussels_fr_nl"]}
    assert listed(awaiting, profession="physician") == {d["liege_fr"]}
    assert listed(awaiting, language="nl", province="VAN") == {world.btp, world.other_btp}
    nearest = list(selectors.directory(awaiting, postcode="4020"))
    assert nearest[0] == d["liege_fr"]
    assert nearest[-1] == d["ghent_nl_en"]


@pytest.mark.django_db
def test_the_directory_page_filters_and_rejects_a_bad_postcode(client, world, awaiting,
                                                              directory_of):
    client.force_login(world.participant)
    url = reverse("diagnosis:choose_btp", args=[awaiting.reference])
    page = client.get(url, {"language": "fr"}).content.decode()
    assert str(directory_of["liege_fr"]) in page and str(world.btp) not in page
    page = client.get(url, {"postcode": "12"}).content.decode()
    assert "A Belgian postcode has 4 digits" in page
    assert str(world.btp) in page  # the bad filter is ignored, the list still shows


@pytest.mark.django_db
def test_the_participant_chooses_and_the_btp_is_told(client, world, awaiting,
                                                     django_capture_on_commit_callbacks):
    from django.core import mail

    client.force_login(world.participant)
    url = reverse("diagnosis:choose_btp", args=[awaiting.reference])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"btp": world.btp.pk, "version": awaiting.version})
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert (awaiting.state, awaiting.btp) == (CaseState.BTP_PROPOSED, world.btp)
    event = awaiting.events.get(action="choose_btp")
    assert (event.actor, event.actor_role) == (world.participant, "participant")
    assert any(world.btp.user.email in message.to for message in mail.outbox)


@pytest.mark.django_db
def test_an_administrator_chooses_on_the_participants_behalf(client, world, awaiting):
    client.force_login(world.admin)
    url = reverse("diagnosis:choose_btp", args=[awaiting.reference])
    assert "on the participant" in client.get(url).content.decode()
    client.post(url, {"btp": world.other_btp.pk, "version": awaiting.version,
                      "asked_via": "phone", "note": "Call of Monday"})
    event = awaiting.events.get(action="choose_btp")
    assert (event.actor, event.actor_role) == (world.admin, "fedris_admin")
    assert event.payload == {"btp": world.other_btp.pk, "asked_by": "participant",
                             "asked_via": "phone", "reason": "Call of Monday"}


@pytest.mark.django_db
def test_a_provider_outside_the_list_cannot_be_chosen_by_a_forged_post(client, world, awaiting,
                                                                     directory_of):
    client.force_login(world.participant)
    url = reverse("diagnosis:choose_btp", args=[awaiting.reference])
    for provider in ("inactive", "isp_only", "other_programme"):
        response = client.post(url, {"btp": directory_of[provider].pk,
                                     "version": awaiting.version})
        assert response.status_code == 409
        assert "accredited, active BTP" in response.content.decode()
    awaiting.refresh_from_db()
    assert awaiting.state == CaseState.AWAITING_BTP_CHOICE and awaiting.btp is None


@pytest.mark.django_db
def test_a_declined_case_goes_back_to_choice_without_that_btp(world, awaiting):
    services.choose_btp(awaiting, world.participant, btp=world.btp.pk)
    workflow.perform(awaiting, "decline_case", world.btp.user,
                     payload={"reason": "No room until March"})
    awaiting.refresh_from_db()
    assert awaiting.state == CaseState.AWAITING_BTP_CHOICE and awaiting.btp is None
    assert world.btp not in listed(awaiting)
    with pytest.raises(workflow.TransitionError, match="declined"):
        services.choose_btp(awaiting, world.participant, btp=world.btp.pk)
    services.choose_btp(awaiting, world.participant, btp=world.other_btp.pk)
    awaiting.refresh_from_db()
    assert awaiting.btp == world.other_btp


@pytest.mark.django_db
def test_the_btp_accepts_from_the_case_page(client, world, awaiting):
    services.choose_btp(awaiting, world.participant, btp=world.btp.pk)
    awaiting.refresh_from_db()
    client.force_login(world.btp.user)
    page = client.get(reverse("case_detail", args=[awaiting.reference])).content.decode()
    assert "Accept the case" in page and "Decline the case" in page
    client.post(reverse("case_transition", args=[awaiting.reference, "accept_case"]),
                {"version": awaiting.version})
    awaiting.refresh_from_db()
    assert awaiting.state == CaseState.IN_DIAGNOSIS


@pytest.mark.django_db
@pytest.mark.parametrize("who, status", [
    ("referrer", 403), ("btp", 404), ("psychologist", 403), ("other_participant", 404),
])
def test_who_may_not_choose(client, world, awaiting, who, status):
    user = world.user(who)
    client.force_login(user)
    url = reverse("diagnosis:choose_btp", args=[awaiting.reference])
    assert client.get(url).status_code == status
    assert client.post(url, {"btp": world.btp.pk, "version": awaiting.version}).status_code \
        == status
    awaiting.refresh_from_db()
    assert awaiting.state == CaseState.AWAITING_BTP_CHOICE


@pytest.mark.django_db
def test_once_chosen_the_directory_sends_back_to_the_case(client, world, awaiting):
    services.choose_btp(awaiting, world.participant, btp=world.btp.pk)
    client.force_login(world.participant)
    response = client.get(reverse("diagnosis:choose_btp", args=[awaiting.reference]))
    assert response.status_code == 302
    assert response["Location"] == reverse("case_detail", args=[awaiting.reference])


@pytest.mark.django_db
def test_the_case_page_invites_the_participant_to_choose(client, world, awaiting):
    client.force_login(world.participant)
    page = client.get(reverse("case_detail", args=[awaiting.reference])).content.decode()
    assert "Choose your burnout treatment provider" in page
    assert reverse("diagnosis:choose_btp", args=[awaiting.reference]) in page
