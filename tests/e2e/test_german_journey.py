"""The programme in German, in a browser, from the screening request to treatment: a referrer
who reads the portal in German (the switcher's cookie) files a request for a German-speaking
worker, the administrator approves it, the worker activates their account from a German
e-mail and reads their case in their account's language, chooses the German-speaking BTP of
the directory (Eupen), who accepts, diagnoses and requests a treatment; the psychologist
confirms and the BTP, also the ISP of the plan, records the first treatment session.

Labels are looked up in the German catalogue (``de``), so the journey finds nothing on a page
that is not in German, and it checks a few German words written out as well."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.text import capfirst
from playwright.sync_api import expect

from botp import demo, nationalnumber
from botp.models import Case, CaseState, Provider, Sector
from intake.consent import consent_text
from intake.models import ScreeningRequest

WORKER = "lea.hansen@example.org"
WORKER_PASSWORD = "ein-langer-satz-aus-eupen-2026"


def de(text):
    """``text`` in German; a form field's label may come from its model field's lower-case
    name, capitalised."""
    with translation.override("de"):
        german = translation.gettext(text)
        if german == text:
            lower = text[0].lower() + text[1:]
            german = capfirst(translation.gettext(lower))
    return german


def log_in(browser, live_server, login, password=demo.DEMO_PASSWORD, *, cookie=True):
    """Sign in through the German login page; ``cookie``: German chosen with the switcher
    (else the account's own language applies once signed in)."""
    context = browser.new_context(locale="de-BE", viewport={"width": 1200, "height": 900})
    if cookie:
        context.add_cookies([{"name": "django_language", "value": "de",
                              "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(login if "@" in login else f"{login}@demo.botp.be")
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name=de("Sign In")).click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert page.locator("html").get_attribute("lang") == "de-BE"
    return page


@pytest.mark.django_db(transaction=True)
def test_a_german_journey_from_request_to_treatment(live_server, browser, shoot):
    demo.seed(cohort=False)
    kessler = Provider.objects.get(user__email="provider10@demo.botp.be")
    born = datetime.date(1979, 3, 14)

    # The referrer files the request in German, for a worker who speaks German.
    page = log_in(browser, live_server, "referrer")
    page.get_by_role("link", name=de("Screening requests")).first.click()
    page.get_by_role("link", name=de("New screening request")).click()
    expect(page.locator("h1")).to_contain_text("Screening-Antrag")
    page.get_by_label(de("First name")).fill("Lea")
    page.get_by_label(de("Last name")).fill("Hansen")
    page.get_by_label(de("National register number (NISS)")).fill(nationalnumber.build(born, 42))
    page.get_by_label(de("Date of birth")).fill(born.isoformat())
    page.get_by_label(de("Female")).check()
    page.get_by_label(de("Preferred language")).select_option("de")
    page.get_by_label(de("E-mail address")).fill(WORKER)
    page.get_by_label(de("Employer") + " *").fill("Klinik St. Josef")
    page.get_by_label(de("Enterprise number")).fill("0403.170.701")
    # The sector's name is programme data, in German once the programme has it.
    page.get_by_label(de("Sector") + " *").select_option(
        str(Sector.objects.get(code="hospital").pk))
    page.get_by_label(de("Job title")).fill("Pflegerin")
    page.get_by_label(de("At work"), exact=True).check()
    page.get_by_label(de("Fatigue")).check()
    with translation.override("de"):
        agrees = str(consent_text())[:40]
    page.get_by_label(agrees).check()
    shoot(page, "german-request-form")
    page.get_by_role("button", name=de("Send to Fedris")).click()
    page.wait_for_url(re.compile(r".*/intake/requests/\d+/$"))
    screening = ScreeningRequest.objects.get(last_name="Hansen")
    assert screening.language == "de" and screening.case.participant.language == "de"
    reference = screening.case.reference
    page.context.close()

    # The administrator approves it; the worker's e-mail is in German.
    page = log_in(browser, live_server, "admin")
    page.get_by_role("link", name=de("Review queue")).click()
    page.get_by_role("link", name=reference).click()
    shoot(page, "german-review")
    page.get_by_label(de("Approve: eligible for the programme")).check()
    mail.outbox.clear()
    page.get_by_role("button", name=de("Record the decision")).click()
    page.wait_for_url(f"{live_server.url}/intake/review/")
    assert Case.objects.get(reference=reference).state == CaseState.AWAITING_BTP_CHOICE
    page.context.close()

    [activation] = [m for m in mail.outbox if WORKER in m.to and "/intake/activate/" in m.body]
    assert "genehmigt" in activation.subject
    assert "Aktivieren Sie Ihr Konto" in activation.body
    link = re.search(r"https?://[^/]+(/intake/activate/[\w-]+/)", activation.body).group(1)

    # The worker activates their account: no cookie, the link speaks their request's language.
    context = browser.new_context(locale="de-BE")
    page = context.new_page()
    page.goto(f"{live_server.url}{link}")
    page.locator("input[name=password1]").fill(WORKER_PASSWORD)
    page.locator("input[name=password2]").fill(WORKER_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert page.locator("html").get_attribute("lang") == "de-BE"
    shoot(page, "german-participant-dashboard")

    # They choose the German-speaking BTP from the directory.
    page.goto(f"{live_server.url}/cases/{reference}/")
    page.locator(f"a[href='/diagnosis/cases/{reference}/choose-btp/']").click()
    page.locator(".filters select[name=language]").select_option("de")
    page.locator(".filters button[type=submit]").click()
    expect(page.locator(".directory")).to_contain_text("Jonas Kessler")
    expect(page.locator(".directory")).not_to_contain_text("Sofie Janssens")
    shoot(page, "german-directory")
    page.locator(f"button[name=btp][value='{kessler.pk}']").click()
    expect(page.locator("h1")).to_contain_text("Jonas Kessler")
    page.locator("button[type=submit]", has_text=de("Yes, ask them")).click()
    page.wait_for_url(f"{live_server.url}/cases/{reference}/")
    assert Case.objects.get(reference=reference).state == CaseState.BTP_PROPOSED
    page.context.close()

    # The BTP (whose account is in German) accepts, diagnoses and asks for a treatment.
    page = log_in(browser, live_server, "provider10", cookie=False)
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name=de("Accept the case")).click()
    expect(page.locator(".messages")).to_contain_text(de("In diagnosis"))
    page.get_by_role("link", name=de("Diagnosis"), exact=True).click()
    for _ in range(2):
        page.get_by_label(de("Duration (minutes)")).fill("60")
        page.get_by_role("button", name=de("Record the session")).click()
        expect(page.locator(".messages")).to_contain_text(de("Session recorded."))
    page.get_by_role("link", name=de("Write the report and treatment request")).click()
    scores = {"BAT total": "3.4", "BAT exhaustion": "4.1", "BAT mental distance": "3.2",
              "BAT cognitive impairment": "3", "BAT emotional impairment": "2.8",
              "DASS-21 depression": "12", "DASS-21 anxiety": "8", "DASS-21 stress": "24"}
    for label, value in scores.items():
        page.get_by_label(de(label) + " *").fill(value)
    page.get_by_label(de("Anamnesis") + " *").fill("Pflegerin; Müdigkeit seit März.")
    page.get_by_label(de("Work-related factors") + " *").fill("Personalmangel, Nachtdienste.")
    page.get_by_label(de("Yes"), exact=True).check()
    page.get_by_label(de("Burnout stage")).select_option("early")
    page.get_by_label(de("Major depression")).check()
    page.get_by_label(de("Conclusion") + " *").fill("Beginnendes berufliches Burnout.")
    # Session types are named by the programme's data: found by their field.
    page.locator("input[name=planned_work_related]").fill("3")
    page.locator("input[name='planned_individual-cognitive_emotional']").fill("5")
    page.locator("select[name='isp_individual-cognitive_emotional']").select_option(
        label=f"Jonas Kessler — {de('Clinical psychologist')}, Eupen")
    shoot(page, "german-report-form")
    page.get_by_role("button", name=de("Send to Fedris")).click()
    expect(page.locator(".messages")).to_contain_text("Fedris")
    assert Case.objects.get(reference=reference).state == CaseState.DIAGNOSIS_REVIEW
    page.context.close()

    # The psychologist confirms.
    page = log_in(browser, live_server, "psychologist")
    page.get_by_role("link", name=de("Diagnosis reviews")).click()
    page.get_by_role("link", name=reference).click()
    expect(page.locator("body")).to_contain_text("Personalmangel")
    page.get_by_label(
        de("Confirm the early-stage occupational burnout: treatment can start")).check()
    page.get_by_role("button", name=de("Record the decision")).click()
    expect(page.locator(".messages")).to_contain_text(de("In treatment"))
    assert Case.objects.get(reference=reference).state == CaseState.IN_TREATMENT
    page.context.close()

    # Treatment: the first individual session, recorded by the BTP as the plan's ISP.
    page = log_in(browser, live_server, "provider10", cookie=False)
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name=de("Treatment: plan and sessions")).click()
    page.locator("select[name=kind]").select_option("individual:cognitive_emotional")
    page.get_by_label(de("Date")).fill(timezone.localdate().isoformat())
    page.get_by_role("button", name=de("Record the session")).click()
    expect(page.locator(".messages")).to_contain_text(de("Session recorded."))
    shoot(page, "german-treatment")
    case = Case.objects.get(reference=reference)
    assert case.sessions.filter(session_type__code="individual").count() == 1
    page.context.close()

    # The participant reads their programme in German (their account's language).
    page = log_in(browser, live_server, WORKER, WORKER_PASSWORD, cookie=False)
    page.goto(f"{live_server.url}/cases/{reference}/")
    page.get_by_role("link", name=de("My programme")).click()
    expect(page.locator("main")).to_contain_text("Jonas Kessler")
    expect(page.locator("main")).to_contain_text(de("Sessions"))
    shoot(page, "german-my-programme")
    page.context.close()
