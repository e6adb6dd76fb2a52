"""Fedris' side of stage 1: the checks at their edges, the decision, and who is told."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from botp import states, workflow
from botp.models import CaseEvent, CaseState, Sector
from intake import eligibility, services
from intake.models import ScreeningRequest
from tests.scenarios import post_new

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit(referrer_client, form_data):
    def make(**overrides):
        post_new(referrer_client, form_data(**overrides))
        return ScreeningRequest.objects.latest("pk")

    return make


def days_ago(days):
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def check(screening, code):
    return next(c for c in eligibility.checks(screening) if c.code == code)


@pytest.mark.parametrize("days, passed", [(0, True), (59, True), (60, True), (61, False)])
def test_sick_leave_at_the_programme_maximum(submit, days, passed):
    screening = submit(sick_leave_since=days_ago(days))
    result = check(screening, "sick_leave")
    assert screening.sick_leave_days == days
    assert result.passed is passed
    assert f"{days} days" in str(result.explanation)


def test_a_worker_still_at_work_passes(submit):
    screening = submit(work_status="at_work", sick_leave_since="")
    assert check(screening, "sick_leave").passed
    assert screening.sick_leave_since is None


def test_sick_leave_days_count_at_submission_not_at_review(submit, world):
    screening = submit(sick_leave_since=days_ago(60))
    ScreeningRequest.objects.filter(pk=screening.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=5),
        sick_leave_since=timezone.localdate() - datetime.timedelta(days=64),
    )
    screening.refresh_from_db()
    assert screening.sick_leave_days == 59 and check(screening, "sick_leave").passed


def test_the_sector_must_be_one_of_the_programmes(submit, programmes):
    assert check(submit(), "sector").passed
    banking = submit(sector_choice=str(Sector.objects.get(code="banking").pk),
                     form_key=None)
    assert check(banking, "sector").passed
    federal = str(Sector.objects.get(code="federal_administration").pk)
    assert not check(submit(sector_choice=federal), "sector").passed
    assert not check(submit(sector_choice="other", sector_other="Retail"), "sector").passed
    fa = submit(programme=programmes["fa-botp"].pk, sector_choice=federal)
    assert check(fa, "sector").passed


def test_approval_moves_the_case_and_mails_the_participant_and_referrer(
    submit, world, django_capture_on_commit_callbacks
):
    screening = submit()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(screening, world.admin, decision="approve")
    screening.case.refresh_from_db()
    assert screening.case.state == CaseState.AWAITING_BTP_CHOICE
    to_participant = [m for m in mail.outbox if "eva.peeters@example.org" in m.to]
    # The activation e-mail, once, and the pre-test invitation of the evaluation.
    activation = [m for m in to_participant if "/intake/activate/" in m.body]
    assert len(activation) == 1 and len(to_participant) == 2
    assert "Activez votre compte" in activation[0].body  # the worker chose French
    assert re.search(r"/intake/activate/[\w-]{40,}/", activation[0].body)
    assert any("/evaluation/survey/" in m.body for m in to_participant)
    assert [m for m in mail.outbox if world.referrer.email in m.to]


def test_not_eligible_ends_the_case_and_tells_referrer_and_worker(
    submit, world, django_capture_on_commit_callbacks
):
    screening = submit(sick_leave_since=days_ago(90))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(screening, world.admin, decision="not_eligible",
                        reason_code="sick_leave", reason_text="90 days")
    case = screening.case
    case.refresh_from_db()
    assert case.state == CaseState.INELIGIBLE and case.state in states.FINAL
    recipients = {address for m in mail.outbox for address in m.to}
    assert {"eva.peeters@example.org", world.referrer.email} <= recipients
    event = CaseEvent.objects.get(case=case, action="declare_ineligible")
    assert event.payload["reason_code"] == "sick_leave"
    assert event.payload["checks"] == {"sector": True, "sick_leave": False, "duplicate": True}


def test_fa_botp_non_eligible_workers_are_pointed_to_its_referral_options(
    submit, world, programmes, django_capture_on_commit_callbacks
):
    screening = submit(programme=programmes["fa-botp"].pk, language="nl")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(screening, world.admin, decision="not_eligible", reason_code="sector")
    to_worker = next(m for m in mail.outbox if "eva.peeters@example.org" in m.to)
    assert "Empreva" in to_worker.body
    to_referrer = next(m for m in mail.outbox if world.referrer.email in m.to)
    assert "Empreva" not in to_referrer.body


def test_approving_a_failed_check_needs_a_written_override(submit, world):
    screening = submit(sick_leave_since=days_ago(61))
    with pytest.raises(ValidationError, match="override"):
        services.decide(screening, world.admin, decision="approve")
    screening.case.refresh_from_db()
    assert screening.case.state == CaseState.REQUESTED
    services.decide(screening, world.admin, decision="approve",
                    override_reason="Sick leave started on a holiday; doctor's note attached.")
    event = CaseEvent.objects.get(case=screening.case, action="approve")
    assert event.payload["override_reason"].startswith("Sick leave started")
    assert event.payload["overridden"] == ["sick_leave"]


def test_not_eligible_needs_a_reason_from_the_list(submit, world):
    screening = submit()
    with pytest.raises(ValidationError):
        services.decide(screening, world.admin, decision="not_eligible", reason_code="")
    screening.case.refresh_from_db()
    assert screening.case.state == CaseState.REQUESTED


@pytest.mark.parametrize("who", ["psychologist", "referrer", "participant", "btp"])
def test_only_an_administrator_decides(submit, world, who, client):
    screening = submit()
    user = {"psychologist": world.psychologist, "referrer": world.referrer,
            "participant": world.participant, "btp": world.btp.user}[who]
    client.force_login(user)
    assert client.get(reverse("intake:review", args=[screening.pk])).status_code == 404
    assert client.post(reverse("intake:review", args=[screening.pk]),
                       {"decision": "approve", "version": 1}).status_code == 404
    with pytest.raises(workflow.TransitionError):
        services.decide(screening, user, decision="approve")
    screening.case.refresh_from_db()
    assert screening.case.state == CaseState.REQUESTED


def test_the_review_page_decides_and_a_second_decision_is_refused(submit, world, client):
    screening = submit()
    client.force_login(world.admin)
    url = reverse("intake:review", args=[screening.pk])
    response = client.post(url, {"decision": "approve", "version": 1})
    assert response.status_code == 302
    response = client.post(url, {"decision": "not_eligible", "reason_code": "other",
                                 "version": 1})
    assert response.status_code == 409
    screening.case.refresh_from_db()
    assert screening.case.state == CaseState.AWAITING_BTP_CHOICE


def test_a_failed_check_without_override_is_explained_on_the_page(submit, world, client):
    screening = submit(sick_leave_since=days_ago(70))
    client.force_login(world.admin)
    response = client.post(reverse("intake:review", args=[screening.pk]),
                           {"decision": "approve", "version": 1})
    assert response.status_code == 400
    assert "needs a written reason for the override" in response.content.decode()
    # The check is said in words, not by its internal code.
    client.cookies["django_language"] = "nl"
    page = client.post(reverse("intake:review", args=[screening.pk]),
                       {"decision": "approve", "version": 1}).content.decode()
    assert "70 dagen" in page and "(sick_leave)" not in page


def test_the_queue_is_oldest_first_filtered_and_explained(submit, world, client, programmes):
    first = submit(sick_leave_since=days_ago(70))
    second = submit(programme=programmes["fa-botp"].pk)
    ScreeningRequest.objects.filter(pk=first.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=3))
    client.force_login(world.admin)
    page = client.get(reverse("intake:queue")).content.decode()
    assert page.index(first.case.reference) < page.index(second.case.reference)
    assert "more than the maximum of 60" in page
    only_fa = client.get(reverse("intake:queue"),
                         {"programme": programmes["fa-botp"].pk}).content.decode()
    assert second.case.reference in only_fa and first.case.reference not in only_fa
    hospital = Sector.objects.get(code="hospital").pk
    by_sector = client.get(reverse("intake:queue"), {"sector": hospital}).content.decode()
    assert first.case.reference in by_sector
    services.decide(first, world.admin, decision="not_eligible", reason_code="sick_leave")
    page = client.get(reverse("intake:queue")).content.decode()
    assert first.case.reference not in page


def test_the_queue_flags_a_possible_duplicate(submit, world, client):
    first = submit()
    second = submit()
    assert not first.possible_duplicate and second.possible_duplicate
    client.force_login(world.admin)
    page = client.get(reverse("intake:queue")).content.decode()
    assert page.count("another open case") == 1


def test_the_queue_paginates(submit, world, client):
    for _ in range(27):
        submit()
    client.force_login(world.admin)
    first_page = client.get(reverse("intake:queue")).context["rows"]
    second_page = client.get(reverse("intake:queue"), {"page": 2}).context["rows"]
    assert (len(first_page), len(second_page)) == (25, 2)


def test_the_next_page_keeps_the_filters(submit, world, client, programmes):
    for _ in range(26):
        submit(programme=programmes["fa-botp"].pk)
    client.force_login(world.admin)
    page = client.get(reverse("intake:queue"),
                      {"programme": programmes["fa-botp"].pk}).content.decode()
    assert f"?programme={programmes['fa-botp'].pk}&amp;page=2" in page
