"""The programme's journeys in a browser, stage after stage, each one continuing the last."""

import datetime
import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from botp import demo, nationalnumber
from botp.models import Case, CaseState, Provider
from intake.models import ScreeningRequest

PARTICIPANT_EMAIL = "noor.journey@example.org"
PARTICIPANT_PASSWORD = "een-lange-wachtzin-2026"


def log_in(browser, live_server, local, *, locale="en-GB", viewport=None,
           password=demo.DEMO_PASSWORD):
    context = browser.new_context(locale=locale, viewport=viewport or {"width": 1200,
                                                                         "height": 900})
    # The language the browser asks for is the one chosen with the switcher (its cookie), as
    # the demo accounts' own languages are Dutch and French.
    context.add_cookies([{"name": "django_language", "value": locale[:2],
                          "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(local if "@" in local else f"{local}@demo.botp.be")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    return page


def stage1(live_server, browser, shoot):
    """A referrer files a request (correcting a field on the way), the administrator approves
    it, the worker activates their account. Returns the case reference and the participant's
    page, logged in."""
    born = datetime.date(1984, 9, 30)
    niss = nationalnumber.build(born, 77)

    page = log_in(browser, live_server, "referrer")
    page.get_by_role("link", name="Screening requests").click()
    page.get_by_role("link", name="New screening request").click()
    page.get_by_label("First name").fill("Noor")
    page.get_by_label("Last name").fill("Journey")
    page.get_by_label("National register number (NISS)").fill(niss)
    page.get_by_label("Date of birth").fill("1984-09-29")  # a day off: the NISS says the 30th
    page.get_by_label("Female").check()
    page.get_by_label("Preferred language").select_option("nl")
    page.get_by_label("E-mail address").fill("noor.journey@example.org")
    page.get_by_label("Employer *").fill("AZ Journey")
    page.get_by_label("Enterprise number").fill("0403.170.701")
    page.get_by_label("Sector *").select_option(label="Hospital sector")
    page.get_by_label("Job title").fill("Nurse")
    page.get_by_label("On sick leave", exact=True).check()
    since = timezone.localdate() - datetime.timedelta(days=12)
    page.get_by_label("On sick leave since").fill(since.isoformat())
    page.get_by_label("Fatigue").check()
    page.get_by_label("Sleep problems").check()
    page.get_by_label("The worker agrees").check()
    shoot(page, "stage1-request-form")
    page.get_by_role("button", name="Send to Fedris").click()

    # The error is summarised at the top and shown at the field; nothing was sent.
    error = page.locator(".error-summary")
    assert "does not match the national register number" in error.inner_text()
    assert not ScreeningRequest.objects.filter(case__isnull=False,
                                               last_name="Journey").exists()
    shoot(page, "stage1-request-form-error")
    page.get_by_label("Date of birth").fill(born.isoformat())
    page.get_by_role("button", name="Send to Fedris").click()
    page.wait_for_url(re.compile(r".*/intake/requests/\d+/$"))
    assert "was sent to Fedris" in page.locator(".messages").inner_text()
    screening = ScreeningRequest.objects.get(last_name="Journey")
    reference = screening.case.reference
    assert page.locator(".stage").first.inner_text() == "Received"
    page.context.close()

    page = log_in(browser, live_server, "admin")
    page.get_by_role("link", name="Review queue").click()
    expect(page.locator("body")).to_contain_text(reference)
    shoot(page, "stage1-review-queue")
    page.get_by_role("link", name=reference).click()
    page.get_by_label("Approve: eligible for the programme").check()
    mail.outbox.clear()
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"{live_server.url}/intake/review/")
    assert "Decision recorded" in page.locator(".messages").inner_text()
    screening.case.refresh_from_db()
    assert screening.case.state == CaseState.AWAITING_BTP_CHOICE
    page.context.close()

    activation = next(m for m in mail.outbox if "noor.journey@example.org" in m.to
                      and "/intake/activate/" in m.body)
    assert "Activeer uw account" in activation.body or "activeringslink" in activation.body
    link = re.search(r"https?://[^/]+(/intake/activate/[\w-]+/)", activation.body).group(1)
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    page.goto(f"{live_server.url}{link}")
    assert "noor.journey@example.org" in page.content()
    shoot(page, "stage1-activation")
    password = PARTICIPANT_PASSWORD
    page.locator("input[name=password1]").fill(password)
    page.locator("input[name=password2]").fill(password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert reference in page.content()
    shoot(page, "stage1-participant-dashboard")
    return reference, page


def stage2(live_server, browser, shoot, reference, page):
    """Continuing from stage 1's participant ``page``: the participant chooses
    btp@demo.botp.be, the BTP accepts, records two diagnosis sessions (a third is refused),
    sends the report and the request, and the psychologist confirms."""
    btp = Provider.objects.get(user__email="btp@demo.botp.be")

    # The participant (in Dutch) goes from their case to the directory and chooses.
    page.goto(f"{live_server.url}/cases/{reference}/")
    page.locator(f"a[href='/diagnosis/cases/{reference}/choose-btp/']").click()
    page.locator(".filters select[name=language]").select_option("nl")
    page.locator("select[name=province]").select_option("VAN")
    page.locator(".filters button[type=submit]").click()
    page.wait_for_url("**province=VAN**")
    expect(page.locator(".directory .provider").first).to_be_visible()
    shoot(page, "stage2-directory")
    page.locator(f"button[name=btp][value='{btp.pk}']").click()
    # One more look at whom they chose, then confirm.
    expect(page.locator("h1")).to_contain_text(btp.user.get_full_name())
    shoot(page, "stage2-confirm-choice")
    page.locator("button[type=submit]", has_text="Ja").click()
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
    expect(page.locator("body")).to_contain_text("at most 2 × “Diagnosis session”")
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
    page.get_by_label("Starter kit", exact=True).fill("3")
    page.locator("select[name='isp_starter_kit']").select_option(
        label="Els Maes — Clinical psychologist, Antwerpen")
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
    expect(page.locator("body")).to_contain_text("Understaffed ward")
    shoot(page, "stage2-psychologist-review")
    page.get_by_label("Confirm the early-stage occupational burnout").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("In treatment")
    case = Case.objects.get(reference=reference)
    assert case.state == CaseState.IN_TREATMENT
    assert list(case.isps.values_list("user__email", flat=True)) == ["isp@demo.botp.be"]
    page.context.close()
