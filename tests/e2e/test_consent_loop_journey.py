"""The loop between the participant and the BTP around a workplace meeting, in a browser: a
mistake on the consent form keeps the names typed; the consent is given; the BTP prepares the
meeting on a day, at a time, in a place; the participant sees it among their sessions, withdraws
the consent after confirming; the meeting is cancelled and the BTP is told by e-mail. Then the
plan form with its caps, and the consent form's error, at a desktop's and a phone's width."""

import datetime
import os

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from botp import demo, outbox
from botp.models import Case, CaseState, Consent
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.journeys import log_in
from treatment.models import WorkplaceMeeting

WIDTHS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}


def fill_people(page):
    page.get_by_label("Role 1").select_option("occupational_physician")
    page.get_by_label("Name 1").fill("Dr. Lieve Wouters")
    page.get_by_label("Organisation 1").fill("Mensura")
    page.get_by_label("Role 2").select_option("employer")
    page.get_by_label("Name 2").fill("Karel Peeters")
    page.get_by_label("Organisation 2").fill("AZ Journey")


@pytest.mark.django_db(transaction=True)
def test_consent_meeting_withdrawal_and_the_btp_told(live_server, browser, shoot):
    users = demo.seed(cohort=False)
    case = Case.objects.get(participant__user=users["participant"],
                            state=CaseState.IN_TREATMENT)
    reference = case.reference
    next_week = timezone.localdate() + datetime.timedelta(days=7)

    # A mistake on the consent form: the box is not ticked. Everything typed is still there,
    # and the problem is said at the top, with the focus on it.
    page = log_in(browser, live_server, "participant")
    page.goto(f"{live_server.url}/treatment/cases/{reference}/mine/")
    page.get_by_label("Multidisciplinary meeting at the workplace").check()
    fill_people(page)
    page.get_by_role("button", name="Give my consent").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Tick the box to confirm that you agree.")
    expect(summary).to_be_focused()
    assert page.get_by_label("Name 1").input_value() == "Dr. Lieve Wouters"
    assert page.get_by_label("Organisation 1").input_value() == "Mensura"
    assert page.get_by_label("Role 2").input_value() == "employer"
    assert page.get_by_label("Name 2").input_value() == "Karel Peeters"
    assert page.get_by_label("Organisation 2").input_value() == "AZ Journey"
    assert page.get_by_label("Multidisciplinary meeting at the workplace").is_checked()
    assert not case.consents.exists()
    # The summary's link takes the participant to the box.
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("I have read the text above and I agree.")).to_be_focused()
    page.get_by_label("I have read the text above and I agree.").check()
    page.get_by_role("button", name="Give my consent").click()
    expect(page.locator(".messages")).to_contain_text("Your consent is recorded")
    consent = case.consents.get(purpose=Consent.Purpose.MEETING)
    assert [p["name"] for p in consent.scope] == ["Dr. Lieve Wouters", "Karel Peeters"]
    page.context.close()

    # The BTP prepares the meeting: a day, a time and a place.
    page = log_in(browser, live_server, "btp")
    page.goto(f"{live_server.url}/treatment/cases/{reference}/meeting/")
    page.get_by_label("Planned date").fill(next_week.isoformat())
    page.get_by_role("button", name="Prepare the meeting").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Time")
    expect(summary).to_contain_text("Place")
    assert page.get_by_label("Planned date").input_value() == next_week.isoformat()
    page.get_by_label("Time").fill("14:30")
    page.get_by_label("Place").fill("AZ Journey, meeting room 2")
    page.get_by_role("button", name="Prepare the meeting").click()
    expect(page.locator(".messages")).to_contain_text("The meeting is prepared")
    expect(page.locator("#meeting-title").locator("..")).to_contain_text(
        "AZ Journey, meeting room 2")
    page.context.close()

    # The participant sees it among their sessions, and withdraws the consent, confirming.
    page = log_in(browser, live_server, "participant")
    page.goto(f"{live_server.url}/treatment/cases/{reference}/mine/")
    planned = page.locator(".planned-meeting")
    expect(planned).to_contain_text("Multidisciplinary meeting at the workplace")
    expect(planned).to_contain_text("14:30")
    expect(planned).to_contain_text("AZ Journey, meeting room 2")
    shoot(page, "consent-loop-participant-planned-meeting")
    page.get_by_role("link", name="Withdraw this consent").click()
    expect(page.locator("h1")).to_have_text("Withdraw this consent?")
    expect(page.locator("main")).to_contain_text("will be cancelled")
    expect(page.locator("main")).to_contain_text("Your BTP will be told by e-mail")
    shoot(page, "consent-loop-withdraw-confirmation")
    # Changing one's mind changes nothing.
    page.get_by_role("link", name="No, keep it").click()
    consent.refresh_from_db()
    assert consent.is_active
    page.get_by_role("link", name="Withdraw this consent").click()
    mail.outbox.clear()
    page.get_by_role("button", name="Yes, withdraw this consent").click()
    expect(page.locator(".messages")).to_contain_text("Your consent is withdrawn")
    expect(page.locator(".planned-meeting")).to_have_count(0)
    page.context.close()

    consent.refresh_from_db()
    meeting = WorkplaceMeeting.objects.get(case=case)
    assert not consent.is_active
    assert meeting.status == WorkplaceMeeting.Status.CANCELLED
    assert meeting.cancelled_by_withdrawal
    outbox.deliver_due()
    told = [m for m in mail.outbox if m.to == ["btp@demo.botp.be"]
            and reference in m.subject]
    assert len(told) == 1, [m.subject for m in mail.outbox]
    assert "cancelled" in told[0].body or "geannuleerd" in told[0].body \
        or "annulée" in told[0].body
    assert "Karel Peeters" not in told[0].body

    # The BTP's meeting page says it was cancelled by the withdrawal.
    page = log_in(browser, live_server, "btp")
    page.goto(f"{live_server.url}/treatment/cases/{reference}/meeting/")
    expect(page.locator("main")).to_contain_text("the participant withdrew their consent")
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_screenshots_of_the_consent_error_and_the_plan_caps(live_server, browser, shoot):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = {}

    def audit(page, label):
        found = [(rule["id"], [node["target"] for node in rule["nodes"]])
                 for rule in axe.run(page).response["violations"]]
        if found:
            problems[label] = found

    users = demo.seed(cohort=False)
    case = Case.objects.get(participant__user=users["participant"],
                            state=CaseState.IN_TREATMENT)
    reference = case.reference
    for name, viewport in WIDTHS.items():
        page = log_in(browser, live_server, "participant", viewport=viewport)
        page.goto(f"{live_server.url}/treatment/cases/{reference}/mine/")
        page.get_by_label("Multidisciplinary meeting at the workplace").check()
        page.get_by_label("Role 1").select_option("employer")
        page.get_by_label("Organisation 1").fill("AZ Journey")  # no name
        page.get_by_label("Name 2").fill("Karel Peeters")        # no role
        page.get_by_role("button", name="Give my consent").click()
        expect(page.locator("#error-summary")).to_contain_text("Give the name of this person.")
        expect(page.locator("#error-summary")).to_contain_text("Choose the role of")
        assert page.get_by_label("Name 2").input_value() == "Karel Peeters"
        shoot(page, f"consent-form-error-{name}")
        audit(page, f"consent form refused, {name} px")
        if SCREENSHOTS:  # the consent card alone, to read at a phone's width
            page.locator("details.consent-form").screenshot(
                path=os.path.join(SCREENSHOTS, f"consent-form-error-{name}-card.png"))
        page.context.close()

        page = log_in(browser, live_server, "btp", viewport=viewport)
        page.goto(f"{live_server.url}/treatment/cases/{reference}/plan/")
        total = page.locator("tr[data-limit=total] output")
        before = int(total.inner_text())
        page.get_by_label("Individual session — psycho-corporal", exact=True).fill("4")
        # The live total follows what is typed (the server still checks when it is sent).
        expect(total).to_have_text(str(before + 4))
        expect(page.locator("output[data-group=individual]")).to_contain_text("of 7 planned")
        shoot(page, f"plan-form-caps-{name}")
        page.get_by_role("button", name="Save the amended plan").click()
        summary = page.locator("#error-summary")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("Why does the plan change?")
        shoot(page, f"plan-form-caps-error-{name}")
        audit(page, f"plan form refused, {name} px")
        if SCREENSHOTS:
            page.locator("table.request-lines").screenshot(
                path=os.path.join(SCREENSHOTS, f"plan-form-caps-error-{name}-table.png"))
        page.context.close()
    # The refused forms, their summaries and the rows as blocks on a phone: no axe violation.
    assert not problems, problems


