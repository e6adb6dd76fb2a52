"""Access gaps found in review, each kept closed by a test."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from botp import workflow
from botp.logging import StripRequestData, redact
from botp.models import CaseState, Invitation, Role, User
from tests.scenarios import confirm, in_diagnosis, lines_for

# --- The back office ---------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.FEDRIS_PSYCHOLOGIST, Role.FEDRIS_ADMIN, Role.RESEARCHER])
def test_an_administrator_cannot_create_an_account_that_reaches_clinical_data(client,
                                                                              demo_admin, role):
    response = client.post("/backoffice/botp/invitation/add/", {
        "email": "new.person@example.org", "role": role, "first_name": "New",
        "last_name": "Person", "language": "nl"})
    assert response.status_code == 200  # the form again, with an error
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.filter(email="new.person@example.org").exists()
    assert not User.objects.filter(email="new.person@example.org").exists()


@pytest.mark.django_db
def test_an_administrator_invites_a_referrer(client, demo_admin):
    response = client.post("/backoffice/botp/invitation/add/", {
        "email": "new.gp@example.org", "role": Role.REFERRER, "first_name": "Jan",
        "last_name": "Huisarts", "language": "nl"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new.gp@example.org")
    assert (invitation.role, invitation.invited_by) == (Role.REFERRER, demo_admin)
    # The account exists once the referrer has chosen their own password.
    assert not User.objects.filter(email="new.gp@example.org").exists()


@pytest.mark.django_db
def test_an_administrator_cannot_take_over_an_account(client, demo_admin):
    psychologist = User.objects.get(email="psychologist@demo.botp.be")
    assert client.get(f"/backoffice/botp/user/{psychologist.pk}/password/").status_code == 403
    page = client.get(f"/backoffice/botp/user/{psychologist.pk}/change/").content.decode()
    assert 'name="email"' not in page  # shown, not editable
    client.post(f"/backoffice/botp/user/{psychologist.pk}/change/", {
        "email": "attacker@example.org", "first_name": "P", "last_name": "C",
        "language": "nl", "is_active": "on"})
    psychologist.refresh_from_db()
    assert psychologist.email == "psychologist@demo.botp.be"


# --- What pages and e-mails reveal ------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("state", [CaseState.IN_DIAGNOSIS, CaseState.DIAGNOSIS_REVIEW,
                                   CaseState.NOT_CONFIRMED, CaseState.IN_TREATMENT])
def test_a_referrer_learns_nothing_of_the_state_by_posting_a_session(client, world, state):
    case = world.case(state, btp=world.btp)
    client.force_login(world.referrer)
    response = client.post(reverse("diagnosis:record_session", args=[case.reference]), {})
    assert response.status_code == 403
    page = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert 'class="message' not in page  # no message was queued for the next page either


@pytest.mark.django_db
def test_the_referrer_does_not_see_the_btp(client, world):
    case = world.case(CaseState.IN_TREATMENT, btp=world.btp)
    client.force_login(world.referrer)
    assert str(world.btp) not in client.get(reverse("case_detail",
                                                    args=[case.reference])).content.decode()
    client.force_login(world.participant)
    assert str(world.btp) in client.get(reverse("case_detail",
                                                args=[case.reference])).content.decode()


@pytest.mark.django_db
def test_a_withdrawal_reason_is_not_for_the_administrator(client, world):
    case = world.case(CaseState.IN_TREATMENT, btp=world.btp)
    workflow.perform(case, "withdraw", world.participant,
                     payload={"reason": "Hospitalised for depression"})
    client.force_login(world.admin)
    page = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "Hospitalised" not in page
    client.force_login(world.psychologist)
    page = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "Hospitalised" in page


@pytest.mark.django_db
def test_a_reason_is_kept_only_where_the_transition_asks_for_one(client, world):
    case = world.case(CaseState.BTP_PROPOSED, btp=world.btp)
    client.force_login(world.btp.user)
    client.post(reverse("case_transition", args=[case.reference, "accept_case"]),
                {"version": case.version, "reason": "Knows the employer's director"})
    event = case.events.get(action="accept_case")
    assert event.payload == {}


@pytest.mark.django_db
def test_participant_e_mails_name_neither_burnout_nor_the_programme(
        world, django_capture_on_commit_callbacks):
    from evaluation.loading import load_instruments

    load_instruments()
    case = world.case(CaseState.REQUESTED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(case, "approve", world.admin)
        workflow.perform(case, "choose_btp", world.participant,
                         payload={"btp": world.btp.pk})
        workflow.perform(case, "decline_case", world.btp.user, payload={"reason": "Full"})
    to_participant = [m for m in mail.outbox if world.participant.email in m.to]
    assert len(to_participant) == 2  # the pre-test, and news that they may choose again
    for message in to_participant:
        text = (message.subject + message.body).lower()
        assert "burn" not in text and world.programme.name.lower() not in text, message.subject


@pytest.mark.django_db
def test_amendment_reasons_are_for_clinical_readers_only(client, world):
    from treatment import services

    case = confirm(world, in_diagnosis(world))
    services.amend_plan(case, world.btp.user, lines=lines_for(case, world.isp, work_related=4),
                        reason="Panic attacks worsened")
    for user, shown in [(world.admin, False), (world.participant, False),
                        (world.btp.user, True), (world.psychologist, True)]:
        client.force_login(user)
        page = client.get(reverse("treatment:overview", args=[case.reference])).content.decode()
        assert ("Panic attacks" in page) == shown, user


# --- Personal links stay out of logs ----------------------------------------------------------

def test_personal_links_are_redacted_from_log_records():
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1,
                               "Not Found: %s", ("/evaluation/survey/Secret-Token_123/",), None)
    StripRequestData().filter(record)
    assert "Secret-Token" not in record.getMessage()
    assert redact("/intake/activate/abc/") == "/intake/activate/[link]/"
    assert redact("/cases/BOTP-2026-000001/") == "/cases/BOTP-2026-000001/"


def test_the_gunicorn_access_log_is_redacted():
    from types import SimpleNamespace

    from gunicorn.config import Config

    from botp.gunicorn import RedactingLogger

    logger = RedactingLogger(Config())
    request = SimpleNamespace(headers=[], uri="/evaluation/survey/Secret/?page=2", query="page=2",
                              method="GET", path="/evaluation/survey/Secret/",
                              version=(1, 1))
    response = SimpleNamespace(status="200 OK", headers=[], sent=10, response_length=10)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/evaluation/survey/Secret/?page=2",
               "SERVER_PROTOCOL": "HTTP/1.1", "QUERY_STRING": "page=2",
               "PATH_INFO": "/evaluation/survey/Secret/"}
    atoms = logger.atoms(response, request, environ, timedelta(seconds=0.1))
    assert "Secret" not in atoms["r"] and "Secret" not in atoms["U"]


@pytest.mark.django_db
def test_an_administrator_cannot_make_api_tokens(client, demo_admin):
    # A token acts as its user: making one for a psychologist would be a way into their data.
    assert client.get("/backoffice/botp/apitoken/add/").status_code == 403
    assert client.get("/backoffice/botp/apitoken/").status_code == 403
