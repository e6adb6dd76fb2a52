"""The loops between people, in a browser: after each step, the home page of whoever acts next
shows the case, says what to do and links to where to do it. Steps the other journeys already
drive through the pages (filing, choosing, the report) are taken here through the services.
Every role's home is shot at 1280 and 390 px wide and checked by axe at both, and at 390 and
358 px nothing is wider than the screen (lists read as cards)."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from botp import demo, nationalnumber
from botp.models import Case, CaseState, Programme, Provider, Sector, User
from diagnosis import services as diagnosis
from intake import services as intake
from intake.models import ScreeningRequest
from tests.e2e.journeys import log_in
from tests.scenarios import complete_values, lines_for

WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
PASSWORD = "een-lange-wachtzin-2026"


def accessible(page, name):
    from axe_playwright_python.sync_playwright import Axe

    found = [(rule["id"], [node["target"] for node in rule["nodes"]])
             for rule in Axe().run(page).response["violations"]]
    assert not found, (name, found)


def homes(page, name, shoot):
    """Shoot ``page`` (a home) wide and narrow, and have axe check it at both widths; narrow,
    nothing may scroll sideways."""
    page.set_viewport_size(WIDE)
    shoot(page, f"home-{name}-1280")
    accessible(page, f"{name} at 1280 px")
    page.set_viewport_size(NARROW)
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], (name, width)
    shoot(page, f"home-{name}-390")
    accessible(page, f"{name} at 390 px")
    page.set_viewport_size({"width": 358, "height": 800})  # a small phone
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 358, name
    page.set_viewport_size(WIDE)
    page.reload()


def todo(page, reference, what):
    """The worklist's to-do ``what`` for the case ``reference``."""
    return page.locator(".worklist .todo").filter(has_text=reference).filter(has_text=what)