@pytest.mark.django_db(transaction=True)
def test_the_request_form_warns_of_a_long_sick_leave_as_it_is_typed(live_server, browser,
                                                                    shoot):
    demo.seed(cohort=False)
    page = log_in(browser, live_server, "referrer")
    page.goto(f"{live_server.url}/intake/requests/new/")
    warning = page.locator("#sick-leave-warning")
    expect(page.locator("#eligibility-rules")).to_contain_text("at most 60 days")
    expect(warning).to_be_hidden()
    page.get_by_label("On sick leave", exact=True).check()
    long_ago = timezone.localdate() - datetime.timedelta(days=75)
    page.get_by_label("On sick leave since").fill(long_ago.isoformat())
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("for 75 days: more than the 60 days")
    shoot(page, "request-form-sick-leave-warning")
    # The programme since 2024 takes a longer incapacity that is not for burnout, with adapted
    # work agreed by the mutuality's advisory physician: the warning goes once both are said.
    page.locator("select[name=programme]").select_option(
        label="Burnout Prevention Programme (Fedris, since 2024)")
    expect(warning).to_be_visible()
    page.locator("input[name=incapacity_not_burnout][value=True]").check()
    expect(warning).to_be_visible()
    page.locator("input[name=adapted_work_agreed][value=True]").check()
    expect(warning).to_be_hidden()
    page.locator("input[name=adapted_work_agreed][value=False]").check()
    expect(warning).to_be_visible()
    page.get_by_label("At work").check()
    expect(warning).to_be_hidden()
    page.get_by_label("Enterprise number").fill("BE 0403.170.701")
    assert page.get_by_label("Enterprise number").input_value() == "BE 0403.170.701"
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_the_warning_counts_calendar_months_for_the_programme_since_2024(live_server, browser):
    """Since 2024 the limit is "less than 2 months" (reached on the same date two months on),
    before it 60 days: on 1 April, a leave since 1 February is 59 days, over the one and within
    the other."""
    demo.seed(cohort=False)
    page = log_in(browser, live_server, "referrer")
    page.clock.set_fixed_time(datetime.datetime(2027, 4, 1, 10, 0))
    page.goto(f"{live_server.url}/intake/requests/new/")
    warning = page.locator("#sick-leave-warning")
    page.get_by_label("On sick leave", exact=True).check()
    page.get_by_label("On sick leave since").fill("2027-02-01")
    expect(warning).to_be_hidden()  # the pilot's 60 days
    page.locator("select[name=programme]").select_option(
        label="Burnout Prevention Programme (Fedris, since 2024)")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("for 59 days: less than 2 months is what the programme")
    page.get_by_label("On sick leave since").fill("2027-02-02")
    expect(warning).to_be_hidden()
    page.context.close()
