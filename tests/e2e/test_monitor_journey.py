"""The re-integration monitor and the stakeholder evaluation in a browser.

A civil servant starts the monitor without an account, reads their feedback, keeps the PDF,
answers the 3-month follow-up from the invitation's link and sees the change. An administrator
sends a campaign to the BTPs, they answer through their links, the administrator reminds those who
have not answered and one answers the reminder, and the administrator reads the response rate
and, once closed, the aggregate answers."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from botp import demo
from evaluation.monitor import services
from evaluation.monitor.models import Measurement, MonitorResponse
from tests.e2e.journeys import log_in


def _anonymous(browser, live_server):
    context = browser.new_context(locale="en-GB", viewport={"width": 1200, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    return context, context.new_page()


def _answer_all(page, value):
    while True:
        for question in page.locator("li.question").all():
            question.locator(f"input[type=radio][value='{value}']").check()
        if page.locator("button[value=submit]").count():
            page.locator("button[value=submit]").click()
            return
        page.locator("button[value=next]").click()


@pytest.mark.django_db(transaction=True)
def test_monitor_start_feedback_pdf_and_three_month_comparison(live_server, browser, shoot):
    demo.seed(cohort=False)
    context, page = _anonymous(browser, live_server)
    page.goto(f"{live_server.url}/evaluation/monitor/")
    expect(page.locator("h1")).to_contain_text("Re-integration monitor")
    page.get_by_label("Your organisation").select_option(label="FPS Finance")
    page.get_by_label("E-mail address for the follow-ups (optional)").fill("ann@example.org")
    page.get_by_role("button", name="Start").click()
    expect(page.locator(".notice")).to_contain_text("Keep this private link")
    private = page.url.split("?")[0]
    page.get_by_role("link", name="Start").click()
    _answer_all(page, "2")
    expect(page.locator("h1")).to_contain_text("Your result: First measurement")
    expect(page.locator(".overall")).to_contain_text("Your return to work is difficult.")
    expect(page.locator("#attention-title")).to_be_visible()
    expect(page.locator(".factor.attention").first).to_contain_text("You can turn to")
    shoot(page, "monitor-feedback")

    # The PDF, rendered by the outbox once the measurement was sent.
    pdf_url = page.get_by_role("link", name="Download this feedback (PDF)").get_attribute(
        "href")
    pdf = page.request.get(f"{live_server.url}{pdf_url}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    context.close()

    # Three months later the invitation arrives; its link opens the follow-up.
    MonitorResponse.objects.filter(measurement=Measurement.BASELINE).update(
        completed_at=timezone.now() - datetime.timedelta(days=92))
    mail.outbox.clear()
    services.invite_follow_ups()
    message = next(m for m in mail.outbox if m.to == ["ann@example.org"])
    link = re.search(r"https?://[^/\s]+(/evaluation/monitor/[\w-]+/)", message.body).group(1)
    assert private.endswith(link)
    context, page = _anonymous(browser, live_server)
    page.goto(f"{live_server.url}{link}")
    expect(page.locator("#open-title")).to_contain_text("Follow-up after 3 months")
    page.get_by_role("link", name="Start").click()
    _answer_all(page, "4")
    expect(page.locator("h1")).to_contain_text("Follow-up after 3 months")
    page.get_by_role("link", name="Back to my monitor").click()
    table = page.locator("table.monitor-comparison")
    expect(table).to_contain_text("First measurement")
    expect(table).to_contain_text("Follow-up after 3 months")
    expect(table.locator("tr", has_text="Job autonomy")).to_contain_text("better")
    expect(table.locator("tr", has_text="Workload")).to_contain_text("worse")
    shoot(page, "monitor-comparison")

    # Deleting the address: no 6-month invitation.
    page.get_by_role("button", name="Delete my e-mail address").click()
    expect(page.locator(".notice")).to_contain_text("Your e-mail address is deleted")
    MonitorResponse.objects.filter(measurement=Measurement.BASELINE).update(
        completed_at=timezone.now() - datetime.timedelta(days=190))
    mail.outbox.clear()
    assert services.invite_follow_ups() == 0
    assert not mail.outbox
    context.close()


@pytest.mark.django_db(transaction=True)
def test_campaign_sent_to_providers_answered_and_aggregated(live_server, browser, shoot,
                                                            settings):
    settings.BOTP_MIN_GROUP_SIZE = 3
    demo.seed(cohort=False)
    page = log_in(browser, live_server, "admin")
    page.get_by_role("link", name="Stakeholder evaluation").click()
    page.get_by_label("Title").fill("Process evaluation with the BTPs")
    page.get_by_label("BTPs").check()
    mail.outbox.clear()
    page.get_by_role("button", name="Send the campaign").click()
    expect(page.locator("h1")).to_contain_text("Process evaluation with the BTPs")
    expect(page.locator(".rate")).to_contain_text("0 of")
    campaign_page = page.url

    links = [re.search(r"https?://[^/\s]+(/evaluation/campaign/[\w-]+/)", m.body).group(1)
             for m in mail.outbox if "/evaluation/campaign/" in m.body]
    assert len(links) >= 3
    for number, link in enumerate(links[:3]):
        context, answering = _anonymous(browser, live_server)
        answering.goto(f"{live_server.url}{link}")
        for question in answering.locator("fieldset").all():
            question.locator(f"input[type=radio][value='{2 + number}']").check()
        answering.get_by_label("What should be improved?").fill(f"Improvement {number}")
        answering.get_by_role("button", name="Send my answers").click()
        expect(answering.locator("h1")).to_contain_text("Thank you")
        context.close()

    page.goto(campaign_page)
    expect(page.locator(".rate")).to_contain_text(f"3 of {len(links)} answered")
    expect(page.locator("#answers-title + .withheld")).to_be_visible()

    # A reminder goes to those who have not answered, with their own link; one answers it.
    mail.outbox.clear()
    page.get_by_role("button", name="Send a reminder to those who have not answered").click()
    expect(page.get_by_text("1 reminder sent.")).to_be_visible()
    reminded = [re.search(r"https?://[^/\s]+(/evaluation/campaign/[\w-]+/)", m.body).group(1)
                for m in mail.outbox if "/evaluation/campaign/" in m.body]
    assert sorted(reminded) == sorted(links[3:])
    context, answering = _anonymous(browser, live_server)
    answering.goto(f"{live_server.url}{reminded[0]}")
    for question in answering.locator("fieldset").all():
        question.locator("input[type=radio][value='3']").check()
    answering.get_by_role("button", name="Send my answers").click()
    expect(answering.locator("h1")).to_contain_text("Thank you")
    context.close()
    page.reload()
    expect(page.locator(".rate")).to_contain_text(f"4 of {len(links)} answered")

    page.get_by_role("button", name="Close the campaign now").click()
    expect(page.get_by_text("Improvement 1")).to_be_visible()
    expect(page.locator("section.card", has_text="The programme's procedure is clear.")) \
        .to_contain_text("4 answers, mean 3.00")
    shoot(page, "campaign-results")
