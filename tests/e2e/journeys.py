"""The programme's journeys in a browser, stage after stage, each one continuing the last."""

import datetime
import re

from django.core import mail
from django.utils import timezone

from botp import nationalnumber
from botp.models import CaseState
from intake.models import ScreeningRequest
from tests.e2e.conftest import log_in


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
    assert reference in page.content()
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

    activation = next(m for m in mail.outbox if "noor.journey@example.org" in m.to)
    assert "Activeer uw account" in activation.body or "activeringslink" in activation.body
    link = re.search(r"https?://[^/]+(/intake/activate/[\w-]+/)", activation.body).group(1)
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    page.goto(f"{live_server.url}{link}")
    assert "noor.journey@example.org" in page.content()
    shoot(page, "stage1-activation")
    password = "een-lange-wachtzin-2026"
    page.locator("input[name=password1]").fill(password)
    page.locator("input[name=password2]").fill(password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert reference in page.content()
    shoot(page, "stage1-participant-dashboard")
    return reference, page
