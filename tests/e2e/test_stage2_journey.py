"""Stage 2 in a browser, continuing stage 1: the new participant chooses btp@demo.botp.be, the
BTP accepts, records two diagnosis sessions (a third is refused), sends the report and the
treatment request, and the psychologist confirms. Then a second case: not confirmed, debrief,
closed with a referral."""

import pytest
from playwright.sync_api import expect

from botp import demo
from botp.models import Case, CaseState, Provider
from tests.e2e.conftest import log_in
from tests.e2e.journeys import stage1


@pytest.mark.django_db(transaction=True)
def test_choice_diagnosis_and_confirmation(live_server, browser, shoot):
    demo.seed()
    reference, page = stage1(live_server, browser, shoot)
    btp = Provider.objects.get(user__email="btp@demo.botp.be")

    # The participant (in Dutch) goes from their case to the directory and chooses.
    page.goto(f"{live_server.url}/cases/{reference}/")
    page.locator(f"a[href='/diagnosis/cases/{reference}/choose-btp/']").click()
    page.locator(".filters select[name=language]").select_option("nl")
    page.locator("select[name=province]").select_option("VAN")
    page.locator(".filters button[type=submit]").click()
    assert page.locator(".directory .provider").count() >= 1
    shoot(page, "stage2-directory")
    page.locator(f"button[name=btp][value='{btp.pk}']").click()
    page.wait_for_url(f"{live_server.url}/cases/{reference}/")
    assert page.locator(".messages .success").count() == 1
    assert Case.objects.get(reference=reference).state == CaseState.BTP_PROPOSED
    page.context.close()

    # The BTP accepts and records the diagnosis sessions.
    page = log_in(browser, live_server, "btp")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Accept the case").click()
    expect(page.locator(".messages")).to_contain_text("In diagnosis")
    page.get_by_role("link", name="Diagnosis", exact=True).click()
    for _ in range(2):
        page.get_by_label("Duration (minutes)").fill("60")
        page.get_by_role("button", name="Record the session").click()
        expect(page.locator(".messages")).to_contain_text("Session recorded")
    page.get_by_role("button", name="Record the session").click()
    assert "at most 2 × “Diagnosis session”" in page.content()
    assert page.locator("tbody tr").count() == 2

    # The report and the treatment request: a bad score first, then complete.
    page.get_by_role("link", name="Write the report and treatment request").click()
    page.get_by_label("BAT total *").fill("5.5")
    page.get_by_label("Anamnesis *").fill("Nurse; fatigue and poor sleep since March.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".error-summary")).to_contain_text("less than or equal to 5")
    scores = {"BAT total *": "3.4", "BAT exhaustion *": "4.1", "BAT mental distance *": "3.2",
              "BAT cognitive impairment *": "3", "BAT emotional impairment *": "2.8",
              "DASS-21 depression *": "12", "DASS-21 anxiety *": "8", "DASS-21 stress *": "24"}
    for label, value in scores.items():
        page.get_by_label(label).fill(value)
    page.get_by_label("Work-related factors *").fill("Understaffed ward, night shifts.")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Burnout stage").select_option("early")
    page.get_by_label("Major depression").check()
    page.get_by_label("Adjustment disorder").check()
    page.get_by_label("Conclusion *").fill("Early-stage occupational burnout.")
    page.get_by_label("Work-related session", exact=True).fill("3")
    page.get_by_label("Individual session — cognitive-emotional", exact=True).fill("5")
    page.locator("select[name='isp_individual-cognitive_emotional']").select_option(
        label="Els Maes — Clinical psychologist, Antwerpen")
    page.get_by_label("Follow-up session", exact=True).fill("2")
    shoot(page, "stage2-report-form")
    page.get_by_role("button", name="Send to Fedris").click()
    expect(page.locator(".messages")).to_contain_text("were sent to Fedris")
    assert Case.objects.get(reference=reference).state == CaseState.DIAGNOSIS_REVIEW
    page.context.close()

    # The psychologist reads it in the queue and confirms.
    page = log_in(browser, live_server, "psychologist")
    page.get_by_role("link", name="Diagnosis reviews").click()
    page.get_by_role("link", name=reference).click()
    assert "Understaffed ward" in page.content()
    shoot(page, "stage2-psychologist-review")
    page.get_by_label("Confirm the early-stage occupational burnout").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("In treatment")
    case = Case.objects.get(reference=reference)
    assert case.state == CaseState.IN_TREATMENT
    assert list(case.isps.values_list("user__email", flat=True)) == ["isp@demo.botp.be"]
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_not_confirmed_debrief_and_referral(live_server, browser, shoot):
    demo.seed()
    case = Case.objects.get(state=CaseState.DIAGNOSIS_REVIEW, btp__user__email="btp@demo.botp.be")

    page = log_in(browser, live_server, "psychologist")
    page.goto(f"{live_server.url}/diagnosis/review/{case.reference}/")
    page.get_by_label("Do not confirm").check()
    page.get_by_role("button", name="Record the decision").click()
    assert "Give your reasons" in page.content()  # reasons are required
    page.get_by_label("Do not confirm").check()
    page.get_by_label("Reasons or questions for the BTP").fill(
        "Anhedonia and early waking: a depressive episode is more likely.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("Diagnosis not confirmed")
    page.context.close()

    page = log_in(browser, live_server, "btp")
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    page.get_by_role("link", name="Diagnosis", exact=True).click()
    assert "a depressive episode is more likely" in page.content()
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
