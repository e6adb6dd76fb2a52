"""The FA-BRM re-integration monitor: the instrument as data, the anonymous journey with its
feedback and PDF, the follow-ups and the address that stops them, and what staff can (not)
read."""

import datetime
import re

import pytest
from django.contrib import admin
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from botp import instruments
from botp.models import FederalOrganisation, OutboxMessage, Role, WellbeingOfficer
from evaluation.monitor import instrument, services
from evaluation.monitor.models import (
    Measurement,
    MonitorAnswer,
    MonitorContact,
    MonitorPerson,
    MonitorResponse,
)
from tests.factories import UserFactory

FACTORS = {"autonomy", "workload", "supervisor_support", "resilience",
           "perfectionistic_strivings", "perfectionistic_concerns", "po_fit", "da_fit",
           "task_conflict", "negative_behaviour", "adaptability", "meaningful_work",
           "emotional_load"}


def answers(definition, value_for=lambda item_id: 3):
    return {item["id"]: str(value_for(item["id"])) for item in definition["items"]}


def test_the_instrument_is_data_with_twelve_factors_and_every_language():
    definition, _digest = instrument.read()
    assert instrument.validate(definition) == []
    subscales = {s["id"] for s in definition["scoring"]["subscales"]}
    # The overall quality and the twelve factors of the brief (perfectionism split in two).
    assert subscales == FACTORS | {"quality"}
    assert {f["subscale"] for f in definition["feedback"]["factors"]} == FACTORS
    for item in definition["items"]:
        assert set(item["text"]) == {"nl", "fr", "de", "en"}
    # Marked as placeholders to replace by the RE-BOrn authors' items.
    assert "RE-BOrn" in definition["translation_note"]


def test_the_check_refuses_a_factor_without_direction_or_german():
    definition, _digest = instrument.read()
    broken = {**definition, "feedback": {**definition["feedback"], "factors": [
        {**definition["feedback"]["factors"][0], "direction": "sideways"},
        *definition["feedback"]["factors"][1:]]}}
    assert any("direction" in p for p in instrument.validate(broken))
    items = [dict(definition["items"][0], text={"nl": "a", "fr": "b", "en": "c"}),
             *definition["items"][1:]]
    assert any("no de text" in p for p in instrument.validate({**definition, "items": items}))


def test_each_factor_reads_in_its_direction():
    definition, _digest = instrument.read()
    high = instrument.scores(definition, answers(definition, lambda _i: 5))
    low = instrument.scores(definition, answers(definition, lambda _i: 1))
    # Autonomy and meaningful work go with better re-integration; workload, negative
    # behaviour and emotional load with worse; resilience and strivings help.
    for good in ("autonomy", "meaningful_work", "po_fit", "resilience",
                 "perfectionistic_strivings"):
        assert high[good][1] == "strength" and low[good][1] == "attention"
    for bad in ("workload", "negative_behaviour", "emotional_load"):
        assert high[bad][1] == "attention" and low[bad][1] == "strength"
    assert high["quality"] == (pytest.approx(5), "good")
    assert low["quality"][1] == "difficult"


def _answer_all(client, token, value="4"):
    url = reverse("evaluation:monitor_answer", args=[token])
    page = 1
    while True:
        response = client.get(f"{url}?page={page}")
        assert response.status_code == 200
        ids = sorted(set(re.findall(r'name="([a-z]+[0-9])"', response.content.decode())))
        last = 'value="submit"' in response.content.decode()
        response = client.post(f"{url}?page={page}", {
            **{item: value for item in ids}, "action": "submit" if last else "next"})
        assert response.status_code == 302, response.content.decode()[:2000]
        if last:
            return response
        page += 1


def _start(client, **data):
    response = client.post(reverse("evaluation:monitor_start"),
                           {"organisation": "finance", **data})
    assert response.status_code == 302
    return response.url.split("/monitor/")[1].split("/")[0]


@pytest.fixture
def settled(db, django_capture_on_commit_callbacks):
    """Run what a commit kicks (the outbox worker, eager in tests)."""
    return django_capture_on_commit_callbacks


