"""Stage 2 in a browser, continuing stage 1: the new participant chooses btp@demo.botp.be, the
BTP accepts, records two diagnosis sessions (a third is refused), sends the report and the
treatment request, and the psychologist confirms. Then a second case: not confirmed, debrief,
closed with a referral."""

import pytest
from playwright.sync_api import expect

from botp import demo
from botp.models import Case, CaseState
from tests.e2e.journeys import log_in, stage1, stage2


@pytest.mark.django_db(transaction=True)
def test_choice_diagnosis_and_confirmation(live_server, browser, shoot):
    demo.seed(cohort=False)
    reference, page = stage1(live_server, browser, shoot)
    stage2(live_server, browser, shoot, reference, page)


@pytest.mark.django_db(transaction=True)
def test_not_confirmed_debrief_and_referral(live_server, browser, shoot):
    demo.seed(cohort=False)
    case = Case.objects.get(state=CaseState.DIAGNOSIS_REVIEW, btp__user__email="btp@demo.botp.be")

    page = log_in(browser, live_server, "psychologist")
    page.goto(f"{live_server.url}/diagnosis/review/{case.reference}/")
    page.get_by_label("Do not confirm").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("body")).to_contain_text("Give your reasons")  # reasons are required
    page.get_by_label("Do not confirm").check()
    page.get_by_label("Reasons or questions for the BTP").fill(
        "Anhedonia and early waking: a depressive episode is more likely.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("Diagnosis not confirmed")
    page.context.close()

    page = log_in(browser, live_server, "btp")
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    page.get_by_role("link", name="Diagnosis", exact=True).click()
    expect(page.locator("body")).to_contain_text("a depressive episode is more likely")
    page.get_by_label("Duration (minutes)").fill("45")
    page.get_by_role("button", name="Record the session").click()
    expect(page.locator(".messages")).to_contain_text("Session recorded")
    page.get_by_label("Psychiatrist").check()
    page.get_by_label("Note on the referral").fill("Referred to Dr. Peeters, ZNA.")
    shoot(page, "stage2-debrief")
    page.get_by_role("button", name="Close the case").click()
    expect(page.locator(".messages")).to_contain_text("closed with your referral")
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert case.events.get(action="close_after_debrief").payload["referral"] == "psychiatrist"
    page.context.close()
