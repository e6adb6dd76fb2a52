"""Survey waves: when each is due, one invitation per case and wave, sending, reminders, and the
daily reconciliation."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from botp import outbox, workflow
from botp.models import CaseState, OutboxMessage
from evaluation import invitations as sending
from evaluation import tasks, waves
from evaluation.models import SurveyInvitation
from tests.factories import put_case_in, set_rules
from tests.scenarios import backdate, invitations, link_in


@pytest.mark.django_db
def test_approval_sends_the_pre_test(world, approved):
    case = approved()
    invitation = SurveyInvitation.objects.get(case=case)
    assert (invitation.wave, invitation.language) == ("pre", case.participant.language)
    assert invitation.sent_at is not None
    assert invitation.due_on == timezone.localdate()
    assert invitation.last_day == timezone.localdate() + datetime.timedelta(days=29)
    message = next(m for m in mail.outbox if "/evaluation/survey/" in m.body)
    assert message.to == [case.participant.user.email]
    codes = [wi.instrument.code for wi in invitation.waveinstrument_set.order_by("position")]
    assert codes == ["employment", "absence", "bat", "obi", "dass21", "healthcare"]


@pytest.mark.django_db
def test_the_survey_asks_its_instruments_in_the_programmes_order(world, approved):
    set_rules(world.programme, survey_order=["dass21", "bat", "employment"])
    invitation = SurveyInvitation.objects.get(case=approved())
    codes = [wi.instrument.code for wi in invitation.waveinstrument_set.order_by("position")]
    # Those the order does not name come after, by code.
    assert codes == ["dass21", "bat", "employment", "absence", "healthcare", "obi"]


@pytest.mark.django_db
def test_the_invitation_is_in_the_participants_language(world, approved, deliver):
    from botp.models import Participant

    other = approved(mine=False)
    Participant.objects.filter(pk=other.participant_id).update(language="fr")
    SurveyInvitation.objects.filter(case=other).delete()
    mail.outbox.clear()
    other.refresh_from_db()
    created = waves.ensure_invitations(other)
    deliver()
    assert created[0].language == "fr"
    assert "Votre questionnaire" in mail.outbox[0].subject


@pytest.mark.django_db
def test_exactly_one_invitation_per_case_and_wave_however_often_planned(world, approved,
                                                                        deliver):
    case = approved()
    mail.outbox.clear()
    for _ in range(3):
        tasks.reconcile_waves()
        assert waves.ensure_invitations(case) == []
        deliver()
    assert SurveyInvitation.objects.filter(case=case).count() == 1
    assert not [m for m in mail.outbox if "/evaluation/survey/" in m.body]
    invitation = SurveyInvitation.objects.get(case=case)
    assert OutboxMessage.objects.filter(key=invitation.delivery_key).count() == 1


@pytest.mark.django_db
def test_completion_brings_post_test_1_now_and_post_test_2_three_months_later(world, approved,
                                                                              instruments):
    case = world.case(CaseState.IN_TREATMENT, btp=world.btp)
    backdate(case, approved_days=200, ended_days=0)
    put_case_in(case, CaseState.COMPLETED)
    waves.ensure_invitations(case)
    made = invitations(case)
    assert set(made) == {"post1", "post2"}  # the pre-test closed long ago: not made now
    today = timezone.localdate()
    assert made["post1"].due_on == today
    assert made["post2"].due_on == today + datetime.timedelta(days=91)
    assert made["post2"].last_day == today + datetime.timedelta(days=91 + 92 - 1)
    post1_codes = {wi.instrument.code for wi in made["post1"].waveinstrument_set.all()}
    assert "satisfaction" in post1_codes
    assert "satisfaction" not in {wi.instrument.code for wi in
                                  made["post2"].waveinstrument_set.all()}
    # Post-test 2 is not sent before its day, and is sent by the outbox's sweep when due.
    outbox.deliver_due()
    assert SurveyInvitation.objects.get(pk=made["post2"].pk).sent_at is None
    assert SurveyInvitation.objects.get(pk=made["post1"].pk).sent_at is not None
    OutboxMessage.objects.filter(key=made["post2"].delivery_key).update(
        next_attempt_at=timezone.now())
    mail.outbox.clear()
    outbox.deliver_due()
    assert SurveyInvitation.objects.get(pk=made["post2"].pk).sent_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("state, setting", [(CaseState.WITHDRAWN, "send_to_withdrawn"),
                                            (CaseState.CLOSED, "send_to_not_confirmed")])
def test_other_endings_get_the_post_tests_only_when_the_programme_says_so(world, instruments,
                                                                         state, setting):
    case = world.case(state, btp=world.btp)
    backdate(case, approved_days=100, ended_days=0)
    assert waves.ensure_invitations(case) == []
    set_rules(world.programme, waves={"post1": {setting: True}})
    case.refresh_from_db()
    assert [i.wave for i in waves.ensure_invitations(case)] == ["post1"]


@pytest.mark.django_db
def test_a_case_declined_by_a_btp_gets_no_second_pre_test(world, approved):
    case = approved()
    put_case_in(case, CaseState.BTP_PROPOSED, btp=world.btp)
    workflow.perform(case, "decline_case", world.btp.user, payload={"reason": "Full"})
    assert SurveyInvitation.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_the_reconciliation_sends_what_a_missed_event_left(world, instruments, deliver):
    """A case that reached its wave without the event (loaded from elsewhere)."""
    case = world.case(CaseState.AWAITING_BTP_CHOICE)
    backdate(case, approved_days=2)
    mail.outbox.clear()
    tasks.reconcile_waves()
    deliver()
    invitation = SurveyInvitation.objects.get(case=case)
    assert invitation.wave == "pre" and invitation.sent_at is not None
    assert invitation.due_on == timezone.localdate() - datetime.timedelta(days=2)
    assert len([m for m in mail.outbox if link_in(m)]) == 1
    tasks.reconcile_waves()  # and a second run sends nothing more
    deliver()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_old_cases_are_not_invited_after_the_fact(world, instruments):
    case = world.case(CaseState.AWAITING_BTP_CHOICE)
    backdate(case, approved_days=400)
    recent = backdate(world.case(CaseState.AWAITING_BTP_CHOICE, mine=False), approved_days=1)
    tasks.reconcile_waves()
    assert not SurveyInvitation.objects.filter(case=case).exists()
    assert SurveyInvitation.objects.filter(case=recent).exists()


def remind(invitation_pk, now):
    """Record the reminder due at ``now``, and deliver it."""
    invitation = SurveyInvitation.objects.select_related("case__programme").get(
        pk=invitation_pk)
    recorded = sending.remind_if_due(invitation, now=now)
    outbox.deliver_due()
    return recorded


@pytest.mark.django_db
def test_reminders_after_7_and_14_days_until_answered(world, approved):
    case = approved()
    invitation = SurveyInvitation.objects.get(case=case)
    mail.outbox.clear()
    start = invitation.sent_at
    assert remind(invitation.pk, now=start + datetime.timedelta(days=6)) is False
    assert remind(invitation.pk, now=start + datetime.timedelta(days=7)) is True
    assert remind(invitation.pk, now=start + datetime.timedelta(days=8)) is False
    assert remind(invitation.pk, now=start + datetime.timedelta(days=14)) is True
    assert remind(invitation.pk, now=start + datetime.timedelta(days=21)) is False
    # In the participant's language (Dutch here).
    assert len(mail.outbox) == 2 and "Herinnering" in mail.outbox[0].subject
    # The reminder carries the same link as the invitation.
    invitation.refresh_from_db()
    assert invitation.reminders_sent == 2
    other = approved(mine=False)
    answered = SurveyInvitation.objects.get(case=other)
    answered.completed_at = timezone.now()
    answered.save()
    later = answered.sent_at + datetime.timedelta(days=7)
    assert remind(answered.pk, now=later) is False


@pytest.mark.django_db
def test_a_reminder_repeats_the_original_link(world, approved, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    case = approved()
    first = next(link_in(m) for m in mail.outbox if "/evaluation/survey/" in m.body)
    invitation = SurveyInvitation.objects.get(case=case)
    mail.outbox.clear()
    remind(invitation.pk, now=invitation.sent_at + datetime.timedelta(days=7))
    assert link_in(mail.outbox[0]) == first


@pytest.mark.django_db
def test_an_smtp_failure_is_retried_and_shown_to_staff(world, instruments, monkeypatch,
                                                      client):
    case = world.case(CaseState.AWAITING_BTP_CHOICE)
    backdate(case, approved_days=0)
    [invitation] = waves.ensure_invitations(case)

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail relay down")

    monkeypatch.setattr(outbox.Mailer, "send", refuse)
    outbox.deliver_due()
    invitation.refresh_from_db()
    message = OutboxMessage.objects.get(key=invitation.delivery_key)
    assert invitation.sent_at is None and message.attempts == 1
    assert message.last_error == "SMTPServerDisconnected: mail relay down"
    assert invitation.status == "failing" and message.status == "retrying"
    client.force_login(world.admin)
    page = client.get(f"/evaluation/cases/{case.reference}/").content.decode()
    assert "Sending failed, retrying" in page and "mail relay down" in page

    monkeypatch.undo()
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    outbox.deliver_due()
    invitation = SurveyInvitation.objects.get(pk=invitation.pk)
    message.refresh_from_db()
    assert invitation.sent_at and message.status == "sent"


@pytest.mark.django_db
def test_only_the_pre_test_invitation_speaks_of_the_diagnosis(world, approved, instruments):
    approved()
    pre = next(m for m in mail.outbox if "/evaluation/survey/" in m.body)
    assert "diagnose" in pre.body  # the participant reads Dutch
    ended = world.case(CaseState.IN_TREATMENT, btp=world.btp, mine=False)
    backdate(ended, approved_days=200, ended_days=0)
    put_case_in(ended, CaseState.COMPLETED)
    waves.ensure_invitations(ended)
    mail.outbox.clear()
    outbox.deliver_due()
    post = next(m for m in mail.outbox if "/evaluation/survey/" in m.body)
    assert "diagnos" not in post.body and "vertrouwelijk" in post.body


@pytest.mark.django_db
def test_the_invitation_goes_to_the_account_and_never_to_a_closed_one(world, approved, deliver):
    from botp.models import Participant, User

    case = approved(mine=False)
    participant = Participant.objects.select_related("user").get(pk=case.participant_id)
    for state in ("open", "closed"):
        SurveyInvitation.objects.filter(case=case).delete()
        mail.outbox.clear()
        if state == "closed":
            User.objects.filter(pk=participant.user_id).update(is_active=False)
        case.refresh_from_db()
        waves.ensure_invitations(case)
        deliver()
        message = OutboxMessage.objects.filter(kind="survey_invitation", case=case).latest("pk")
        if state == "open":
            assert [m.to for m in mail.outbox] == [[participant.user.email]]
            assert message.status == OutboxMessage.Status.SENT
        else:
            assert mail.outbox == []
            assert (message.status, message.problem) == (OutboxMessage.Status.FAILED,
                                                         outbox.Problem.NO_ADDRESS)
