"""Stages 3 and 4 in a browser, continuing from the confirmed diagnosis of stages 1 and 2: the
ISP logs starter-kit and individual sessions, the participant consents to a workplace meeting,
the BTP prepares and records it, logs a session, and sends the final report."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from botp import demo
from botp.models import Case, CaseState
from tests.e2e.journeys import PARTICIPANT_EMAIL, PARTICIPANT_PASSWORD, log_in, stage1, stage2

CONCLUSION = "Sleep and energy restored."


def fill_final_report(page):
    page.get_by_label("Working partly").check()
    page.get_by_label("Improved").check()
    page.get_by_label("The BTP's conclusion").fill(CONCLUSION)
    page.locator("input[name=further_care][value=no]").check()


@pytest.mark.django_db(transaction=True)
def test_treatment_to_completion(live_server, browser, shoot):
    demo.seed(cohort=False)
    reference, page = stage1(live_server, browser, shoot)
    stage2(live_server, browser, shoot, reference, page)
    today = timezone.localdate()

    # The ISP gives a starter kit and an individual session, and plans the next one.
    page = log_in(browser, live_server, "isp")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name="Treatment: plan and sessions").click()
    expect(page.locator("body")).to_contain_text("Your part of the treatment plan")
    page.get_by_label("Session:").select_option("starter_kit:")
    page.get_by_role("button", name="Record the session").click()
    expect(page.locator(".messages")).to_contain_text("Session recorded")
    page.get_by_label("Session:").select_option("individual:cognitive_emotional")
    page.get_by_role("button", name="Record the session").click()
    expect(page.locator(".messages")).to_contain_text("Session recorded")
    page.get_by_label("Session:").select_option("individual:cognitive_emotional")
    page.get_by_label("Date").fill((today + datetime.timedelta(days=7)).isoformat())
    page.get_by_label("Status").select_option("planned")
    page.get_by_role("button", name="Record the session").click()
    # A planned session says when and where: the participant is told.
    expect(page.locator(".error-summary")).to_contain_text("Give the time of the planned")
    page.get_by_label("Time").fill("14:30")
    page.get_by_label("Place").fill("Praktijk Maes, Kerkstraat 4, Antwerpen")
    page.get_by_role("button", name="Record the session").click()
    expect(page.locator(".messages")).to_contain_text("Session recorded")
    page.context.close()

    # The participant consents to a meeting with their occupational physician and employer.
    page = log_in(browser, live_server, PARTICIPANT_EMAIL, password=PARTICIPANT_PASSWORD)
    page.goto(f"{live_server.url}/cases/{reference}/")
    page.get_by_role("link", name="My programme").click()
    page.get_by_label("Multidisciplinary meeting at the workplace").check()
    page.get_by_label("Role 1").select_option("occupational_physician")
    page.get_by_label("Name 1").fill("Dr. Lieve Wouters")
    page.get_by_label("Role 2").select_option("employer")
    page.get_by_label("Name 2").fill("Karel Peeters")
    page.get_by_label("Organisation 2").fill("AZ Journey")
    page.get_by_label("I have read the text above and I agree.").check()
    page.get_by_role("button", name="Give my consent").click()
    expect(page.locator(".messages")).to_contain_text("Your consent is recorded")
    assert "Dr. Lieve Wouters" in page.content() and "Els Maes" in page.content()
    shoot(page, "stage3-participant-page")
    page.context.close()

    # The BTP prepares and records the meeting, gives a session, and writes the final report.
    page = log_in(browser, live_server, "btp")
    page.goto(f"{live_server.url}/treatment/cases/{reference}/")
    page.get_by_label("Session:").select_option("work_related:")
    page.get_by_role("button", name="Record the session").click()
    expect(page.locator(".messages")).to_contain_text("Session recorded")
    page.get_by_role("link", name="Multidisciplinary meeting at the workplace").click()
    page.get_by_label("Planned date").fill(today.isoformat())
    page.get_by_label("Time").fill("14:00")
    page.get_by_label("Place").fill("AZ Journey, meeting room 2")
    page.get_by_role("button", name="Prepare the meeting").click()
    expect(page.locator(".messages")).to_contain_text("The meeting is prepared")
    page.get_by_label("Occupational physician").check()
    page.get_by_label("Employer representative").check()
    page.get_by_label("Agreed workplace adaptations").fill("No night shifts for three months.")
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.locator(".messages")).to_contain_text("The meeting is recorded")
    page.goto(f"{live_server.url}/treatment/cases/{reference}/")
    shoot(page, "stage3-session-log")

    # The ISP's planned session is still open: the final report says so, and keeps what was
    # typed on the page while nothing is saved.
    page.get_by_role("link", name="Write the final report").click()
    fill_final_report(page)
    page.get_by_role("button", name="Send to Fedris and complete the case").click()
    expect(page.locator(".error-summary")).to_contain_text("still planned")
    assert page.get_by_label("The BTP's conclusion").input_value() == CONCLUSION
    page.context.close()

    page = log_in(browser, live_server, "isp")
    page.goto(f"{live_server.url}/treatment/cases/{reference}/")
    page.locator("table select[name=status]").select_option("cancelled")
    page.get_by_role("button", name="Update").click()
    expect(page.locator(".messages")).to_contain_text("Session updated")
    page.context.close()

    page = log_in(browser, live_server, "btp")
    page.goto(f"{live_server.url}/treatment/cases/{reference}/final-report/")
    fill_final_report(page)
    page.get_by_role("button", name="Send to Fedris and complete the case").click()
    expect(page.locator(".messages")).to_contain_text("the case is completed")
    case = Case.objects.get(reference=reference)
    assert case.state == CaseState.COMPLETED
    assert case.final_report.sessions_delivered == {
        "diagnosis": 2, "starter_kit": 1, "individual": 1, "work_related": 1,
        "multidisciplinary_meeting": 1}
    page.goto(f"{live_server.url}/treatment/cases/{reference}/final-report/")
    shoot(page, "stage4-final-report")
    page.context.close()
