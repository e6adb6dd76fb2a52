"""Taking a transition from the case page: allowed, refused, stale, and notified."""

import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from botp import outbox, workflow
from botp.models import CaseState, OutboxMessage


def post_action(client, case, action, **data):
    data.setdefault("version", case.version)
    return client.post(reverse("case_transition", args=[case.reference, action]), data)


@pytest.mark.django_db
def test_the_btp_accepts_a_case_from_its_page(client, world):
    case = world.case(CaseState.BTP_PROPOSED, btp=world.btp)
    client.force_login(world.btp.user)
    page = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "Accept the case" in page
    response = post_action(client, case, "accept_case")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.IN_DIAGNOSIS


@pytest.mark.django_db
def test_an_action_in_the_wrong_state_is_409_and_changes_nothing(client, world):
    case = world.case(CaseState.IN_DIAGNOSIS, btp=world.btp)
    client.force_login(world.btp.user)
    response = post_action(client, case, "accept_case")
    assert response.status_code == 409
    assert "not possible" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.IN_DIAGNOSIS and not case.events.exists()


@pytest.mark.django_db
def test_an_action_of_another_role_is_403(client, world):
    case = world.case(CaseState.BTP_PROPOSED, btp=world.btp)
    client.force_login(world.participant)
    response = post_action(client, case, "accept_case")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == CaseState.BTP_PROPOSED


@pytest.mark.django_db
def test_an_action_on_a_case_out_of_reach_is_404(client, world):
    case = world.case(CaseState.BTP_PROPOSED, btp=world.btp)
    client.force_login(world.other_btp.user)
    assert post_action(client, case, "accept_case").status_code == 404


@pytest.mark.django_db
def test_withdrawal_without_reason_is_refused_with_a_message(client, world):
    case = world.case(CaseState.IN_TREATMENT, btp=world.btp)
    client.force_login(world.participant)
    response = post_action(client, case, "withdraw", reason="")
    assert response.status_code == 409
    assert "reason is required" in response.content.decode()
    response = post_action(client, case, "withdraw", reason="Moving abroad")
    case.refresh_from_db()
    assert case.state == CaseState.WITHDRAWN


@pytest.mark.django_db
def test_a_form_posted_against_an_old_version_is_told_of_the_conflict(client, world):
    case = world.case(CaseState.IN_TREATMENT, btp=world.btp)
    client.force_login(world.admin)
    response = post_action(client, case, "withdraw", reason="x", version=case.version - 1 or 99)
    assert response.status_code == 409
    assert "Someone else changed this case" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{"version": "abc"}, {"version": ""},
                                  {"version": 1, "reason": "x" * 2001}])
def test_bad_form_input_is_400_never_500(client, world, data):
    case = world.case(CaseState.IN_TREATMENT, btp=world.btp)
    client.force_login(world.admin)
    response = client.post(reverse("case_transition", args=[case.reference, "withdraw"]), data)
    assert response.status_code == 400


@pytest.mark.django_db
def test_an_unknown_or_stage_only_action_is_refused(client, world):
    case = world.case(CaseState.REQUESTED)
    client.force_login(world.admin)
    assert post_action(client, case, "approve").status_code == 409  # the intake form does this
    assert post_action(client, case, "fly").status_code == 409
    case.refresh_from_db()
    assert case.state == CaseState.REQUESTED


@pytest.mark.django_db
def test_the_next_actor_is_told_in_their_language_after_commit(
    world, django_capture_on_commit_callbacks
):
    world.btp.user.language = "fr"
    world.btp.user.save()
    case = world.case(CaseState.AWAITING_BTP_CHOICE)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.perform(case, "choose_btp", world.participant, payload={"btp": world.btp.pk})
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [[world.btp.user.email]]
    message = mail.outbox[0]
    assert case.reference in message.subject
    assert "secret professionnel" in message.body


@pytest.mark.django_db
def test_a_refused_transition_sends_nothing(world, django_capture_on_commit_callbacks):
    case = world.case(CaseState.REQUESTED)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(workflow.TransitionError):
            workflow.perform(case, "accept_case", world.admin)
    assert callbacks == [] and mail.outbox == []


@pytest.mark.django_db
def test_an_smtp_failure_is_retried(world):
    case = world.case(CaseState.BTP_PROPOSED, btp=world.btp)
    workflow.perform(case, "accept_case", world.btp.user)
    [message] = OutboxMessage.objects.filter(kind="case_event")
    real_send = outbox.Mailer.send
    calls = []

    def flaky(mailer, email):
        calls.append(email.to)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real_send(mailer, email)

    with mock.patch.object(outbox.Mailer, "send", flaky):
        outbox.deliver([message.pk])
        message.refresh_from_db()
        assert (message.status, message.problem) == ("retrying", "mail_server")
        assert "connection lost" in message.last_error
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        outbox.deliver([message.pk])
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2
    assert len(calls) == 2
    assert [m.to for m in mail.outbox] == [[world.participant.email]]


@pytest.mark.django_db
def test_participants_are_mailed_no_stage(world, django_capture_on_commit_callbacks):
    case = world.case(CaseState.DIAGNOSIS_REVIEW, btp=world.btp)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(case, "not_confirm_diagnosis", world.psychologist,
                         payload={"reason": "x"})
    to_participant = next(m for m in mail.outbox if world.participant.email in m.to)
    assert "not confirmed" not in (to_participant.subject + to_participant.body).lower()
    assert case.reference in to_participant.subject
    # Nor to the BTP: an e-mail travels outside the portal (the decision is on the case page).
    to_btp = next(m for m in mail.outbox if world.btp.user.email in m.to)
    assert "not confirmed" not in (to_btp.subject + to_btp.body).lower()
    assert case.reference in to_btp.subject
