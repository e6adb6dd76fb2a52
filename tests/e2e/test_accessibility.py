"""Every role's main pages, the public pages and the survey pass axe-core's accessibility rules
(WCAG 2.1 A and AA and axe's best practices) in Debian's Chromium, with no violation at all."""

import re

import pytest
from django.core import mail

from botp import demo, invitations
from botp.models import Case, CaseState, Role, Statement, TravelClaim
from evaluation.campaigns import services as campaign_services
from evaluation.campaigns.models import Campaign, CampaignRecipient
from evaluation.monitor import services as monitor
from evaluation.monitor.models import MonitorResponse
from tests.e2e.journeys import log_in


def pages_by_role(users):
    def case_of(**filters):
        return Case.objects.filter(**filters).order_by("pk").first().reference

    treated = case_of(participant__user=users["participant"])
    diagnosed = case_of(participant__user=users["participant2"])
    review = case_of(state=CaseState.DIAGNOSIS_REVIEW)
    waiting = Case.objects.filter(state=CaseState.REQUESTED, screening_request__isnull=False,
                                  screening_request__submitted_at__isnull=False).first()
    choosing = case_of(state=CaseState.AWAITING_BTP_CHOICE)
    statement = Statement.objects.filter(provider__user=users["btp"]).first().pk
    claim = TravelClaim.objects.first().pk
    return {
        "referrer": ["/dashboard/", "/intake/requests/", "/intake/requests/new/",
                     f"/intake/requests/{waiting.screening_request.pk}/", f"/cases/{treated}/"],
        "admin": ["/dashboard/", f"/dashboard/?q={treated}&state=in_treatment&clock=near",
                  "/intake/review/",
                  f"/intake/review/{waiting.screening_request.pk}/", f"/cases/{treated}/",
                  f"/diagnosis/cases/{choosing}/choose-btp/", "/evaluation/campaigns/",
                  *(f"/evaluation/campaigns/{pk}/"
                    for pk in Campaign.objects.values_list("pk", flat=True)),
                  "/payments/statements/", f"/payments/statements/{statement}/",
                  "/payments/travel/", f"/payments/travel/{claim}/", "/payments/runs/"],
        "psychologist": ["/dashboard/", "/diagnosis/review/", f"/diagnosis/review/{review}/",
                         f"/diagnosis/cases/{review}/report/v1/",
                         f"/cases/{treated}/", f"/cases/{treated}/audit/",
                         f"/evaluation/cases/{treated}/", "/evaluation/outcomes/",
                         "/audit/accounts/"],
        "btp": ["/dashboard/", f"/cases/{treated}/", f"/treatment/cases/{treated}/",
                f"/treatment/cases/{treated}/plan/", f"/diagnosis/cases/{review}/",
                f"/treatment/cases/{treated}/meeting/",
                f"/treatment/cases/{treated}/transmissions/",
                f"/treatment/cases/{treated}/final-report/", "/payments/statements/",
                f"/payments/statements/{statement}/", "/payments/bank-account/"],
        "btp2": [f"/diagnosis/cases/{diagnosed}/", f"/diagnosis/cases/{diagnosed}/report/"],
        "isp": ["/dashboard/", f"/treatment/cases/{treated}/",
                f"/diagnosis/cases/{treated}/assignment/"],
        "participant": ["/dashboard/", f"/treatment/cases/{treated}/mine/",
                        f"/cases/{treated}/leave/", "/payments/travel/"],
        "participant2": ["/dashboard/"],
        "researcher": ["/evaluation/outcomes/", "/evaluation/monitor/aggregates/"],
        "wellbeing": ["/dashboard/", "/evaluation/monitor/aggregates/"],
    }


def violations(axe, page):
    found = axe.run(page).response["violations"]
    return [(rule["id"], rule["impact"], [node["target"] for node in rule["nodes"]])
            for rule in found]


@pytest.mark.django_db(transaction=True)
def test_the_portal_passes_axe(live_server, browser):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    mail.outbox.clear()
    users = demo.seed()
    problems = {}

    def audit(page, label):
        found = violations(axe, page)
        if found:
            problems[label] = found

    def visit(page, path, status=200):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == status, (path, response.status)
        audit(page, path)

    for local, paths in pages_by_role(users).items():
        page = log_in(browser, live_server, local)
        for path in paths:
            visit(page, path)
        page.context.close()

    # Without an account: the login and password pages, a wrong survey link, and a survey from
    # its e-mailed link: its start, its first page, and that page refused for missing answers.
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    visit(page, "/accounts/login/")
    visit(page, "/accounts/password/reset/")
    visit(page, "/evaluation/survey/not-a-real-link/", status=404)
    invitation = invitations.invite(users["admin"], email="new.gp@example.org",
                                    role=Role.REFERRER, first_name="Jan", last_name="Peeters",
                                    language="nl")
    visit(page, f"/accounts/invitation/{invitations.token_for(invitation.nonce)}/")
    visit(page, "/accounts/invitation/not-a-real-link/", status=404)
    links = {re.search(r"https?://[^/\s]+(/evaluation/survey/[\w-]+/)", message.body).group(1)
             for message in mail.outbox if "/evaluation/survey/" in message.body}
    survey = next(link for link in sorted(links)
                  if page.goto(f"{live_server.url}{link}").status == 200
                  and page.locator(".survey a.button").count())
    visit(page, survey)
    page.locator(".survey a.button").click()
    page.wait_for_load_state()
    audit(page, "survey, first page")
    page.locator("button[value=next]").click()
    page.wait_for_load_state()
    audit(page, "survey, refused")
    context.close()

    # The re-integration monitor without an account: its start, a private link with a
    # measurement open and one with the feedback; and a stakeholder campaign's link.
    context = browser.new_context(locale="fr-BE")
    page = context.new_page()
    visit(page, "/evaluation/monitor/")
    _person, token = monitor.start(organisation="finance", language="fr")
    visit(page, f"/evaluation/monitor/{token}/")
    visit(page, f"/evaluation/monitor/{token}/answer/")
    page.locator("button[value=next]").click()
    page.wait_for_load_state()
    audit(page, "monitor, refused")
    sent = MonitorResponse.objects.filter(completed_at__isnull=False).select_related("person")
    sent = sent.first()
    visit(page, f"/evaluation/monitor/{monitor.token_for(sent.person)}/")
    visit(page, f"/evaluation/monitor/{monitor.token_for(sent.person)}/{sent.measurement}/")
    recipient = CampaignRecipient.objects.filter(responded=False,
                                                 campaign__closed_at__isnull=True).first()
    visit(page, f"/evaluation/campaign/{campaign_services.token_for(recipient)}/")
    context.close()

    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())
