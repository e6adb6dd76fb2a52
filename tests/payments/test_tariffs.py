"""Tariffs are programme-version data from a date: an item is paid at the tariff of the version
in force on the day it was held."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from botp import programme_rules
from botp.models import Document, ProgrammeVersion, SessionStatus, StatementLine
from botp.models.programme import validate_payment_rules
from botp.payments import services, tariffs
from tests.payments.conftest import held, with_tariffs

pytestmark = pytest.mark.django_db


def test_the_shipped_programmes_carry_no_tariff(botp):
    rules = programme_rules.in_force(botp)
    assert rules.tariff("work_related") is None and rules.payments == {}


def test_a_session_is_paid_at_the_tariff_of_the_version_in_force_that_day(world, treated):
    version_1 = ProgrammeVersion.objects.get(programme=treated.programme, number=1)
    ProgrammeVersion.objects.create(
        programme=treated.programme, number=2,
        valid_from=timezone.localdate() - datetime.timedelta(days=10),
        rules=dict(version_1.rules, tariffs=dict(version_1.rules["tariffs"],
                                                 work_related="82.50")))
    before = held(treated, "work_related", world.btp, days_ago=20)
    after = held(treated, "work_related", world.btp, days_ago=5)
    assert tariffs.for_session(before).amount == Decimal("70.00")
    assert tariffs.for_session(before).version.number == 1
    assert tariffs.for_session(after).amount == Decimal("82.50")
    services.build_statements(timezone.localdate())
    assert before.statement_line.amount == Decimal("70.00")
    assert after.statement_line.amount == Decimal("82.50")
    assert after.statement_line.programme_version.number == 2


def test_group_sessions_no_shows_and_the_meeting_follow_the_version(world, treated):
    group = held(treated, "starter_kit", world.isp, fmt="group")
    alone = held(treated, "starter_kit", world.isp)
    no_show = held(treated, "individual", world.isp, status=SessionStatus.NO_SHOW)
    meeting = held(treated, "multidisciplinary_meeting", world.btp)
    assert tariffs.for_session(group).amount == Decimal("25.00")
    assert tariffs.for_session(alone).amount == Decimal("60.00")
    assert tariffs.for_session(no_show).amount is None  # the demo's rules pay no no-show
    assert tariffs.for_session(meeting).amount == Decimal("90.00")
    with_tariffs(treated.programme, payments={"no_show_paid": True})
    assert tariffs.for_session(no_show).amount == Decimal("60.00")


def test_a_report_is_paid_by_its_kind(world, treated):
    Document.objects.create(case=treated, kind="final_report", source_id=1, language="nl")
    Document.objects.create(case=treated, kind="final_report", source_id=1, version=2,
                            language="nl")
    Document.objects.create(case=treated, kind="screening_request", source_id=1, language="nl")
    services.build_statements(timezone.localdate())
    reports = StatementLine.objects.filter(kind="report")
    assert [(line.item, line.amount) for line in reports] == [("final_report", Decimal("50.00"))]
    assert reports.get().statement.provider == world.btp


def test_an_item_without_a_tariff_waits(world, botp):
    case = world.case("in_treatment", btp=world.btp)
    held(case, "work_related", world.btp)
    assert services.build_statements(timezone.localdate()) == []


def test_publishing_carries_the_payment_rules(world, botp):
    botp.tariffs = {"work_related": "71.00"}
    botp.payment_rules = {"meeting_preparation": "95.00", "no_show_paid": False}
    botp.save()
    version = programme_rules.publish(botp, world.admin, valid_from=timezone.localdate(),
                                      change_note="Fedris' tariffs of the year.")
    rules = programme_rules.for_version(version)
    assert rules.tariff("work_related") == "71.00"
    assert rules.payments["meeting_preparation"] == "95.00"
    keys = {change.key for change in programme_rules.version_changes(version)}
    assert {"tariffs.work_related", "payments.meeting_preparation"} <= keys


@pytest.mark.parametrize("rules", [
    [], {"unknown": 1}, {"meeting_preparation": "-1"}, {"meeting_preparation": "abc"},
    {"reports": {"final_report": "x"}}, {"group": []}, {"no_show_paid": "yes"},
])
def test_bad_payment_rules_are_refused_in_the_back_office(rules):
    with pytest.raises(ValidationError):
        validate_payment_rules(rules)


def test_good_payment_rules_pass():
    validate_payment_rules(tariffs.DEMO_PAYMENT_RULES)
    validate_payment_rules({})
