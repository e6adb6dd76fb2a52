"""Stakeholder evaluation campaigns: Fedris builds and sends one, recipients answer through
their link, Fedris follows the response and reads the answers in aggregate only."""

import datetime
import re

import pytest
from django.contrib import admin
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from botp.models import CaseState, Role
from evaluation.campaigns import services
from evaluation.campaigns.models import (
    Campaign,
    CampaignAnswer,
    CampaignRecipient,
    CampaignResponse,
)
from tests.factories import ProviderFactory, UserFactory

CHOICES = ["procedure_clear", "fedris_communication", "admin_burden", "sessions_enough",
           "collaboration", "recommend"]


def _send(client, world, **extra):
    client.force_login(world.admin)
    response = client.post(reverse("evaluation:campaigns"), {
        "title": "Process evaluation 2026", "questionnaire": "network_process",
        "audiences": ["btp"], "programme": world.programme.pk,
        "external": "advisor@example.org\nunion@example.org", "external_language": "fr",
        "closes_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(), **extra})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Campaign.objects.get()


def _link(message):
    return re.search(r"https?://\S+/evaluation/campaign/(\S+)/", message.body).group(1)


def _answer(client, token, value="4", **texts):
    client.logout()
    return client.post(reverse("evaluation:campaign_answer", args=[token]),
                       {**{item: value for item in CHOICES}, **texts})


def test_a_campaign_reaches_the_chosen_providers_and_external_addresses(client, world,
                                                                         deliver):
    campaign = _send(client, world)
    btps = {world.btp.user.email, world.other_btp.user.email}
    assert set(campaign.recipients.filter(user__isnull=False)
               .values_list("user__email", flat=True)) == btps
    assert campaign.recipients.filter(user__isnull=True).count() == 2
    # External addresses are kept encrypted.
    assert all(b"@example.org" not in bytes(r.email_encrypted)
               for r in campaign.recipients.filter(user__isnull=True))
    mail.outbox.clear()
    deliver()
    assert {m.to[0] for m in mail.outbox} == btps | {"advisor@example.org", "union@example.org"}


def test_answers_are_pseudonymous_and_the_link_is_single_use(client, world, deliver):
    _send(client, world)
    mail.outbox.clear()
    deliver()
    message = next(m for m in mail.outbox if m.to == [world.btp.user.email])
    token = _link(message)
    assert client.get(reverse("evaluation:campaign_answer", args=[token])).status_code == 200
    bad = _answer(client, token, value="9")
    assert bad.status_code == 400 and not CampaignResponse.objects.exists()
    done = _answer(client, token, works_well="The starter kit")
    assert done.status_code == 200
    assert CampaignRecipient.objects.get(user=world.btp.user).responded
    response = CampaignResponse.objects.get()
    assert response.audience == "btp"
    # Nothing in the response leads back to who gave it.
    assert {f.name for f in CampaignResponse._meta.get_fields()} == {
        "id", "campaign", "audience", "sent_on", "answers"}
    assert _answer(client, token).status_code == 410


def test_reminders_go_only_to_those_who_have_not_answered(client, world, deliver):
    campaign = _send(client, world)
    deliver()
    recipient = campaign.recipients.get(user=world.btp.user)
    services.answer(recipient, {item: "3" for item in CHOICES})
    mail.outbox.clear()
    assert services.remind(campaign) == 3
    deliver()
    assert world.btp.user.email not in {m.to[0] for m in mail.outbox}
    # Each in its recipient's language: the title alone is the first invitation's subject.
    assert len(mail.outbox) == 3
    assert all(m.subject != campaign.title and campaign.title in m.subject
               for m in mail.outbox)


def _many_answers(campaign, count, start=0):
    for index in range(count):
        user = ProviderFactory().user
        recipient = services._new_recipient(campaign, "btp", user=user, language="en")
        services.answer(recipient, {**{item: str(1 + (start + index) % 5) for item in CHOICES},
                                    "to_improve": f"Suggestion {start + index}"})


def test_results_are_aggregates_of_at_least_the_minimum_once_closed(client, world, settings):
    settings.BOTP_MIN_GROUP_SIZE = 4
    campaign = _send(client, world)
    _many_answers(campaign, 3)
    url = reverse("evaluation:campaign", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "3 of 7 answered" in page
    assert "Suggestion" not in page and "shown once the campaign has closed" in page
    services.close(campaign)
    page = client.get(url).content.decode()
    assert "Withheld" in page and "Suggestion" not in page
    Campaign.objects.filter(pk=campaign.pk).update(closed_at=None)
    _many_answers(campaign, 2, start=3)
    services.close(campaign)
    page = client.get(url).content.decode()
    assert "Withheld" not in page
    assert all(f"Suggestion {n}" in page for n in range(5))
    assert "5 answers, mean 3.00" in page
    # Free text without names: no recipient is named on the page.
    for recipient in campaign.recipients.filter(user__isnull=False):
        assert recipient.user.email not in page and recipient.user.last_name not in page


@pytest.mark.parametrize("role", ["psychologist", "referrer", "btp", "isp", "participant",
                                  "researcher"])
def test_only_administrators_run_campaigns(client, world, role):
    campaign = Campaign.objects.create(
        title="x", questionnaire=services.questionnaires.load("network_process"),
        closes_on=timezone.localdate(), created_by=world.admin)
    client.force_login(world.user(role))
    for url in (reverse("evaluation:campaigns"),
                reverse("evaluation:campaign", args=[campaign.pk])):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ["admin", "psychologist", "referrer", "btp", "isp",
                                  "participant", "researcher"])
def test_no_staff_role_reads_an_individual_answer(client, world, role):
    """A BTP's answer never shows beside their case work, nor to anyone one by one."""
    campaign = Campaign.objects.create(
        title="x", questionnaire=services.questionnaires.load("network_process"),
        closes_on=timezone.localdate() + datetime.timedelta(days=3), created_by=world.admin)
    recipient = services._new_recipient(campaign, "btp", user=world.btp.user, language="en")
    services.answer(recipient, {**{item: "2" for item in CHOICES},
                                "works_well": "Answer-of-the-BTP-1234"})
    case = world.case(CaseState.IN_DIAGNOSIS, btp=world.btp)
    registered = {model.__name__ for model in admin.site._registry}
    assert not registered & {"CampaignResponse", "CampaignAnswer", "CampaignRecipient"}
    client.force_login(world.user(role))
    urls = [reverse("dashboard"), reverse("case_detail", args=[case.reference]),
            reverse("evaluation:campaigns"), reverse("evaluation:campaign", args=[campaign.pk]),
            f"/backoffice/evaluation/campaignanswer/{CampaignAnswer.objects.first().pk}/change/"]
    for url in urls:
        assert b"Answer-of-the-BTP-1234" not in client.get(url).content, url
    services.close(campaign)
    # Closed, but one answer is below any minimum: still not shown.
    assert b"Answer-of-the-BTP-1234" not in client.get(urls[3]).content


def test_a_campaign_needs_recipients_and_valid_addresses(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("evaluation:campaigns"), {
        "title": "x", "questionnaire": "network_process", "external": "not an address",
        "external_language": "nl", "closes_on": timezone.localdate().isoformat()})
    assert response.status_code == 400
    assert "is not an e-mail address" in response.content.decode()
    response = client.post(reverse("evaluation:campaigns"), {
        "title": "x", "questionnaire": "network_process", "external_language": "nl",
        "closes_on": timezone.localdate().isoformat()})
    assert response.status_code == 400 and "Choose recipients" in response.content.decode()
    assert not Campaign.objects.exists()


def test_referrers_and_isps_by_programme(world):
    world.case(CaseState.REQUESTED)  # world.referrer referred to world.programme
    campaign = services.send(by=world.admin, title="t", questionnaire="network_process",
                             audiences=["referrer", "isp"], programme=world.programme,
                             external=[], external_language="nl",
                             closes_on=timezone.localdate())
    users = set(campaign.recipients.values_list("user", flat=True))
    assert world.referrer.pk in users and world.other_referrer.pk not in users
    assert {world.isp.user.pk, world.other_isp.user.pk} <= users
    assert world.btp.user.pk not in users
    assert UserFactory(role=Role.REFERRER).pk not in users


def test_prevention_advisors_are_a_group_of_their_own(world):
    from botp.models import ReferrerKind
    from tests.factories import ReferrerFactory

    advisor = ReferrerFactory(kind=ReferrerKind.PREVENTION_ADVISOR).user
    campaign = services.send(by=world.admin, title="t", questionnaire="network_process",
                             audiences=["referrer", "prevention_advisor"], programme=None,
                             external=[], external_language="nl",
                             closes_on=timezone.localdate())
    assert campaign.recipients.get(user=advisor).audience == "prevention_advisor"
    assert campaign.recipients.get(user=world.referrer).audience == "referrer"
    only = services.send(by=world.admin, title="t", questionnaire="network_process",
                         audiences=["prevention_advisor"], programme=None, external=[],
                         external_language="nl", closes_on=timezone.localdate())
    assert list(only.recipients.values_list("user", flat=True)) == [advisor.pk]
