import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from botp import workflow
from botp.models import CaseState
from evaluation import survey
from evaluation.loading import load_instruments
from evaluation.models import SurveyInvitation


@pytest.fixture
def instruments(db):
    load_instruments()


def link_in(message):
    return re.search(r"https?://[^/\s]+(/evaluation/survey/[\w-]+/)", message.body).group(1)


def token_of(path):
    return path.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def approved(world, instruments, django_capture_on_commit_callbacks):
    """A requested case of the world's participant, approved: its pre-test was sent."""

    def make(mine=True):
        case = world.case(CaseState.REQUESTED, mine=mine)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            workflow.perform(case, "approve", world.admin)
        case.refresh_from_db()
        return case

    return make


def answer_everything(invitation, value_for=None):
    """Answer every shown item of every page (choice: the first option, or value_for(item))."""
    for instrument in survey.instruments(invitation):
        definition = instrument.definition
        posted = {}
        for item in definition["items"]:
            if value_for is not None and value_for(instrument, item) is not None:
                posted[item["id"]] = value_for(instrument, item)
            elif item["type"] == "choice":
                scale = next(s for s in definition["scales"] if s["id"] == item["scale"])
                posted[item["id"]] = str(scale["options"][0]["value"])
            elif item["type"] == "number":
                posted[item["id"]] = str(item["min"])
        assert survey.save_page(invitation, instrument, posted) == {}, instrument.code


def backdate(case, *, approved_days=0, ended_days=None):
    now = timezone.now()
    case.approved_at = now - datetime.timedelta(days=approved_days)
    if ended_days is not None:
        case.ended_at = now - datetime.timedelta(days=ended_days)
    case.save()
    return case


def invitations(case):
    return {i.wave: i for i in SurveyInvitation.objects.filter(case=case)}


@pytest.fixture
def invited(world, approved):
    """(invitation, path of its link from the e-mail) of an approved case's pre-test."""
    mail.outbox.clear()
    case = approved()
    message = next(m for m in mail.outbox if "/evaluation/survey/" in m.body)
    invitation = SurveyInvitation.objects.get(case=case)
    invitation.language = "en"  # the tests read English
    invitation.save(update_fields=["language"])
    return invitation, link_in(message)
