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
def test_the_directory_shows_each_btps_registrations(client, world, awaiting, directory_of):
    liege = directory_of["liege_fr"]
    liege.riziv_number = "10000106004"  # 100001, check digits 06 (97 - 100001 mod 97)
    liege.accreditation_reference = "FEDRIS-2024-7"
    liege.full_clean()
    liege.save()
    client.force_login(world.participant)
    page = client.get(reverse("diagnosis:choose_btp", args=[awaiting.reference]),
                      {"language": "fr"}).content.decode()
    assert "INAMI/RIZIV number 1-00001-06-004" in page
    assert "Fedris accreditation FEDRIS-2024-7" in page


@pytest.mark.django_db
def test_the_participant_chooses_and_the_btp_is_told(client, world, awaiting,
                                                     django_capture_on_commit_callbacks):
    from django.core import mail

    client.force_login(world.participant)
    url = reverse("diagnosis:choose_btp", args=[awaiting.reference])
    # First the participant sees whom they chose, and confirms; nothing is asked before.
    response = client.post(url, {"btp": world.btp.pk, "version": awaiting.version})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Ask {world.btp.user.get_full_name()} to take on your case?" in page
    assert 'name="confirmed"' in page
    awaiting.refresh_from_db()
    assert awaiting.state == CaseState.AWAITING_BTP_CHOICE
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"btp": world.btp.pk, "version": awaiting.version,
                                     "confirmed": "1"})
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


@pytest.mark.django_db
def test_near_a_postcode_means_nearest_on_the_map(world, awaiting, programmes):
    # From Antwerp (2000), Gent (9000, about 50 km) is nearer than Brugge (8000, about 80 km)
    # although 8000 is nearer to 2000 as a number.
    brugge = ProviderFactory(postcode="8000", province="WVL", programmes=[world.programme])
    gent = ProviderFactory(postcode="9000", province="VOV", programmes=[world.programme])
    arlon = ProviderFactory(postcode="6700", province="LUX", programmes=[world.programme])
    order = [p for p in selectors.directory(awaiting, postcode="2000")
             if p in (brugge, gent, arlon)]
    assert order == [gent, brugge, arlon]
    nearest = selectors.directory(awaiting, postcode="2000").get(pk=gent.pk)
    assert 45 < nearest.distance < 60


@pytest.mark.django_db
def test_the_directory_shows_the_distance_and_refuses_an_unknown_postcode(client, world,
                                                                        awaiting):
    ProviderFactory(postcode="9000", province="VOV", languages=["nl"],
                    programmes=[world.programme])
    client.force_login(world.participant)
    url = reverse("diagnosis:choose_btp", args=[awaiting.reference])
    assert "km away" in client.get(url, {"postcode": "2000"}).content.decode()
    page = client.get(url, {"postcode": "0999"}).content.decode()
    assert "There is no Belgian postcode 0999." in page


@pytest.mark.django_db
def test_the_first_list_speaks_the_participants_language(client, world, awaiting, directory_of):
    awaiting.participant.language = "fr"
    awaiting.participant.save()
    client.force_login(world.participant)
    page = client.get(reverse("diagnosis:choose_btp", args=[awaiting.reference])).content.decode()
    assert str(directory_of["liege_fr"]) in page and str(world.btp) not in page
    assert '<option value="fr" selected>' in page


@pytest.mark.django_db
def test_the_participant_undoes_a_choice_until_the_btp_accepts(
        client, world, awaiting, django_capture_on_commit_callbacks):
    from django.core import mail

    services.choose_btp(awaiting, world.participant, btp=world.btp.pk)
    awaiting.refresh_from_db()
    client.force_login(world.participant)
    page = client.get(reverse("case_detail", args=[awaiting.reference])).content.decode()
    assert "Undo my choice of BTP" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("case_transition",
                                       args=[awaiting.reference, "undo_btp_choice"]),
                               {"version": awaiting.version})
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.state == CaseState.AWAITING_BTP_CHOICE and awaiting.btp is None
    # The BTP is told they are no longer asked, and no longer sees the case.
    assert any(world.btp.user.email in message.to for message in mail.outbox)
    client.force_login(world.btp.user)
    assert client.get(reverse("case_detail", args=[awaiting.reference])).status_code == 404
    # The participant may choose again, the same BTP too: they did not decline.
    assert world.btp in listed(awaiting)

    # Once the BTP accepted, the choice stands.
    services.choose_btp(awaiting, world.participant, btp=world.btp.pk)
    workflow.perform(awaiting, "accept_case", world.btp.user)
    with pytest.raises(workflow.TransitionError):
        workflow.perform(awaiting, "undo_btp_choice", world.participant)


@pytest.mark.django_db
def test_the_btp_released_by_an_undo_is_told_in_plain_words_without_a_link(
        world, awaiting, django_capture_on_commit_callbacks):
    from django.core import mail

    services.choose_btp(awaiting, world.participant, btp=world.btp.pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(awaiting, "undo_btp_choice", world.participant)
    message = next(m for m in mail.outbox if world.btp.user.email in m.to)
    assert "no longer asked" in message.subject
    assert "taken back their request" in message.body
    assert "/cases/" not in message.body


@pytest.mark.django_db
def test_after_a_decline_the_participant_is_told_why_the_choice_starts_again(client, world,
                                                                           awaiting):
    services.choose_btp(awaiting, world.participant, btp=world.btp.pk)
    workflow.perform(awaiting, "decline_case", world.btp.user, payload={"reason": "Full"})
    client.force_login(world.participant)
    home = client.get(reverse("dashboard")).content.decode()
    assert "The provider you chose cannot take your case" in home
    page = client.get(reverse("case_detail", args=[awaiting.reference])).content.decode()
    assert "The BTP declined the case" in page
