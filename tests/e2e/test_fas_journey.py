"""Logging in with itsme or the eID in a browser: the portal's login page, the Federal
Authentication Service's page (here oidc-provider-mock on the loopback, with FAS' claims) and
back, for the demo's participant; and a person the portal does not know."""

from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from botp import demo
from botp.models import AuditEntry, Case, Participant
from tests import fas_servers
from tests.e2e.test_accessibility import violations
from tests.factories import valid_niss


@pytest.fixture
def fas(settings):
    with fas_servers.mock_provider() as base:
        settings.SOCIALACCOUNT_PROVIDERS = fas_servers.settings_for(base)
        yield base


def through_fas(browser, live_server, sub, shoot=None):
    context = browser.new_context(locale="en-GB", viewport={"width": 1200, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    if shoot is not None:
        shoot(page, "fas-login-page")
        assert violations(Axe(), page) == []
    page.get_by_role("button", name="Log in with itsme or eID").click()
    # FAS' own page: the person proves who they are there (the mock asks for a subject).
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    return page


@pytest.mark.django_db(transaction=True)
def test_the_demo_participant_logs_in_with_itsme_and_sees_their_case(live_server, browser,
                                                                     shoot, fas):
    demo.seed(cohort=False)
    participant = Participant.objects.get(user__email="participant@demo.botp.be")
    fas_servers.set_person(fas, "itsme-participant", fas_servers.fas_claims(
        participant.niss, given=participant.first_name, surname=participant.last_name,
        language="en"))

    page = through_fas(browser, live_server, "itsme-participant", shoot)

    page.wait_for_url(f"{live_server.url}/dashboard/")
    case = Case.objects.filter(participant=participant).first()
    expect(page.get_by_role("heading", level=1)).to_contain_text("My case")
    expect(page.locator("main")).to_contain_text(case.reference)
    shoot(page, "fas-participant-home")
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_an_unknown_person_is_told_how_to_get_access(live_server, browser, shoot, fas):
    demo.seed(cohort=False)
    fas_servers.set_person(fas, "itsme-stranger", fas_servers.fas_claims(valid_niss()))

    page = through_fas(browser, live_server, "itsme-stranger")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "No account opens with this identity")
    expect(page.locator("main")).to_contain_text("No account has been made.")
    shoot(page, "fas-unknown")
    assert violations(Axe(), page) == []
    page.get_by_role("link", name="Log in with e-mail and password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_a_refused_or_cancelled_fas_login_says_why_and_the_next_try_gets_in(
        live_server, browser, shoot, fas):
    """The demo participant logs in at too low a security level (refused, and told why), then
    cancels at FAS (told so), then logs in with itsme as it should be and reaches their case.
    Each refusal is in the account trail."""
    demo.seed(cohort=False)
    participant = Participant.objects.get(user__email="participant@demo.botp.be")
    claims = fas_servers.fas_claims(participant.niss, language="en")

    fas_servers.set_person(fas, "itsme-low", {**claims, "acr": fas_servers.LEVEL_100})
    page = through_fas(browser, live_server, "itsme-low")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Logging in with itsme or eID did not succeed")
    expect(page.locator("main")).to_contain_text("security level that is too low")
    shoot(page, "fas-refused-assurance")
    assert violations(Axe(), page) == []
    page.get_by_role("link", name="Back to the login page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")

    # At FAS the person changes their mind: FAS sends them back with the error OpenID Connect
    # names for it (the mock's own "Deny" drops the state, which FAS keeps).
    page.get_by_role("button", name="Log in with itsme or eID").click()
    page.locator("input[name=sub]").wait_for()
    asked = parse_qs(urlsplit(page.url).query)
    page.goto(f"{asked['redirect_uri'][0]}?error=access_denied&state={asked['state'][0]}")
    expect(page.locator("main")).to_contain_text("You cancelled the login.")
    page.context.close()

    fas_servers.set_person(fas, "itsme-participant", claims)
    page = through_fas(browser, live_server, "itsme-participant")
    page.wait_for_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("My case")
    page.context.close()

    trail = list(AuditEntry.objects.filter(what__startswith="login through FAS")
                 .order_by("pk").values_list("what", flat=True))
    assert trail == ["login through FAS refused: assurance",
                     "login through FAS refused: cancelled",
                     "login through FAS (Level450)"]
