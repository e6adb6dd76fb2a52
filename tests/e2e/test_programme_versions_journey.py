"""The programmes in a browser: Fedris publishes a new version of a programme in the back office
(the changes shown before, the history after, running cases keeping theirs), and a request for
the programme since 2024 goes from the referrer, who lets the portal propose the programme, to
the worker's own signature and Fedris' approval."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from botp import demo, nationalnumber
from botp.models import Case, CaseState, Programme
from intake.models import ScreeningRequest, SignatureLink
from tests.e2e.journeys import log_in

WORKER = "mila.signs@example.org"


def publish_a_version(browser, live_server, shoot):
    prevention = Programme.objects.get(code="prevention-2024")
    running = Case.objects.filter(programme=prevention, programme_version__number=1).first()
    assert running is not None and running.rules.max_total_sessions == 22
    page = log_in(browser, live_server, "admin")
    page.goto(f"{live_server.url}/backoffice/botp/programme/{prevention.pk}/change/")
    assert "Nothing changed since the latest version." in page.content()
    page.get_by_label("Maximum diagnosis and treatment sessions").fill("20")
    page.get_by_role("button", name="Save and continue editing").click()
    pending = page.locator("#pending-changes")
    assert "1 change not published yet" in pending.inner_text()
    assert "Maximum diagnosis and treatment sessions: 22 → 20" in pending.inner_text()
    shoot(page, "version-1-pending-change")

    pending.get_by_role("link", name="Publish a new version").click()
    changes = page.locator("#version-changes")
    assert "Maximum diagnosis and treatment sessions" in changes.inner_text()
    assert "travel costs" in page.locator("#programme-notes").inner_text()
    page.get_by_label("What changes and why").fill("Twenty sessions in all, as agreed.")
    shoot(page, "version-2-publish-form")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messagelist")).to_contain_text("Version 3 of")
    history = page.locator("#versions-group").inner_text()
    assert "Twenty sessions in all, as agreed." in history
    assert "Maximum diagnosis and treatment sessions: 22 → 20" in history
    shoot(page, "version-3-history")

    # The case opened under version 1 keeps its 22; a request sent now runs under version 3.
    running = Case.objects.get(pk=running.pk)
    assert running.rules.max_total_sessions == 22
    page.goto(f"{live_server.url}/cases/{running.reference}/")
    assert "Version 1, in force from" in page.content()
    page.context.close()


def file_a_2024_request(browser, live_server, shoot, *, version=3):
    born = datetime.date(1990, 6, 2)
    page = log_in(browser, live_server, "referrer")
    page.goto(f"{live_server.url}/intake/requests/new/")
    page.get_by_label("First name").fill("Mila")
    page.get_by_label("Last name").fill("Signs")
    page.get_by_label("National register number (NISS)").fill(nationalnumber.build(born, 52))
    page.get_by_label("Date of birth").fill(born.isoformat())
    page.get_by_label("Female").check()
    page.get_by_label("Preferred language").select_option("en")
    page.get_by_label("E-mail address").fill(WORKER)
    page.get_by_label("Employer *").fill("Bakery Journey")
    page.get_by_label("Enterprise number").fill("0403.170.701")
    page.get_by_label("Private-sector employer").check()
    page.get_by_label("activity code").fill("10.71")
    page.get_by_role("button", name="Propose the sector and programme").click()
    page.wait_for_url(re.compile(r".*/intake/requests/\d+/edit/$"))
    assert "programme “Burnout Prevention Programme (Fedris, since 2024)”" in page.locator(
        ".messages").inner_text()
    assert page.locator("select[name=programme] option:checked").inner_text() == (
        "Burnout Prevention Programme (Fedris, since 2024)")
    page.get_by_label("Job title").fill("Baker")
    page.get_by_label("On sick leave", exact=True).check()
    since = timezone.localdate() - datetime.timedelta(days=100)
    page.get_by_label("On sick leave since").fill(since.isoformat())
    # Longer than 2 months, but not for burnout and with adapted work agreed.
    page.locator("input[name=incapacity_not_burnout][value=True]").check()
    page.locator("input[name=adapted_work_agreed][value=True]").check()
    page.get_by_label("Fatigue").check()
    page.get_by_label("The worker agrees").check()
    shoot(page, "signature-1-request")
    mail.outbox.clear()
    page.get_by_role("button", name="Send to Fedris").click()
    page.wait_for_url(re.compile(r".*/intake/requests/\d+/$"))
    page.context.close()
    screening = ScreeningRequest.objects.get(last_name="Signs")
    assert screening.case.programme_version.number == version
    return screening


def the_worker_signs(browser, live_server, shoot):
    [message] = [m for m in mail.outbox if WORKER in m.to]
    link = re.search(r"https?://\S+/intake/sign/\S+/", message.body).group(0)
    context = browser.new_context(locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + link[link.index("/intake/"):])
    page.get_by_role("button", name="Confirm and sign").click()
    assert "Tick the box to confirm and sign the request." in page.locator(
        "#error-summary").inner_text()
    page.get_by_label("I confirm that the information in this request").check()
    shoot(page, "signature-2-worker-signs")
    page.get_by_role("button", name="Confirm and sign").click()
    expect(page.locator("h1")).to_contain_text("Request signed")
    context.close()


def fedris_approves(browser, live_server, shoot, screening):
    page = log_in(browser, live_server, "admin")
    page.goto(f"{live_server.url}/intake/review/{screening.pk}/")
    checks = page.locator(".checks").inner_text()
    assert "Signed by the worker on" in checks
    assert "but accepted" in checks
    assert "version 3" in page.locator(".rule-source").inner_text()
    shoot(page, "signature-3-review")
    page.get_by_label("Approve: eligible for the programme").check()
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"{live_server.url}/intake/review/")
    screening.case.refresh_from_db()
    assert screening.case.state == CaseState.AWAITING_BTP_CHOICE
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_fedris_publishes_a_version_and_a_2024_request_is_signed_by_the_worker(
        live_server, browser, shoot):
    demo.seed(cohort=False)
    publish_a_version(browser, live_server, shoot)
    screening = file_a_2024_request(browser, live_server, shoot)
    the_worker_signs(browser, live_server, shoot)
    fedris_approves(browser, live_server, shoot, screening)


@pytest.mark.django_db(transaction=True)
def test_an_expired_signing_link_is_replaced_by_the_referrer(live_server, browser, shoot):
    demo.seed(cohort=False)
    screening = file_a_2024_request(browser, live_server, shoot, version=2)
    [message] = [m for m in mail.outbox if WORKER in m.to]
    old = re.search(r"https?://\S+/intake/sign/\S+/", message.body).group(0)
    SignatureLink.objects.filter(request=screening).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1))
    context = browser.new_context(locale="en-GB")
    worker = context.new_page()
    worker.goto(live_server.url + old[old.index("/intake/"):])
    assert "This link has expired" in worker.locator("main").inner_text()
    shoot(worker, "signature-expired")
    context.close()

    page = log_in(browser, live_server, "referrer")
    page.goto(f"{live_server.url}/intake/requests/{screening.pk}/")
    mail.outbox.clear()
    page.get_by_role("button", name="Send the worker a new link").click()
    page.wait_for_url(f"{live_server.url}/intake/requests/{screening.pk}/")
    assert "the earlier one no longer works" in page.locator(".messages").inner_text()
    shoot(page, "signature-sent-again")
    page.context.close()

    the_worker_signs(browser, live_server, shoot)
    page = log_in(browser, live_server, "referrer")
    page.goto(f"{live_server.url}/intake/requests/{screening.pk}/")
    assert page.get_by_role("button", name="Send the worker a new link").count() == 0
    assert "confirmation text" in page.locator("main").inner_text()
    page.context.close()
