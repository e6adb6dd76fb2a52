"""A request found not eligible, in a browser: a referrer files it, the administrator refuses it
(first forgetting the reason: told at the top, the choice kept), the worker's e-mail brings the
letter as a PDF, and the referrer's request page shows the outcome and its reason category."""

import datetime
import os
import re
import shutil
import subprocess

import pytest
from django.core import mail
from django.utils import timezone

from botp import demo, nationalnumber
from botp.models import CaseState
from intake.models import ScreeningRequest
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.journeys import log_in

WORKER = "lien.refused@example.org"
SIGNALS_OTHER = "Cries before every shift since the merger"
EXPLANATION = "Your sick leave started in January; the programme takes requests within 60 days."
REASON = "On sick leave for longer than the programme allows"


def file_request(browser, live_server, shoot):
    """The referrer files a request for the FA-BOTP, 90 days into a sick leave."""
    born = datetime.date(1981, 3, 14)
    page = log_in(browser, live_server, "referrer")
    page.get_by_role("link", name="Screening requests").click()
    page.get_by_role("link", name="New screening request").click()
    page.locator("select[name=programme]").select_option(
        label="Federal Administration Burnout Treatment Programme (FA-BOTP)")
    page.get_by_label("First name").fill("Lien")
    page.get_by_label("Last name").fill("Refused")
    page.get_by_label("National register number (NISS)").fill(nationalnumber.build(born, 41))
    page.get_by_label("Date of birth").fill(born.isoformat())
    page.get_by_label("Female").check()
    page.get_by_label("Preferred language").select_option("en")
    page.get_by_label("E-mail address").fill(WORKER)
    page.get_by_label("Employer *").fill("FPS Journey")
    page.get_by_label("Enterprise number").fill("0403.170.701")
    page.get_by_label("Sector *").select_option(label="Federal administration")
    page.get_by_label("Job title").fill("Case handler")
    page.get_by_label("On sick leave", exact=True).check()
    since = timezone.localdate() - datetime.timedelta(days=90)
    page.get_by_label("On sick leave since").fill(since.isoformat())
    page.get_by_label("Fatigue").check()
    page.get_by_label("Other observations").fill(SIGNALS_OTHER)
    page.get_by_label("The worker agrees").check()
    page.get_by_role("button", name="Send to Fedris").click()
    page.wait_for_url(re.compile(r".*/intake/requests/\d+/$"))
    page.context.close()
    return ScreeningRequest.objects.get(last_name="Refused")


def refuse(browser, live_server, shoot, screening):
    reference = screening.case.reference
    page = log_in(browser, live_server, "admin")
    page.get_by_role("link", name="Review queue").click()
    page.get_by_role("link", name=reference).click()
    page.get_by_label("Not eligible", exact=True).check()
    page.get_by_label("Explanation for the worker").fill(EXPLANATION)
    shoot(page, "ineligible-1-refusal-form")
    page.get_by_role("button", name="Record the decision").click()

    # Forgotten: the error at the top of the form, the choice and the words kept, nothing done.
    summary = page.locator("#error-summary")
    assert "Choose the reason why the request is not eligible" in summary.inner_text()
    box = summary.bounding_box()
    assert box["y"] < page.get_by_label("Not eligible", exact=True).bounding_box()["y"]
    assert page.get_by_label("Not eligible", exact=True).is_checked()
    assert page.get_by_label("Explanation for the worker").input_value() == EXPLANATION
    screening.case.refresh_from_db()
    assert screening.case.state == CaseState.REQUESTED
    shoot(page, "ineligible-2-refusal-form-error")

    page.get_by_label(REASON).check()
    mail.outbox.clear()
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"{live_server.url}/intake/review/")
    assert "Decision recorded" in page.locator(".messages").inner_text()
    screening.case.refresh_from_db()
    assert screening.case.state == CaseState.INELIGIBLE
    page.context.close()


def check_letter(shots):
    [message] = [m for m in mail.outbox if WORKER in m.to]
    assert "http" not in message.body and "log in" not in message.body.lower()
    assert SIGNALS_OTHER not in message.body and EXPLANATION not in message.body
    [(filename, pdf, mimetype)] = message.attachments
    # Named in the letter's language (English here), as the download is.
    assert mimetype == "application/pdf"
    assert filename.endswith("-eligibility-decision-letter-v1.pdf")
    path = os.path.join(shots, "ineligible-letter.pdf")
    with open(path, "wb") as stream:
        stream.write(pdf)
    if shutil.which("pdftotext"):
        text = " ".join(subprocess.run(["pdftotext", "-layout", path, "-"], check=True,
                                       capture_output=True).stdout.decode().split())
        for expected in ("Your request is not eligible", REASON, EXPLANATION,
                         "Empreva, an internal service of the federal administration",
                         "An external psychologist of your choice"):
            assert expected in text, expected
        assert SIGNALS_OTHER not in text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", path,
                        os.path.join(shots, "ineligible-letter")], check=True)


def referrer_sees_outcome(browser, live_server, shoot, screening):
    for width, height in ((1280, 900), (390, 844)):
        page = log_in(browser, live_server, "referrer",
                      viewport={"width": width, "height": height})
        page.goto(f"{live_server.url}/intake/requests/{screening.pk}/")
        assert page.locator(".stage").first.inner_text() == "Not eligible"
        outcome = page.locator(".outcome")
        assert "Outcome: not eligible" in outcome.inner_text()
        assert outcome.locator(".reason-category").inner_text() == REASON
        assert EXPLANATION not in page.content()
        # Nothing wider than the screen at a phone's width.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shoot(page, f"ineligible-3-referrer-request-{width}")
        page.context.close()


@pytest.mark.django_db(transaction=True)
def test_a_refused_request_reaches_the_worker_and_the_referrer(live_server, browser, shoot,
                                                               tmp_path):
    demo.seed(cohort=False)
    shots = SCREENSHOTS or str(tmp_path)
    os.makedirs(shots, exist_ok=True)
    screening = file_request(browser, live_server, shoot)
    refuse(browser, live_server, shoot, screening)
    check_letter(shots)
    referrer_sees_outcome(browser, live_server, shoot, screening)
