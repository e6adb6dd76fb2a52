"""A real Celery worker on Redis sends the pre-test invitation of a newly approved case."""

import re
import time

import pytest

from botp import workflow
from botp.models import CaseState
from evaluation.models import SurveyInvitation


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_pre_test(worker, world):
    case = world.case(CaseState.REQUESTED)
    workflow.perform(case, "approve", world.admin)  # commits: a transactional test

    mail_dir = worker / "mail"
    deadline = time.monotonic() + 90
    invitation_mail = None
    while time.monotonic() < deadline and invitation_mail is None:
        for path in mail_dir.glob("*.eml") if mail_dir.exists() else []:
            text = path.read_text()
            if "/evaluation/survey/" in text:
                invitation_mail = text
        time.sleep(0.5)
    assert invitation_mail is not None, "no invitation was mailed"
    invitation = SurveyInvitation.objects.get(case=case)
    assert invitation.wave == "pre" and invitation.sent_at is not None
    assert case.participant.user.email in invitation_mail
    assert re.search(r"/evaluation/survey/[\w-]{43}/", invitation_mail)
