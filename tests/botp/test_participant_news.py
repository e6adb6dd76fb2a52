"""What a participant reads of each step of their case: what happened and what to do next, with
one link, and nothing clinical (the e-mail may reach a shared or work mailbox)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from botp import notifications, outbox
from botp.models import CaseEvent, CaseState
from botp.policy import Relation as R
from botp.steps import Step

pytestmark = pytest.mark.django_db

# A psychologist's or BTP's reason, as the event keeps it: it never travels by e-mail.
CLINICAL = "Anhedonia points to a depressive episode"

# step, state before, state after, words of the subject, words of the body
NEWS = [
    (Step.DECLINE_CASE, CaseState.BTP_PROPOSED, CaseState.AWAITING_BTP_CHOICE,
     "choose another care provider", "cannot take on your file"),
    (Step.ACCEPT_CASE, CaseState.BTP_PROPOSED, CaseState.IN_DIAGNOSIS,
     "has accepted your file", "will contact you to plan your first appointments"),
    (Step.REQUEST_INFORMATION, CaseState.DIAGNOSIS_REVIEW, CaseState.IN_DIAGNOSIS,
     "asks your care provider for more information", "You have nothing to do"),
    (Step.CONFIRM_DIAGNOSIS, CaseState.DIAGNOSIS_REVIEW, CaseState.IN_TREATMENT,
     "Your treatment can start", "will contact you to plan the sessions"),
    (Step.NOT_CONFIRM_DIAGNOSIS, CaseState.DIAGNOSIS_REVIEW, CaseState.NOT_CONFIRMED,
     "Fedris has decided on your file", "will see you once more"),
    (Step.COMPLETE, CaseState.IN_TREATMENT, CaseState.COMPLETED,
     "Your treatment has ended", "is now closed"),
    (Step.CLOSE_AFTER_DEBRIEF, CaseState.NOT_CONFIRMED, CaseState.CLOSED,
     "is closed", "is now closed"),
]


def told_of(world, action, before, after):
    case = world.case(after, btp=world.btp)
    event = CaseEvent.objects.create(case=case, actor=world.admin, actor_role=R.FEDRIS_ADMIN,
                                     action=action, from_state=before, to_state=after,
                                     payload={"reason": CLINICAL})
    mail.outbox.clear()
    notifications.announce(event, {R.PARTICIPANT})
    outbox.deliver_due()
    [message] = [m for m in mail.outbox if world.participant.email in m.to]
    return case, message


@pytest.mark.parametrize("action, before, after, subject, body", NEWS)
def test_each_step_says_what_happened_and_what_to_do(world, action, before, after, subject,
                                                     body):
    case, message = told_of(world, action, before, after)
    assert subject in message.subject and case.reference in message.subject
    assert body in message.body
    # Not the one e-mail for everything any more.
    assert "There is news" not in message.body and "News about" not in message.subject
    [link] = re.findall(r"https?://\S+", message.body)
    assert link.endswith(reverse("case_detail", args=[case.reference]))


@pytest.mark.parametrize("action, before, after, subject, body", NEWS)
def test_no_step_e_mail_carries_clinical_content(world, action, before, after, subject, body):
    case, message = told_of(world, action, before, after)
    text = (message.subject + message.body).lower()
    for secret in (CLINICAL, "burn", "depress", "diagnos", world.programme.name,
                   case.participant.last_name):
        assert secret.lower() not in text, secret
    assert "no medical information" in message.body


def test_the_subjects_tell_the_steps_apart(world):
    subjects = {told_of(world, action, before, after)[1].subject.split(" (")[0]
                for action, before, after, *_ in NEWS}
    assert len(subjects) == len(NEWS)


def test_professionals_keep_the_case_e_mail(world):
    case = world.case(CaseState.IN_DIAGNOSIS, btp=world.btp)
    event = CaseEvent.objects.create(case=case, actor=world.participant,
                                     actor_role=R.PARTICIPANT, action=Step.ACCEPT_CASE,
                                     from_state=CaseState.BTP_PROPOSED,
                                     to_state=CaseState.IN_DIAGNOSIS)
    mail.outbox.clear()
    notifications.announce(event, {R.BTP})
    outbox.deliver_due()
    [message] = mail.outbox
    assert "There is news on case" in message.body and "accepted your file" not in message.body


@pytest.mark.django_db
def test_an_email_names_the_programme_in_its_readers_language_not_the_actors(
        world, django_capture_on_commit_callbacks):
    from django.core import mail
    from django.utils import translation

    from botp.models import CaseState
    from diagnosis import services

    case = world.case(CaseState.AWAITING_BTP_CHOICE)
    world.btp.user.language = "nl"
    world.btp.user.save()
    mail.outbox.clear()
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        services.choose_btp(case, world.participant, btp=world.btp.pk)
    message = next(m for m in mail.outbox if world.btp.user.email in m.to)
    assert case.programme.name_nl in message.body
    assert case.programme.name_fr not in message.body
