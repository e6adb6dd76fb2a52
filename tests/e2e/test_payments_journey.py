"""Paying the programme in a browser: btp@ confirms their monthly statement, the administrator
disputes a line, the BTP answers, the administrator approves it and a participant's travel
claim, makes the payment run and downloads its SEPA file, which validates against the pain.001
schema."""

import os
import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from botp import demo
from botp.models import (
    ClaimStatus,
    PaymentRun,
    Statement,
    StatementStatus,
    TravelClaim,
)
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.journeys import log_in
from tests.payments.test_payment_runs import validate


def mails_to(address, link):
    return [m for m in mail.outbox if m.to == [address] and link in m.body]


@pytest.mark.django_db(transaction=True)
def test_a_statement_from_confirmation_to_the_sepa_file(live_server, browser, shoot):
    demo.seed(cohort=False)
    statement = Statement.objects.get(provider__user__email="btp@demo.botp.be")
    assert statement.status == StatementStatus.TO_CONFIRM
    line = statement.lines.order_by("service_date", "pk").first()

    # The BTP finds the statement among their to-dos, checks it and confirms.
    page = log_in(browser, live_server, "btp")
    page.get_by_role("link", name="Check and confirm your monthly statement").click()
    page.get_by_role("link", name=statement.reference).click()
    expect(page.locator(".demo-tariffs")).to_contain_text("Demonstration values")
    shoot(page, "payments-1-statement-to-confirm")
    page.get_by_role("button", name="Confirm the statement").click()
    expect(page.locator(".messages")).to_contain_text("Statement confirmed")
    page.context.close()

    # The administrator disputes a line: without a reason first, which is refused. Building
    # the month's statements again (a worker's job) adds nothing to it.
    page = log_in(browser, live_server, "admin")
    page.get_by_role("link", name="Payments", exact=True).click()
    lines = statement.lines.count()
    page.get_by_role("textbox", name="Month").fill(f"{statement.month:%Y-%m}")
    page.get_by_role("button", name="Build the statements").click()
    expect(page.locator(".messages")).to_contain_text("are being built")
    assert statement.lines.count() == lines
    page.get_by_role("link", name=statement.reference).click()
    row = page.locator(f"#line-{line.pk}")
    row.locator("summary", has_text="Dispute this line").click()
    row.get_by_role("button", name="Dispute the line").click()
    expect(page.locator(".error-summary")).to_be_visible()
    row = page.locator(f"#line-{line.pk}")
    row.get_by_label("Why do you dispute this line?").fill(
        "The case's plan names no session of this type on that day.")
    asked = len(mails_to("btp@demo.botp.be", f"/payments/statements/{statement.pk}/"))
    row.get_by_role("button", name="Dispute the line").click()
    expect(page.locator(".messages")).to_contain_text("Line disputed")
    page.context.close()
    # The BTP is told by e-mail (which says nothing of the line or the reason).
    told = mails_to("btp@demo.botp.be", f"/payments/statements/{statement.pk}/")
    assert len(told) == asked + 1 and "plan names no session" not in told[-1].body

    # The BTP answers from their to-do.
    page = log_in(browser, live_server, "btp")
    page.get_by_role("link", name="Answer Fedris' question on your statement").click()
    page.get_by_role("link", name=statement.reference).click()
    page.locator(f"#line-{line.pk}").get_by_label("Your answer to Fedris").fill(
        "It was the diagnosis session the psychologist asked for; see the case's sessions.")
    shoot(page, "payments-2-answer")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".messages")).to_contain_text("Answer sent")
    page.context.close()

    # The administrator approves the statement and the participant's travel claim, then pays.
    page = log_in(browser, live_server, "admin")
    page.goto(f"{live_server.url}/payments/statements/{statement.pk}/")
    expect(page.locator(f"#line-{line.pk}")).to_contain_text("see the case's sessions")
    page.get_by_role("button", name="Approve the statement").click()
    expect(page.locator(".messages")).to_contain_text("Statement approved")
    statement.refresh_from_db()
    assert statement.status == StatementStatus.APPROVED and statement.total > 0
    # The participant's claim is refused (a refusal without its reason is not taken).
    page.get_by_role("link", name="Travel costs").click()
    refused = TravelClaim.objects.get(participant__user__email="participant@demo.botp.be")
    page.get_by_role("link", name=refused.reference).click()
    page.get_by_label("Refuse, with the reason").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".error-summary")).to_be_visible()
    page.get_by_label("Reason of the refusal").fill(
        "36 km is more than the trip from Mechelen: declare the distance there and back.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("Decision recorded")
    assert TravelClaim.objects.get(pk=refused.pk).status == ClaimStatus.REFUSED
    page.context.close()

    # The participant is told by e-mail, follows its link, reads why, and declares the same
    # trip again, by train this time.
    [told] = mails_to("participant@demo.botp.be", "/payments/travel/")
    assert "declare the distance" not in told.body
    link = re.search(r"https?://\S+(/payments/travel/)", told.body).group(1)
    page = log_in(browser, live_server, "participant")
    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("row", name=re.compile(refused.reference))).to_contain_text(
        "declare the distance there and back")
    page.get_by_label("Date of the trip").fill(refused.trip_date.isoformat())
    page.get_by_label("From where").fill("Mechelen")
    page.get_by_role("radio", name="By public transport").check()
    page.get_by_label("Amount of the ticket(s)").fill("12.40")
    page.get_by_role("button", name="Declare the trip").click()
    expect(page.locator(".messages")).to_contain_text("Trip declared")
    claim = TravelClaim.objects.exclude(pk=refused.pk).get(
        participant__user__email="participant@demo.botp.be")
    page.context.close()

    page = log_in(browser, live_server, "admin")
    page.goto(f"{live_server.url}/payments/travel/{claim.pk}/")
    page.get_by_label("Approve: paid with the next payment run").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("Decision recorded")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.amount == Decimal("12.40")
    page.get_by_role("link", name="Payment runs").click()
    page.get_by_role("button", name="Make the payment run").click()  # no date: refused
    expect(page.locator(".error-summary")).to_be_visible()
    page.get_by_label("Execution date").fill(page.evaluate(
        "new Date().toISOString().slice(0, 10)"))
    page.get_by_role("button", name="Make the payment run").click()
    page.wait_for_url(re.compile(r".*/payments/runs/\d+/$"))
    shoot(page, "payments-3-payment-run")
    run = PaymentRun.objects.get()
    assert run.transfers == 2 and run.total == statement.total + claim.amount
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the SEPA file (pain.001)").click()
    data = open(download.value.path(), "rb").read()
    assert data == bytes(run.sepa_xml)
    document = validate(data)
    assert document["CstmrCdtTrfInitn"]["GrpHdr"]["NbOfTxs"] == "2"
    page.context.close()

    # The BTP's statement is paid, its PDF in their reader's language.
    page = log_in(browser, live_server, "btp")
    page.goto(f"{live_server.url}/payments/statements/{statement.pk}/")
    expect(page.locator(".statement-status")).to_contain_text("Paid")
    response = page.request.get(f"{live_server.url}/payments/statements/{statement.pk}/pdf/")
    assert response.headers["content-type"] == "application/pdf"
    if SCREENSHOTS:
        with open(os.path.join(SCREENSHOTS, "payments-statement.pdf"), "wb") as out:
            out.write(response.body())
    page.context.close()
