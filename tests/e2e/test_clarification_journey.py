"""The loop between the Fedris psychologist and the BTP in a browser: the psychologist asks for
more information (first forgetting the question: the error is summarised at the top and the
choice kept), the BTP finds the to-do with the question, answers it in a new version of the
report, the psychologist finds that case first in the queue, reads the answer beside the
question and confirms; the case is in treatment."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from botp import demo
from botp.models import Case, CaseState
from diagnosis import demo as diagnosis_demo
from tests.e2e.journeys import log_in

QUESTION = "How many hours does the participant sleep, and since when?"
ANSWER = "Five hours a night since March; the GP saw no somatic cause."
WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def no_axe_violation(page):
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    assert not found, [(rule["id"], [node["target"] for node in rule["nodes"]])
                       for rule in found]


def shoot_both(page, shoot, name):
    """The page at desktop and at phone width, each passing axe's rules."""
    shoot(page, f"{name}-1280")
    no_axe_violation(page)
    page.set_viewport_size(PHONE)
    shoot(page, f"{name}-390")
    no_axe_violation(page)
    # Nothing may stick out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(WIDE)


@pytest.mark.django_db(transaction=True)
def test_more_information_answered_and_confirmed(live_server, browser, shoot):
    demo.seed(cohort=False)
    case = Case.objects.get(state=CaseState.DIAGNOSIS_REVIEW, btp__user__email="btp@demo.botp.be")
    review_url = f"{live_server.url}/diagnosis/review/{case.reference}/"
    # Another report waits in the queue, sent before the answer will be: by age alone it would
    # come first.
    waiting = Case.objects.filter(state=CaseState.IN_DIAGNOSIS).exclude(pk=case.pk).first()
    diagnosis_demo.submit_diagnosis(waiting, waiting.btp.user, {})

    # The psychologist asks, forgetting the question first.
    page = log_in(browser, live_server, "psychologist", viewport=WIDE)
    page.goto(review_url)
    page.get_by_label("Ask the BTP for more information").check()
    page.get_by_role("button", name="Record the decision").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Give your reasons or questions for the BTP")
    assert summary.bounding_box()["y"] < page.locator("#scores-title").bounding_box()["y"]
    expect(page.get_by_label("Ask the BTP for more information")).to_be_checked()
    shoot_both(page, shoot, "clarify-psychologist-refused")
    summary.get_by_role("link").click()
    page.get_by_label("Reasons or questions for the BTP").fill(QUESTION)
    mail.outbox.clear()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("In diagnosis")
    page.context.close()

    # The BTP's e-mail says what is asked and where, without the question.
    (to_btp,) = [m for m in mail.outbox if "btp@demo.botp.be" in m.to]
    assert QUESTION not in to_btp.body
    link = re.search(r"https?://[^/\s]+(/diagnosis/cases/\S+/report/)", to_btp.body).group(1)

    # The BTP sees the to-do on the dashboard and the case page, with the question.
    page = log_in(browser, live_server, "btp", viewport=WIDE)
    expect(page.locator(".worklist .todo", has_text=case.reference)).to_contain_text(
        "Fedris asked for more information")
    page.locator("table.cases tr", has_text=case.reference).get_by_role(
        "link", name=case.reference).click()
    todo = page.locator(".case-todo")
    expect(todo).to_contain_text("To do: Fedris asks for more information")
    expect(todo).to_contain_text(QUESTION)
    shoot_both(page, shoot, "clarify-btp-todo")
    todo.get_by_role("link", name="Answer and revise the report").click()
    page.wait_for_url(f"{live_server.url}{link}*")
    expect(page.locator("#answer-to-fedris")).to_contain_text(QUESTION)
    shoot_both(page, shoot, "clarify-btp-report-form")

    # Sending without the answer is refused at the field; then it is sent with it.
    page.get_by_role("button", name="Send to Fedris").click()
    expect(page.locator(".error-summary")).to_contain_text("Answer the psychologist")
    page.get_by_label("Answer to the psychologist's question *").fill(ANSWER)
    page.get_by_label("Physical symptoms").fill("Fatigue; sleep five hours a night.")
    page.get_by_role("button", name="Send to Fedris").click()
    expect(page.locator(".messages")).to_contain_text("Version 2")
    assert Case.objects.get(pk=case.pk).state == CaseState.DIAGNOSIS_REVIEW
    page.context.close()

    # The psychologist finds it first in the queue, reads the answer beside the question.
    page = log_in(browser, live_server, "psychologist", viewport=WIDE)
    # Home first: the review to-do with the answer, before the older report's.
    reviews = page.locator(".worklist .todo", has_text="Review the diagnosis report")
    expect(reviews.first).to_contain_text(case.reference)
    expect(reviews.first).to_contain_text("Answer received")
    page.get_by_role("link", name="Diagnosis reviews").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    first = rows.first
    expect(first).to_contain_text(case.reference)
    expect(first).to_contain_text("Answer received")
    expect(rows.nth(1)).to_contain_text(waiting.reference)
    expect(rows.nth(1)).not_to_contain_text("Answer received")
    shoot_both(page, shoot, "clarify-psychologist-queue")
    first.get_by_role("link", name=case.reference).click()
    pair = page.locator(".question-answer")
    expect(pair.locator(".qa-question")).to_contain_text(QUESTION)
    expect(pair.locator(".qa-answer")).to_contain_text(ANSWER)
    # Side by side on a desktop.
    question_box = pair.locator(".qa-question").bounding_box()
    answer_box = pair.locator(".qa-answer").bounding_box()
    assert abs(question_box["y"] - answer_box["y"]) < 2 and answer_box["x"] > question_box["x"]
    shoot_both(page, shoot, "clarify-psychologist-review")
    page.get_by_label("Confirm the early-stage occupational burnout").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("In treatment")
    assert Case.objects.get(pk=case.pk).state == CaseState.IN_TREATMENT
    page.context.close()
