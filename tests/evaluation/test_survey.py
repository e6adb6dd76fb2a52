"""Answering through the link: nothing but the survey, saved as you go, final once sent; a
wrong, closed or used link says so and reveals nothing."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import links, selectors, survey
from evaluation.models import Answer, Score, SurveyInvitation
from tests.factories import put_case_in
from tests.scenarios import answer_everything, backdate, token_of


@pytest.mark.django_db
def test_the_link_carries_256_random_bits_and_only_its_hash_is_kept(invited):
    invitation, path = invited
    token = token_of(path)
    assert len(token) >= 43  # 32 bytes, base64
    assert invitation.token_hash == links.hash_of(token)
    assert token not in str(SurveyInvitation.objects.filter(pk=invitation.pk).values().get())


@pytest.mark.django_db
def test_the_link_opens_the_survey_without_a_login_and_shows_nothing_else(client, world,
                                                                        invited):
    invitation, path = invited
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert invitation.case.reference not in html
    assert invitation.case.participant.last_name not in html
    assert "/dashboard/" not in html  # no way into the portal from here
    invitation.refresh_from_db()
    assert invitation.opened_at is not None
    first = client.get(path + "?page=1").content.decode()
    assert "What is your employment situation" in first or "werksituatie" in first


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["%20", "x", "A" * 43, "a-b_c" * 9])
def test_a_wrong_link_reveals_nothing(client, invited, token):
    response = client.get(f"/evaluation/survey/{token}/")
    assert response.status_code == 404
    assert "does not open a questionnaire" in response.content.decode()


@pytest.mark.django_db
def test_guessing_is_hopeless_and_unrewarded(client, invited):
    import secrets

    for _ in range(20):
        response = client.get(f"/evaluation/survey/{secrets.token_urlsafe(32)}/")
        assert response.status_code == 404


@pytest.mark.django_db
def test_an_expired_link_says_so(client, invited):
    invitation, path = invited
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(path)
    assert response.status_code == 410 and "closed" in response.content.decode()


@pytest.mark.django_db
def test_a_link_not_yet_sent_does_not_work(client, world, instruments):
    from botp.models import CaseState
    from evaluation import waves

    case = world.case(CaseState.IN_TREATMENT)
    backdate(case, approved_days=0)
    SurveyInvitation.objects.filter(case=case).delete()
    [invitation] = waves.ensure_invitations(case)
    response = client.get(reverse("evaluation:survey",
                                  args=[links.token_for(invitation.nonce)]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_answers_are_saved_as_you_go_and_kept_when_you_come_back(client, invited):
    invitation, path = invited
    response = client.post(path + "?page=1", {"situation": "part_time", "sector": "banking",
                                              "action": "stop"})
    assert response.status_code == 200 and "Your answers are saved" in response.content.decode()
    assert dict(invitation.answers.values_list("item", "value")) == {
        "situation": "part_time", "sector": "banking"}
    # Later, from another browser: the same link, the same answers.
    client.cookies.clear()
    page = client.get(path + "?page=1").content.decode()
    assert re.search(r'value="part_time"\s+checked', page)
    assert "Continue" in client.get(path).content.decode()


@pytest.mark.django_db
def test_missing_required_answers_get_a_clear_message_and_the_rest_is_kept(client, invited):
    invitation, path = invited
    response = client.post(path + "?page=1", {"situation": "full_time", "action": "next"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please answer this question." in html and "What you did answer is saved." in html
    assert invitation.answers.filter(item="situation", value="full_time").exists()


@pytest.mark.django_db
def test_a_question_asked_only_for_some_answers(invited):
    invitation, _ = invited
    employment = selectors.instruments(invitation)[0]
    assert employment.code == "employment"
    # Working: the hours are required.
    problems = survey.save_page(invitation, instrument=employment,
                                answers={"situation": "full_time", "sector": "hospital"})
    assert set(problems) == {"contract_hours", "hours_worked"}
    # Unemployed: they are not asked, and an answer sent anyway is not kept.
    problems = survey.save_page(invitation, instrument=employment,
                                answers={"situation": "unemployed", "sector": "hospital",
                                         "hours_worked": "30"})
    assert problems == {}
    assert not invitation.answers.filter(item="hours_worked").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("posted, message", [
    ({"situation": "sometimes"}, "Choose one of the answers."),
    ({"situation": "full_time", "contract_hours": "99"}, "Enter a number from 0 to 60."),
    ({"situation": "full_time", "contract_hours": "many"}, "Enter a number."),
])
def test_bad_answers_are_refused_with_a_message(invited, posted, message):
    invitation, _ = invited
    employment = selectors.instruments(invitation)[0]
    problems = survey.save_page(invitation, instrument=employment,
                                answers={"sector": "hospital", **posted})
    assert message in problems.values()


@pytest.mark.django_db
def test_sending_scores_the_answers_and_makes_them_final(client, invited):
    invitation, path = invited

    def dass_ones(instrument, item):
        return "1" if instrument.code == "dass21" else None

    answer_everything(invitation, dass_ones)
    last = survey.pages(invitation)[-1]
    last_page = selectors.saved_answers(invitation, last.instrument)[last.instrument.pk]
    response = client.post(f"{path}?page={last.number}", {**last_page, "action": "submit"})
    assert response.status_code == 200, response.content.decode()[:3000]
    assert "Your answers are sent and are now final" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.completed_at is not None
    dass = {s.subscale: s for s in Score.objects.filter(invitation=invitation,
                                                        instrument__code="dass21")}
    # Seven items answered 1, summed, times two: 14 on each scale.
    assert {k: (s.value, s.band) for k, s in dass.items()} == {
        "depression": (Decimal("14"), "moderate"), "anxiety": (Decimal("14"), "moderate"),
        "stress": (Decimal("14"), "normal")}
    # Used: the link says so, and nothing more can be changed.
    used = client.get(path)
    assert used.status_code == 410 and "completed" in used.content.decode()
    assert client.post(f"{path}?page=1", {"situation": "other"}).status_code == 410
    with pytest.raises(survey.LinkProblem):
        survey.save_page(invitation, instrument=selectors.instruments(invitation)[0],
                         answers={"situation": "other"})


@pytest.mark.django_db
def test_sending_with_open_questions_lists_the_pages(client, invited):
    invitation, path = invited
    last = survey.pages(invitation)[-1]
    # The last page is complete; the earlier ones are not.
    answer_everything(invitation)
    last_page = selectors.saved_answers(invitation, last.instrument)[last.instrument.pk]
    invitation.answers.exclude(instrument=last.instrument).delete()
    response = client.post(f"{path}?page={last.number}", {**last_page, "action": "submit"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Some questions are still open" in html and "?page=1" in html
    invitation.refresh_from_db()
    assert invitation.completed_at is None and not Score.objects.exists()


@pytest.mark.django_db
def test_the_survey_speaks_the_participants_language(client, invited):
    invitation, path = invited
    SurveyInvitation.objects.filter(pk=invitation.pk).update(language="fr")
    page = client.get(path + "?page=1").content.decode()
    assert "Quelle est votre situation professionnelle actuelle" in page
    client.cookies["django_language"] = "nl"  # the participant switched
    page = client.get(path + "?page=1").content.decode()
    assert "Wat is op dit moment uw werksituatie" in page


@pytest.mark.django_db
def test_a_german_speaking_participant_answers_in_german(client, invited):
    invitation, path = invited
    SurveyInvitation.objects.filter(pk=invitation.pk).update(language="de")
    page = client.get(path + "?page=1").content.decode()
    assert "Wie ist Ihre derzeitige Beschäftigungssituation?" in page
    assert "Ich arbeite Vollzeit" in page and 'lang="de-BE"' in page


@pytest.mark.django_db
def test_a_version_loaded_before_german_shows_german_readers_the_french(client, invited):
    invitation, path = invited
    SurveyInvitation.objects.filter(pk=invitation.pk).update(language="de")
    first = survey.pages(invitation)[0].instrument
    for texts in _texts_of(first.definition):
        texts.pop("de", None)
    first.save(update_fields=["definition"])
    page = client.get(path + "?page=1").content.decode()
    assert "Quelle est votre situation professionnelle actuelle" in page


def _texts_of(node):
    """Every {language: text} mapping of a definition."""
    if isinstance(node, dict):
        if "nl" in node and "en" in node:
            yield node
        for value in node.values():
            yield from _texts_of(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts_of(value)


@pytest.mark.django_db
def test_the_btp_finds_the_pre_test_scores_in_the_diagnosis_report(client, world, invited, api):
    from botp.models import CaseState

    invitation, _ = invited
    answer_everything(invitation, lambda instrument, item: "3"
                      if instrument.code in ("dass21", "bat") else None)
    assert survey.submit(invitation) == []
    case = invitation.case
    put_case_in(case, CaseState.IN_DIAGNOSIS, btp=world.btp)
    client.force_login(world.btp.user)
    page = client.get(reverse("diagnosis:report", args=[case.reference])).content.decode()
    assert 'name="dass_depression" value="42"' in page
    assert 'name="bat_total" value="3.00"' in page
    assert "pre-test of" in page
    # An ISP or an administrator never gets them: the form is the case's BTP's alone.
    assert Answer.objects.filter(invitation=invitation).exists()
    client.force_login(world.admin)
    assert client.get(reverse("diagnosis:report", args=[case.reference])).status_code == 403
    # Nor does an ISP of the case find them, or the survey's status, anywhere else.
    case.isps.add(world.isp)
    client.force_login(world.isp.user)
    assert client.get(reverse("case_detail", args=[case.reference])).status_code == 200
    assert client.get(reverse("diagnosis:report", args=[case.reference])).status_code == 403
    assert client.get(reverse("evaluation:case_waves",
                              args=[case.reference])).status_code == 403
    waves = "/api/v1/survey-waves/"
    assert api(world.isp.user).get(waves, {"case": case.reference}).json()["results"] == []
    assert len(api(world.psychologist).get(waves, {"case": case.reference}).json()["results"]) == 1


@pytest.mark.django_db
def test_a_long_questionnaire_is_asked_in_parts_of_at_most_twelve(client, invited):
    invitation, path = invited
    pages = survey.pages(invitation)
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    assert all(len(page.items) <= survey.MAX_PAGE_ITEMS for page in pages)
    for instrument in selectors.instruments(invitation):
        asked = [item["id"] for page in pages if page.instrument == instrument
                 for item in page.items]
        assert asked == [item["id"] for item in instrument.definition["items"]]
    first, second = [page for page in pages if page.instrument.code == "dass21"]
    assert (first.part, second.part, first.parts) == (1, 2, 2)
    html = client.get(f"{path}?page={first.number}").content.decode()
    assert html.count('<li class="question') == len(first.items)
    assert "(part 1 of 2)" in html and f"Page {first.number} of {len(pages)}" in html

    # Answering the second part leaves the first part's answers alone.
    answer_everything(invitation)
    saved = invitation.answers.filter(instrument=first.instrument).count()
    second_answers = {item["id"]: "1" for item in second.items}
    response = client.post(f"{path}?page={second.number}", {**second_answers, "action": "next"})
    assert response.status_code == 302
    assert invitation.answers.filter(instrument=first.instrument).count() == saved


@pytest.mark.django_db
def test_coming_back_continues_at_the_first_page_not_answered(client, invited):
    invitation, path = invited
    start = client.get(path).content.decode()
    assert f'href="{path}?page=1"' in start and "Start" in start
    answer_everything(invitation)
    pages = survey.pages(invitation)
    dass = next(page for page in pages if page.instrument.code == "dass21" and page.part == 2)
    invitation.answers.filter(instrument=dass.instrument, item__in=dass.item_ids).delete()
    start = client.get(path).content.decode()
    assert f'href="{path}?page={dass.number}"' in start and "Continue" in start
    assert survey.resume_at(invitation) == dass.number

    # With every page answered, it continues at the last one, where the answers are sent.
    answer_everything(invitation)
    assert survey.resume_at(invitation) == len(pages)


@pytest.mark.django_db
def test_the_pages_left_open_are_named_with_their_part(client, invited):
    invitation, path = invited
    answer_everything(invitation)
    pages = survey.pages(invitation)
    dass = next(page for page in pages if page.instrument.code == "dass21" and page.part == 2)
    invitation.answers.filter(instrument=dass.instrument, item__in=dass.item_ids).delete()
    last = pages[-1]
    last_page = selectors.saved_answers(invitation, last.instrument)[last.instrument.pk]
    response = client.post(f"{path}?page={last.number}", {**last_page, "action": "submit"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"?page={dass.number}" in html and "(part 2 of 2)" in html
    assert [page.number for page in survey.unanswered(invitation)] == [dass.number]


@pytest.mark.django_db
def test_a_second_part_numbers_its_questions_on_from_the_first(client, invited):
    invitation, path = invited
    first, second = [page for page in survey.pages(invitation)
                     if page.instrument.code == "dass21"]
    assert second.start == len(first.items) + 1
    html = client.get(f"{path}?page={second.number}").content.decode()
    assert f'<ol class="questions" start="{second.start}">' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language, band, name", [
    ("fr", "(Modéré)", "Échelles de dépression"), ("nl", "(Matig)", "Depressie"),
    ("de", "(Mäßig)", "Depressions-Angst-Stress-Skalen"),
    ("en", "(Moderate)", "Depression Anxiety Stress Scales")])
def test_scores_show_their_band_and_questionnaire_in_the_readers_language(
        client, world, invited, language, band, name):
    invitation, _ = invited
    answer_everything(invitation, lambda instrument, item: "1"
                      if instrument.code == "dass21" else None)
    assert survey.submit(invitation) == []
    client.force_login(world.psychologist)
    client.cookies["django_language"] = language
    html = client.get(reverse("evaluation:case_waves",
                              args=[invitation.case.reference])).content.decode()
    assert band in html and name in html
    assert "(moderate)" not in html and "extremely_severe" not in html
