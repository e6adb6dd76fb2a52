"""The evaluation in a browser: an approved worker opens the pre-test link from their e-mail on
a phone, answers half, closes it, comes back through the same link and finishes; a researcher
looks at the outcomes."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from botp import demo
from botp.models import Case, CaseState
from evaluation.models import SurveyInvitation
from tests.e2e.journeys import log_in

PHONE = {"width": 390, "height": 844}


def answer_visible_questions(page):
    """The first answer to every question shown; the lowest number where a number is asked."""
    for question in page.locator("li.question:not([hidden])").all():
        radios = question.locator("input[type=radio]")
        if radios.count():
            radios.first.check()
    # Answers can reveal further questions.
    for question in page.locator("li.question:not([hidden])").all():
        number = question.locator("input[inputmode=decimal]")
        if number.count():
            low = re.search(r"\((\d+)–", question.inner_text()).group(1)
            number.fill(low)


@pytest.mark.django_db(transaction=True)
def test_pre_test_answered_in_two_sittings(live_server, browser, shoot):
    demo.seed()
    case = Case.objects.filter(state=CaseState.REQUESTED, participant__last_name="De Smet").get()

    page = log_in(browser, live_server, "admin")
    page.goto(f"{live_server.url}/intake/review/{case.screening_request.pk}/")
    page.get_by_label("Approve: eligible for the programme").check()
    mail.outbox.clear()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("Decision recorded")
    page.context.close()

    message = next(m for m in mail.outbox if "/evaluation/survey/" in m.body)
    assert message.to == [case.participant.email]
    link = re.search(r"https?://[^/\s]+(/evaluation/survey/[\w-]+/)", message.body).group(1)

    # First sitting, on a phone, in Dutch: three pages, then stop.
    context = browser.new_context(locale="nl-BE", viewport=PHONE, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}{link}")
    page.locator(".survey a.button").click()
    shoot(page, "evaluation-survey-phone-empty")
    for _ in range(3):
        answer_visible_questions(page)
        page.locator("button[value=next]").click()
        expect(page.locator(".progress-label")).to_be_visible()
    shoot(page, "evaluation-survey-phone")
    page.locator("button[value=stop]").click()
    expect(page.locator("h1")).to_have_count(1)
    invitation = SurveyInvitation.objects.get(case=case)
    assert invitation.opened_at and not invitation.completed_at
    saved = invitation.answers.count()
    assert saved > 10
    context.close()

    # Second sitting, a new browser: the same link, the answers are there; finish.
    context = browser.new_context(locale="nl-BE", viewport=PHONE, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}{link}?page=1")
    assert page.locator("input[type=radio]:checked").count() >= 2
    # Coming back through the link continues where they stopped.
    page.goto(f"{live_server.url}{link}")
    page.locator(".survey a.button").click()
    page.wait_for_url(f"{live_server.url}{link}?page=4")
    while page.locator("button[value=next]").count():
        answer_visible_questions(page)
        page.locator("button[value=next]").click()
        expect(page.locator(".progress-label")).to_be_visible()
    answer_visible_questions(page)
    page.locator("button[value=submit]").click()
    expect(page.locator("h1")).to_have_count(1)
    invitation.refresh_from_db()
    assert invitation.completed_at is not None
    assert invitation.scores.filter(instrument__code="dass21").count() == 3
    # The link is now spent.
    response = page.goto(f"{live_server.url}{link}")
    assert response.status == 410
    context.close()

    page = log_in(browser, live_server, "researcher")
    page.get_by_role("link", name="Programme outcomes").first.click()
    expect(page.locator("h2", has_text="Response per wave")).to_be_visible()
    shoot(page, "evaluation-dashboard")
    page.context.close()
