"""The survey e-mail says which questionnaire it is and what it is for: only the pre-test's
answers reach the diagnosis; a follow-up questionnaire helps Fedris evaluate the programme."""

import pytest
from django.core import mail

from botp import outbox
from botp.models import CaseState, Participant
from evaluation import waves
from tests.factories import put_case_in
from tests.scenarios import backdate


@pytest.mark.django_db
def test_the_follow_up_invitation_says_it_evaluates_the_programme(world, instruments):
    ended = world.case(CaseState.IN_TREATMENT, btp=world.btp)
    Participant.objects.filter(pk=ended.participant_id).update(language="en")
    backdate(ended, approved_days=200, ended_days=0)
    put_case_in(ended, CaseState.COMPLETED)
    waves.ensure_invitations(ended)
    mail.outbox.clear()
    outbox.deliver_due()
    post = next(m for m in mail.outbox if "/evaluation/survey/" in m.body)
    assert "follow-up questionnaire (Post-test 1)" in post.body
    assert "It helps Fedris evaluate the programme." in post.body
    assert "diagnos" not in post.body.lower()