def file_request(referrer):
    born = datetime.date(1986, 4, 2)
    client = Client()
    client.force_login(referrer)
    response = client.post(reverse("intake:new"), {
        "first_name": "Wout", "last_name": "Worklist", "niss": nationalnumber.build(born, 41),
        "birth_date": born.isoformat(), "sex": "M", "email": "wout.worklist@example.org",
        "language": "en", "employer_name": "Bank Worklist", "enterprise_number": "0403.170.701",
        "sector_choice": str(Sector.objects.get(code="hospital").pk), "job_title": "Clerk",
        "work_status": "at_work", "signals": ["fatigue"], "consent": "on", "action": "submit",
        "programme": Programme.objects.get(is_default=True).pk,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    return ScreeningRequest.objects.get(last_name="Worklist")


@pytest.mark.django_db(transaction=True)
def test_each_home_shows_the_case_that_needs_its_person(live_server, browser, shoot):
    users = demo.seed(cohort=False)
    screening = file_request(users["referrer"])
    reference = screening.case.reference

    # The administrator's home: the new request, to decide on its review page.
    page = log_in(browser, live_server, "admin", viewport=WIDE)
    request = todo(page, reference, "Decide on the screening request")
    expect(request).to_have_count(1)
    expect(request).to_contain_text("Wout Worklist")
    homes(page, "admin", shoot)
    todo(page, reference, "Decide on the screening request").get_by_role("link").click()
    page.wait_for_url(f"{live_server.url}/intake/review/{screening.pk}/")
    page.get_by_label("Approve: eligible for the programme").check()
    mail.outbox.clear()
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"{live_server.url}/intake/review/")
    page.goto(f"{live_server.url}/dashboard/")
    expect(todo(page, reference, "Decide on the screening request")).to_have_count(0)
    page.context.close()

    # The worker activates their account (the activation journey is stage 1's).
    activation = next(m for m in mail.outbox if "wout.worklist@example.org" in m.to
                      and "/intake/activate/" in m.body)
    token = re.search(r"/intake/activate/([\w-]+)/", activation.body).group(1)
    intake.activate(token, password=PASSWORD)

    # The participant's home: the main button is choosing their BTP, and it leads there.
    page = log_in(browser, live_server, "wout.worklist@example.org", viewport=WIDE,
                  password=PASSWORD)
    main = page.locator(".next-step .main-action a")
    expect(main).to_have_text("Choose your BTP")
    expect(page.locator(".stages [aria-current=step]")).to_contain_text("Diagnosis")
    expect(page.locator(".facts")).to_contain_text("days left")
    homes(page, "participant-choosing", shoot)
    main.click()
    page.wait_for_url(f"{live_server.url}/diagnosis/cases/{reference}/choose-btp/")
    page.context.close()
    case = Case.objects.get(reference=reference)
    participant = User.objects.get(email="wout.worklist@example.org")
    btp = Provider.objects.get(user__email="btp@demo.botp.be")
    diagnosis.choose_btp(case, participant, btp=btp.pk)

    # The BTP's home: accept the case, from the to-do to the case page's button.
    page = log_in(browser, live_server, "btp", viewport=WIDE)
    accept = todo(page, reference, "Accept or decline the case")
    expect(accept).to_contain_text("Wout Worklist")
    homes(page, "btp", shoot)
    todo(page, reference, "Accept or decline the case").get_by_role("link").click()
    page.wait_for_url(f"{live_server.url}/cases/{reference}/")
    page.get_by_role("button", name="Accept the case").click()
    expect(page.locator(".messages")).to_contain_text("In diagnosis")
    page.goto(f"{live_server.url}/dashboard/")
    expect(todo(page, reference, "Record the diagnosis sessions and send the report")) \
        .to_have_count(1)
    page.context.close()

    # The diagnosis and its report (stage 2's journey drives these pages).
    case.refresh_from_db()
    for _ in range(2):  # both today: the case was approved today
        diagnosis.record_session(case, btp.user, phase="diagnosis", status="held",
                                 duration_minutes=60, date=timezone.localdate())
    isp = Provider.objects.get(user__email="isp@demo.botp.be")
    diagnosis.save_report(case, btp.user, values=complete_values(),
                          lines=lines_for(case, isp, work_related=3, starter_kit=3,
                                          follow_up=2), submit=True)

    # The psychologist's home: the review, to the review page.
    page = log_in(browser, live_server, "psychologist", viewport=WIDE)
    review = todo(page, reference, "Review the diagnosis report and treatment request")
    expect(review).to_have_count(1)
    homes(page, "psychologist", shoot)
    review.get_by_role("link").click()
    page.wait_for_url(f"{live_server.url}/diagnosis/review/{reference}/")
    page.context.close()
    psychologist = User.objects.get(email="psychologist@demo.botp.be")
    diagnosis.decide(case, psychologist, decision=diagnosis.Decision.CONFIRM)

    # The ISP's home: the sessions they give in the new treatment.
    page = log_in(browser, live_server, "isp", viewport=WIDE)
    expect(todo(page, reference, "Record the sessions you give")).to_have_count(1)
    homes(page, "isp", shoot)
    page.context.close()

    # The referrer's home: their drafts and the outcomes of their requests, never a name.
    page = log_in(browser, live_server, "referrer", viewport=WIDE)
    expect(page.locator(".worklist .todo").filter(has_text=reference)).to_contain_text(
        "In programme")
    assert "Wout Worklist" not in page.content()
    homes(page, "referrer", shoot)
    page.context.close()

    # The participant, in treatment, leaves: a page that asks why and to confirm.
    page = log_in(browser, live_server, "wout.worklist@example.org", viewport=WIDE,
                  password=PASSWORD)
    # The pre-test, still open, comes before the way to the sessions.
    expect(page.locator(".next-step .main-action a")).to_have_text("Answer your questionnaire")
    expect(page.locator(".next-step .more-actions")).to_contain_text(
        "See your sessions and care providers")
    expect(page.locator(".stages [aria-current=step]")).to_contain_text("Treatment")
    homes(page, "participant-in-treatment", shoot)
    page.get_by_role("link", name="Leave the programme").click()
    page.wait_for_url(f"{live_server.url}/cases/{reference}/leave/")
    page.get_by_label("Why do you leave the programme?").fill("I found work elsewhere.")
    page.get_by_role("button", name="Yes, leave the programme").click()
    expect(page.locator(".error-summary")).to_contain_text("Tick the box")
    assert Case.objects.get(reference=reference).state == CaseState.IN_TREATMENT
    shoot(page, "leave-refused")
    accessible(page, "leave page, refused")
    page.get_by_label("I understand that my participation ends").check()
    page.get_by_role("button", name="Yes, leave the programme").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    expect(page.locator(".messages")).to_contain_text("You left the programme")
    assert Case.objects.get(reference=reference).state == CaseState.WITHDRAWN
    expect(page.get_by_role("link", name="Leave the programme")).to_have_count(0)
    page.context.close()

    # The researcher's home has no cases at all.
    page = log_in(browser, live_server, "researcher", viewport=WIDE)
    homes(page, "researcher", shoot)
    page.context.close()
