"""Choosing a BTP in a browser, each branch to its end: the participant confirms a choice,
undoes it before the BTP answers and chooses another; that BTP declines with a reason; the
participant chooses a third, who accepts."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from botp import demo
from botp.models import Case, CaseState, Provider
from tests.e2e.journeys import PARTICIPANT_EMAIL, PARTICIPANT_PASSWORD, log_in, stage1


def no_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    assert not found, [(rule["id"], [node["target"] for node in rule["nodes"]])
                       for rule in found]


def choose(page, live_server, reference, provider, confirm="Ja", audit=False):
    page.goto(f"{live_server.url}/diagnosis/cases/{reference}/choose-btp/?postcode=2000")
    if audit:
        no_violations(page)
    page.goto(f"{live_server.url}/diagnosis/cases/{reference}/choose-btp/")
    # The list starts with the providers who speak the participant's language (Dutch).
    expect(page.locator(".filters select[name=language]")).to_have_value("nl")  # Noor's
    page.locator(".filters select[name=language]").select_option("")
    page.locator(".filters button[type=submit]").click()
    page.locator(f"button[name=btp][value='{provider.pk}']").click()
    expect(page.locator("h1")).to_contain_text(provider.user.get_full_name())
    if audit:
        no_violations(page)
    page.locator("button[type=submit]", has_text=confirm).click()
    page.wait_for_url(f"{live_server.url}/cases/{reference}/")


@pytest.mark.django_db(transaction=True)
def test_choose_undo_choose_again_declined_and_accepted(live_server, browser, shoot):
    demo.seed(cohort=False)
    reference, page = stage1(live_server, browser, shoot)
    first = Provider.objects.get(user__email="btp@demo.botp.be")
    second = Provider.objects.get(user__email="btp2@demo.botp.be")
    third = Provider.objects.btps().filter(programmes__code="botp").exclude(
        pk__in=[first.pk, second.pk]).first()

    # Chosen, then taken back before the BTP answered: the BTP is told.
    choose(page, live_server, reference, first, audit=True)
    mail.outbox.clear()
    page.get_by_role("button", name="Mijn keuze van BTP ongedaan maken").click()
    expect(page.locator(".messages")).to_be_visible()
    case = Case.objects.get(reference=reference)
    assert case.state == CaseState.AWAITING_BTP_CHOICE and case.btp is None
    assert any(first.user.email in message.to for message in mail.outbox)

    # Another choice; that BTP declines with a reason.
    choose(page, live_server, reference, second)
    page.context.close()
    page = log_in(browser, live_server, "btp2")
    page.goto(f"{live_server.url}/cases/{reference}/")
    page.locator("#reason-decline_case").fill("No room before March.")
    page.get_by_role("button", name="Decline the case").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_BTP_CHOICE
    page.context.close()

    # The participant chooses a third, who is not the one who declined; they accept.
    page = log_in(browser, live_server, PARTICIPANT_EMAIL, password=PARTICIPANT_PASSWORD)
    page.goto(f"{live_server.url}/diagnosis/cases/{reference}/choose-btp/")
    assert page.locator(f"button[name=btp][value='{second.pk}']").count() == 0
    choose(page, live_server, reference, third, confirm="Yes")
    page.context.close()
    page = log_in(browser, live_server, third.user.email, password=demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cases/{reference}/")
    page.get_by_role("button", name="Accept the case").click()
    expect(page.locator(".messages")).to_contain_text("In diagnosis")
    case.refresh_from_db()
    assert case.state == CaseState.IN_DIAGNOSIS and case.btp == third
    page.context.close()