def test_anonymous_start_feedback_and_pdf(client, db, deliver):
    assert client.get(reverse("evaluation:monitor_start")).status_code == 200
    token = _start(client)
    person = MonitorPerson.objects.get()
    assert person.organisation == "finance"
    home = client.get(reverse("evaluation:monitor_home", args=[token]))
    assert home.status_code == 200 and "Keep this private link" not in home.content.decode()
    done = _answer_all(client, token, value="2")
    assert done.url == reverse("evaluation:monitor_feedback", args=[token, "baseline"])
    page = client.get(done.url).content.decode()
    assert "Your return to work is difficult." in page
    assert "Points of attention" in page and "Empreva" in page
    deliver()
    pdf = client.get(reverse("evaluation:monitor_pdf", args=[token, "baseline"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_starts_from_one_address_are_held_back_after_the_limit(client, db, settings):
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "monitor_start": "3/10m/ip"}
    for _ in range(3):
        _start(client)
    response = client.post(reverse("evaluation:monitor_start"),
                           {"organisation": "finance", "email": "kept@example.org"})
    page = response.content.decode()
    assert response.status_code == 429
    assert "Many monitors were started from your network" in page
    assert 'value="kept@example.org"' in page  # what was typed is kept
    assert MonitorPerson.objects.count() == 3
    # Another address is not held back by this one.
    _start(Client(REMOTE_ADDR="192.0.2.44"))
    assert MonitorPerson.objects.count() == 4
    cache.clear()


def test_a_wrong_link_opens_nothing(client, db):
    assert client.get(reverse("evaluation:monitor_home", args=["not-a-token"])).status_code \
        == 404


def _backdate(person, days):
    MonitorResponse.objects.filter(person=person, measurement=Measurement.BASELINE).update(
        completed_at=timezone.now() - datetime.timedelta(days=days))


def test_the_three_month_measurement_shows_the_change(client, db):
    token = _start(client)
    _answer_all(client, token, value="2")
    person = MonitorPerson.objects.get()
    home = client.get(reverse("evaluation:monitor_home", args=[token])).content.decode()
    assert "Change since your first measurement" not in home
    # Not open before its day.
    assert client.get(reverse("evaluation:monitor_answer", args=[token])).status_code == 302
    _backdate(person, 92)
    done = _answer_all(client, token, value="4")
    assert done.url.endswith("/month3/")
    home = client.get(reverse("evaluation:monitor_home", args=[token])).content.decode()
    assert "Change since your first measurement" in home
    assert "better" in home and "worse" in home  # autonomy up; workload up too


def test_follow_up_invitations_go_to_the_address_left(db, deliver):
    person, token = services.start(organisation="justice", language="nl",
                                   email="someone@example.org")
    response = person.responses.get()
    definition = response.instrument.definition
    services.save_page(response, answers(definition), definition["items"])
    assert services.submit(response) == []
    assert services.invite_follow_ups() == 0  # not due yet
    _backdate(person, 92)
    assert services.invite_follow_ups() == 1
    assert services.invite_follow_ups() == 0  # once
    mail.outbox.clear()
    deliver()
    sent = [m for m in mail.outbox if m.to == ["someone@example.org"]]
    assert len(sent) == 1 and token in sent[0].body
    # The outbox row does not say who it went to.
    assert OutboxMessage.objects.get(kind="monitor_follow_up").recipient == ""
    # The address is kept encrypted.
    assert b"someone@example.org" not in bytes(MonitorContact.objects.get().email_encrypted)


def test_deleting_the_address_stops_the_follow_ups(client, db, deliver):
    token = _start(client, email="someone@example.org")
    _answer_all(client, token)
    person = MonitorPerson.objects.get()
    _backdate(person, 92)
    services.invite_follow_ups()
    waiting = OutboxMessage.objects.get(kind="monitor_follow_up")
    # Deleted before the worker got to it (status still queued: no eager kick outside commit).
    OutboxMessage.objects.filter(pk=waiting.pk).update(status=OutboxMessage.Status.QUEUED)
    response = client.post(reverse("evaluation:monitor_contact", args=[token]),
                           {"action": "delete"})
    assert response.status_code == 302
    assert not MonitorContact.objects.exists()
    waiting.refresh_from_db()
    assert waiting.status == OutboxMessage.Status.CANCELLED
    mail.outbox.clear()
    deliver()
    _backdate(person, 200)
    assert services.invite_follow_ups() == 0
    deliver()
    assert not [m for m in mail.outbox if "someone@example.org" in m.to]
    # The private link keeps working.
    assert client.get(reverse("evaluation:monitor_home", args=[token])).status_code == 200


def test_an_address_deleted_after_the_invitation_was_recorded_is_not_written_to(db, deliver):
    person, _token = services.start(organisation="justice", language="fr",
                                    email="someone@example.org")
    response = person.responses.get()
    definition = response.instrument.definition
    services.save_page(response, answers(definition), definition["items"])
    services.submit(response)
    _backdate(person, 92)
    services.invite_follow_ups()
    MonitorContact.objects.all().delete()  # e.g. deleted between the sweep's read and send
    mail.outbox.clear()
    deliver()
    assert not mail.outbox
    assert OutboxMessage.objects.get(kind="monitor_follow_up").status == \
        OutboxMessage.Status.CANCELLED


STAFF_ROLES = [Role.REFERRER, Role.FEDRIS_ADMIN, Role.FEDRIS_PSYCHOLOGIST, Role.PROVIDER,
               Role.PARTICIPANT, Role.RESEARCHER, Role.WELLBEING_OFFICER]


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_no_staff_role_reads_an_individual_response(client, db, role):
    person, token = services.start(organisation="finance", language="en")
    response = person.responses.get()
    definition = response.instrument.definition
    services.save_page(response, answers(definition), definition["items"])
    services.submit(response)
    user = UserFactory(role=role, is_staff=role == Role.FEDRIS_ADMIN,
                       is_superuser=role == Role.FEDRIS_ADMIN)
    client.force_login(user)
    # No screen of the back office holds the monitor's people, answers or addresses.
    registered = {model.__name__ for model in admin.site._registry}
    assert not registered & {"MonitorPerson", "MonitorResponse", "MonitorAnswer",
                             "MonitorScore", "MonitorContact"}
    for url in (f"/backoffice/evaluation/monitorresponse/{response.pk}/change/",
                "/backoffice/evaluation/monitoranswer/",
                reverse("evaluation:monitor_home", args=[str(person.pk)]),
                reverse("evaluation:monitor_feedback", args=[str(person.pk), "baseline"])):
        assert client.get(url).status_code in (302, 404), url
    # The aggregates page shows no group of one.
    page = client.get(reverse("evaluation:monitor_aggregates"))
    assert page.status_code in (200, 404)
    assert b"Strongly agree" not in page.content and b"1 person" not in page.content


def _measured(organisation, count, *, quarters_ago=1, value=2):
    """``count`` people of ``organisation`` with a measurement sent in an ended quarter."""
    when = timezone.now() - datetime.timedelta(days=95 * quarters_ago)
    for _n in range(count):
        person, _token = services.start(organisation=organisation, language="nl")
        response = person.responses.get()
        definition = response.instrument.definition
        services.save_page(response, answers(definition, lambda _i: value), definition["items"])
        services.submit(response)
        MonitorResponse.objects.filter(pk=response.pk).update(completed_at=when)


def test_aggregates_withhold_groups_below_the_minimum(client, db, settings):
    settings.BOTP_MIN_GROUP_SIZE = 3
    _measured("finance", 3)
    _measured("justice", 2)
    _measured("health", 1, quarters_ago=0)  # this quarter has not ended: not shown
    client.force_login(UserFactory(role=Role.RESEARCHER))
    page = client.get(reverse("evaluation:monitor_aggregates")).content.decode()
    finance = page.split("FPS Finance")[1].split("</section>")[0]
    assert "3 people" in finance and "Job autonomy" in finance
    justice = page.split("FPS Justice")[1].split("</section>")[0]
    assert "Withheld" in justice and "Job autonomy" not in justice
    assert "FPS Health" not in page
    # The whole administration's row would give Justice's two back: withheld too.
    whole = page.split("Whole federal administration")[1].split("By organisation")[0]
    assert "Withheld" in whole and "Job autonomy" not in whole


def test_a_wellbeing_officer_sees_their_own_organisation_only(client, db, settings):
    settings.BOTP_MIN_GROUP_SIZE = 2
    _measured("finance", 2)
    _measured("justice", 2)
    officer = UserFactory(role=Role.WELLBEING_OFFICER)
    WellbeingOfficer.objects.create(user=officer, organisation=FederalOrganisation.JUSTICE)
    client.force_login(officer)
    page = client.get(reverse("evaluation:monitor_aggregates")).content.decode()
    assert "FPS Justice" in page and "FPS Finance" not in page
    assert "Whole federal administration" not in page
    # ... and nothing else: no case list, no outcomes.
    assert client.get(reverse("evaluation:outcomes")).status_code == 404
    assert client.get(reverse("evaluation:export")).status_code == 404


@pytest.mark.parametrize("role", [r for r in STAFF_ROLES
                                  if r not in (Role.RESEARCHER, Role.WELLBEING_OFFICER)])
def test_other_roles_do_not_see_the_aggregates(client, db, role):
    client.force_login(UserFactory(role=role, is_staff=role == Role.FEDRIS_ADMIN))
    assert client.get(reverse("evaluation:monitor_aggregates")).status_code == 404


def test_answers_are_kept_apart_from_the_address(db):
    person, _token = services.start(organisation="finance", language="nl",
                                    email="someone@example.org")
    assert not [f for f in MonitorAnswer._meta.get_fields() if f.name == "email"]
    assert MonitorContact.objects.get(person=person).email == "someone@example.org"
    assert instruments.LANGUAGES  # the shared check still runs on the file


def test_a_superuser_invites_a_wellbeing_officer_and_names_their_organisation(db):
    from botp import invitations, policy

    superuser = UserFactory(role=Role.FEDRIS_ADMIN, is_staff=True, is_superuser=True)
    administrator = UserFactory(role=Role.FEDRIS_ADMIN, is_staff=True)
    assert policy.may_invite(superuser, Role.WELLBEING_OFFICER)
    assert not policy.may_invite(administrator, Role.WELLBEING_OFFICER)
    invitations.invite(superuser, email="officer@example.org", role=Role.WELLBEING_OFFICER,
                       first_name="Wim", last_name="Wouters", language="nl")
    officer = UserFactory(role=Role.WELLBEING_OFFICER)
    assert policy.monitor_organisations(officer) == []  # until an organisation is named
    WellbeingOfficer.objects.create(user=officer, organisation=FederalOrganisation.FINANCE)
    officer.refresh_from_db()
    assert policy.monitor_organisations(officer) == ["finance"]
    assert not policy.has_capability(officer, policy.Capability.SEE_CASES)
    assert not policy.visible_cases(officer).exists()
