"""Monthly statements: built from what was held, each item paid once (the database says so),
confirmed by the provider, disputed and answered, approved and then locked; a late correction
is a line on the next statement."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from botp.models import AuditEntry, OutboxMessage, Statement, StatementLine, StatementStatus
from botp.payments import services, tasks
from botp.workflow import TransitionError, TransitionForbidden
from tests.payments.conftest import held

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(world, treated):
    held(treated, "work_related", world.btp, days_ago=2)
    held(treated, "work_related", world.btp, days_ago=1)
    held(treated, "individual", world.isp, days_ago=1)
    services.build_statements(timezone.localdate())
    return Statement.objects.get(provider=world.btp)


def test_a_statement_per_provider_and_month_with_what_was_held(world, statement):
    assert statement.month == timezone.localdate().replace(day=1)
    assert statement.status == StatementStatus.TO_CONFIRM
    assert [line.amount for line in statement.lines.all()] == [Decimal("70.00")] * 2
    isp = Statement.objects.get(provider=world.isp)
    assert [line.item for line in isp.lines.all()] == ["individual"]


def test_building_again_adds_nothing_twice(world, treated, statement):
    assert services.build_statements(timezone.localdate()) == []
    assert StatementLine.objects.count() == 3
    held(treated, "follow_up", world.btp)
    assert services.build_statements(timezone.localdate()) == [statement]
    assert statement.lines.count() == 3


def test_the_database_pays_a_session_once(statement):
    line = statement.lines.first()
    other = Statement.objects.create(provider=statement.provider,
                                     month=statement.month - datetime.timedelta(days=40))
    with pytest.raises(IntegrityError), transaction.atomic():
        StatementLine.objects.create(
            statement=other, kind=line.kind, case=line.case, session=line.session,
            item=line.item, service_date=line.service_date, amount=line.amount)


def test_the_database_pays_a_report_once(world, treated):
    statement = Statement.objects.create(provider=world.btp, month=timezone.localdate())
    fields = {"statement": statement, "kind": "report", "case": treated,
              "report_key": f"final_report:case:{treated.pk}", "item": "final_report",
              "service_date": timezone.localdate(), "amount": Decimal("50")}
    StatementLine.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatementLine.objects.create(**fields)


def test_one_statement_per_provider_and_month(statement):
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.create(provider=statement.provider, month=statement.month)


def test_confirm_dispute_answer_approve(world, statement):
    btp, admin = world.btp.user, world.admin
    line = statement.lines.first()
    services.confirm(btp, statement)
    services.dispute(admin, line, "Two work-related sessions on consecutive days?")
    statement.refresh_from_db()
    assert statement.status == StatementStatus.DISPUTED
    with pytest.raises(TransitionError):
        services.approve(admin, statement)
    services.answer(btp, line, "Yes: the participant asked for it before a hard week.")
    statement.refresh_from_db()
    assert statement.status == StatementStatus.ANSWERED
    services.approve(admin, statement)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.APPROVED
    assert statement.total == Decimal("140.00") and statement.approved_by == admin
    line.refresh_from_db()
    assert line.answer.startswith("Yes") and line.dispute_reason
    trail = list(AuditEntry.objects.filter(subject=f"payment:statement:{statement.pk}")
                 .order_by("pk").values_list("actor", "what"))
    assert trail == [(btp.pk, "statement confirmed"), (admin.pk, "statement line disputed"),
                     (btp.pk, "statement line answered"), (admin.pk, "statement approved")]


def test_each_step_is_its_own_persons(world, statement):
    line = statement.lines.first()
    for user in (world.admin, world.other_btp.user, world.isp.user, world.psychologist):
        with pytest.raises(TransitionForbidden):
            services.confirm(user, statement)
    with pytest.raises(TransitionForbidden):
        services.dispute(world.btp.user, line, "mine")
    with pytest.raises(TransitionForbidden):
        services.approve(world.btp.user, statement)
    with pytest.raises(TransitionError):  # not confirmed yet
        services.approve(world.admin, statement)
    with pytest.raises(TransitionError):
        services.dispute(world.admin, line, "Not confirmed yet")


def test_a_dispute_and_an_answer_need_words(world, statement):
    line = statement.lines.first()
    services.confirm(world.btp.user, statement)
    with pytest.raises(ValidationError):
        services.dispute(world.admin, line, "   ")
    services.dispute(world.admin, line, "Why?")
    with pytest.raises(ValidationError):
        services.answer(world.btp.user, line, "")


def test_approved_amounts_are_locked(world, treated, statement):
    services.confirm(world.btp.user, statement)
    services.approve(world.admin, statement)
    line = statement.lines.first()
    line.amount = Decimal("1000")
    with pytest.raises(PermissionError):
        line.save()
    with pytest.raises(PermissionError):
        line.delete()
    with pytest.raises(TransitionError):
        services.dispute(world.admin, line, "Too late")
    # What is held afterwards goes on a later statement.
    held(treated, "follow_up", world.btp)
    assert services.build_statements(timezone.localdate()) == []
    following = statement.month + datetime.timedelta(days=40)
    [later] = services.build_statements(following)
    assert later.month == following.replace(day=1) and later.lines.count() == 1
    statement.refresh_from_db()
    assert statement.total == Decimal("140.00") and statement.lines.count() == 2


def test_a_late_correction_is_a_line_on_the_next_statement(world, statement):
    services.confirm(world.btp.user, statement)
    services.approve(world.admin, statement)
    line = statement.lines.first()
    correction = services.correct(world.admin, line, Decimal("-70.00"),
                                  "The session was held by another provider.")
    assert correction.statement != statement
    assert correction.statement.month > statement.month
    assert correction.corrects == line and correction.amount == Decimal("-70.00")
    statement.refresh_from_db()
    assert statement.total == Decimal("140.00")
    with pytest.raises(ValidationError):
        services.correct(world.admin, line, Decimal("0"), "nothing")
    with pytest.raises(TransitionForbidden):
        services.correct(world.btp.user, line, Decimal("5"), "more")


def test_the_monthly_task_builds_the_month_just_ended(world, treated):
    last_month = services.previous_month()
    session = held(treated, "work_related", world.btp,
                   days_ago=(timezone.localdate() - last_month).days)
    held(treated, "work_related", world.btp, days_ago=0)
    assert tasks.build_monthly_statements() == 1
    statement = Statement.objects.get()
    assert statement.month == last_month
    assert [line.session for line in statement.lines.all()] == [session]


def test_an_administrator_asks_and_a_worker_builds(client, world, treated, deliver):
    held(treated, "work_related", world.btp, days_ago=1)
    month = timezone.localdate().replace(day=1)
    client.force_login(world.admin)
    url = reverse("payments:statements")
    response = client.post(url, {"month": f"{month:%Y-%m}"})
    assert response.status_code == 302
    # The request built nothing: the build waits for a worker, and the page says so.
    assert not Statement.objects.exists()
    page = client.get(url).content.decode()
    assert "are being built" in page and "Being built now" in page
    assert client.post(url, {"month": f"{month:%Y-%m}"}).status_code == 302
    builds = OutboxMessage.objects.filter(kind=services.BUILD_KIND)
    assert builds.count() == 1  # asked twice while waiting: one build
    assert AuditEntry.objects.filter(subject="payment:statements").count() == 1

    deliver()
    assert builds.get().status == "sent"
    assert Statement.objects.get(provider=world.btp).lines.count() == 1
    assert "Being built now" not in client.get(url).content.decode()
    # Asked again once done: a new build, which finds nothing more to add.
    client.post(url, {"month": f"{month:%Y-%m}"})
    deliver()
    assert builds.count() == 2 and StatementLine.objects.count() == 1


def test_only_an_administrator_asks_for_a_build(client, world, treated):
    url = reverse("payments:statements")
    for user in (world.btp.user, world.psychologist, world.participant):
        client.force_login(user)
        assert client.post(url, {"month": "2026-01"}).status_code == 404
    assert not OutboxMessage.objects.filter(kind=services.BUILD_KIND).exists()
