"""The three programmes' rules at their edges, and programme versions: a case keeps the rules it
was submitted under when Fedris publishes new ones."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from botp import caps, duration, plan, programme_rules
from botp.models import Approach, AuditEntry, Case, CaseState, ProgrammeVersion, Sector
from intake import eligibility, proposal
from intake.models import ScreeningRequest, WorkStatus

pytestmark = pytest.mark.django_db


def counts(programme, **numbers):
    return {programme.session_types.get(code=code): n for code, n in numbers.items()}


def months_before(day, months):
    return duration.add_months(day, -months)


# --- The programme since 2024 -------------------------------------------------------------------


@pytest.mark.parametrize("code, cap", [("diagnosis", 2), ("work_related", 8), ("individual", 10),
                                       ("follow_up", 2)])
def test_the_2024_caps_per_type(programmes, code, cap):
    prevention = programmes["prevention-2024"]
    assert caps.problems(prevention, counts(prevention, **{code: cap})) == []
    assert f"at most {cap} ×" in caps.problems(prevention,
                                               counts(prevention, **{code: cap + 1}))[0]


def test_the_2024_individual_sessions_are_shared_by_the_psychological_and_bodily_parts(
        world, programmes):
    prevention = programmes["prevention-2024"]
    case = world.case(CaseState.IN_DIAGNOSIS, btp=world.btp)
    case.programme, case.programme_version = prevention, prevention.versions.get()
    case.save()
    individual = prevention.session_types.get(code="individual")
    psychological = plan.Line(individual, Approach.COGNITIVE_EMOTIONAL, None, 6)
    assert plan.cap_problems(case, [psychological, plan.Line(
        individual, Approach.PSYCHO_CORPORAL, None, 4)]) == []
    assert plan.cap_problems(case, [psychological, plan.Line(
        individual, Approach.PSYCHO_CORPORAL, None, 5)]) == [
        "The programme allows at most 10 × “Individual session (psychological or bodily part)”; "
        "this makes 11."]
    # The psychological part is a psychologist's, the bodily part a physiotherapist's.
    assert individual.allows_profession("clinical_psychologist", Approach.COGNITIVE_EMOTIONAL)
    assert not individual.allows_profession("physiotherapist", Approach.COGNITIVE_EMOTIONAL)
    assert individual.allows_profession("physiotherapist", Approach.PSYCHO_CORPORAL)


def test_the_2024_total_is_every_cap_together(programmes):
    prevention = programmes["prevention-2024"]
    full = counts(prevention, diagnosis=2, work_related=8, individual=10, follow_up=2)
    assert caps.problems(prevention, full) == []
    assert caps.totals(prevention, full) == [("total", 22, 22)]
    # The meeting and the debrief are outside the total.
    assert caps.problems(prevention, {**full, **counts(prevention, multidisciplinary_meeting=1,
                                                       debrief=1)}) == []


def test_the_2024_path_lasts_at_most_two_years_the_pilot_nine_months(world, programmes):
    prevention = programmes["prevention-2024"]
    approved = timezone.now() - datetime.timedelta(days=10)
    pilot_case = world.case(CaseState.IN_TREATMENT, btp=world.btp)
    new_case = Case.objects.create(programme=prevention, participant=pilot_case.participant,
                                   state=CaseState.IN_TREATMENT, approved_at=approved)
    pilot_case.approved_at = approved
    day = timezone.localdate(approved)
    assert duration.deadline(new_case) == duration.add_months(day, 24)
    assert duration.deadline(pilot_case) == duration.add_months(day, 9)


def test_the_2024_path_guide_and_guides_are_named_by_the_programme(programmes):
    prevention = programmes["prevention-2024"]
    assert prevention.session_types.get(code="work_related").given_by_label == "Path guide"
    assert prevention.session_types.get(code="individual").given_by_label == (
        "Psychological guide, Bodily guide")
    assert programmes["botp"].session_types.get(code="work_related").given_by_label == (
        "Burnout treatment provider (BTP)")
    path_guide = prevention.functions["path_guide"]
    assert path_guide["role"] == "btp" and "physician" in path_guide["professions"]


def test_the_2024_open_numbers_carry_a_note_for_the_back_office(programmes):
    rules = programme_rules.in_force(programmes["prevention-2024"])
    assert rules.travel_costs_paid and rules.travel_cost_per_km is None
    assert "travel costs" in rules.note("travel_cost_per_km")
    assert "intake sessions" in rules.note("caps.diagnosis")
    assert rules.tariff("work_related") is None and rules.note("tariffs")


# --- The 2-month rule, judged at the date the request is signed ----------------------------------


def request_for(world, programme, *, since, signed, not_burnout=None, adapted=None):
    """A sent request of ``programme`` with a sick leave from ``since``, signed on ``signed``."""
    case = Case.objects.create(programme=programme, participant=world.case(
        CaseState.REQUESTED).participant, referrer=world.referrer)
    moment = timezone.make_aware(datetime.datetime.combine(signed, datetime.time(12)))
    return ScreeningRequest.objects.create(
        referrer=world.referrer, programme=programme, case=case, submitted_at=moment,
        worker_signed_at=moment if case.rules.worker_signs_request else None,
        worker_consent_version="2026-12", work_status=WorkStatus.SICK_LEAVE,
        sick_leave_since=since, incapacity_not_burnout=not_burnout, adapted_work_agreed=adapted,
        sector=Sector.objects.get(code="private_sector"))


def check(screening, code):
    return next(c for c in eligibility.checks(screening) if c.code == code)


def test_less_than_two_months_at_the_signing_date(world, programmes):
    prevention = programmes["prevention-2024"]
    signed = timezone.localdate() - datetime.timedelta(days=3)
    just_within = request_for(world, prevention, signed=signed,
                              since=months_before(signed, 2) + datetime.timedelta(days=1))
    assert check(just_within, "sick_leave").passed
    two_months = request_for(world, prevention, signed=signed, since=months_before(signed, 2))
    result = check(two_months, "sick_leave")
    assert not result.passed
    assert "less than 2 months" in result.explanation
    assert signed.strftime("%d/%m/%Y") in result.explanation
    assert "does not apply" in result.explanation  # the exception is named, and why not


def test_the_signing_date_not_the_sending_date_counts(world, programmes):
    prevention = programmes["prevention-2024"]
    sent = timezone.localdate() - datetime.timedelta(days=20)
    screening = request_for(world, prevention, signed=sent,
                            since=months_before(sent, 2) + datetime.timedelta(days=5))
    assert check(screening, "sick_leave").passed
    # The worker signed only ten days later: by then the incapacity was over 2 months.
    ScreeningRequest.objects.filter(pk=screening.pk).update(
        worker_signed_at=screening.submitted_at + datetime.timedelta(days=10))
    screening.refresh_from_db()
    assert not check(screening, "sick_leave").passed


@pytest.mark.parametrize("not_burnout, adapted, passed", [
    (True, True, True), (True, False, False), (False, True, False), (None, None, False)])
def test_the_exception_for_a_longer_incapacity(world, programmes, not_burnout, adapted, passed):
    prevention = programmes["prevention-2024"]
    signed = timezone.localdate()
    screening = request_for(world, prevention, signed=signed, since=months_before(signed, 5),
                            not_burnout=not_burnout, adapted=adapted)
    result = check(screening, "sick_leave")
    assert result.passed is passed
    if passed:
        assert "advisory physician" in result.explanation


def test_the_pilot_takes_no_exception(world, programmes):
    botp = programmes["botp"]
    signed = timezone.localdate()
    at_limit = request_for(world, botp, signed=signed,
                           since=signed - datetime.timedelta(days=60))
    assert check(at_limit, "sick_leave").passed
    over = request_for(world, botp, signed=signed, since=signed - datetime.timedelta(days=61),
                       not_burnout=True, adapted=True)
    assert not check(over, "sick_leave").passed
    assert {c.code for c in eligibility.checks(over)} == {"sector", "sick_leave", "duplicate"}


# --- Sectors and the programme proposed from the employer's data ---------------------------------


@pytest.mark.parametrize("kind, nace, sector, programme", [
    ("private", "86.101", "hospital", "botp"),
    ("private", "Q87.10", "hospital", "botp"),
    ("private", "64.190", "banking", "botp"),
    ("private", "10.71", "private_sector", "prevention-2024"),
    ("private", "", "private_sector", "prevention-2024"),
    ("federal", "84.110", "federal_administration", "fa-botp"),
    ("provincial_local", "84.110", "local_administration", "prevention-2024"),
    ("other_public", "84.110", None, None),
])
def test_the_portal_proposes_sector_and_programme(programmes, kind, nace, sector, programme):
    proposed_sector, proposed_programme = proposal.propose(kind, nace)
    assert getattr(proposed_sector, "code", None) == sector
    assert getattr(proposed_programme, "code", None) == programme


def test_the_sectors_carry_their_nace_codes(programmes):
    codes = dict(Sector.objects.values_list("code", "nace_codes"))
    assert codes["hospital"] == ["Q86.1", "Q87.1"] and codes["banking"] == ["K64"]


def test_the_2024_programme_does_not_cover_the_federal_administration(world, programmes):
    prevention = programmes["prevention-2024"]
    screening = request_for(world, prevention, signed=timezone.localdate(),
                            since=timezone.localdate())
    assert check(screening, "sector").passed
    screening.sector = Sector.objects.get(code="federal_administration")
    assert not check(screening, "sector").passed
    assert "version 1" in eligibility.rule_source(screening)


def test_names_fall_back_to_dutch_without_german(programmes):
    from django.utils import translation

    hospital = Sector.objects.get(code="hospital")
    with translation.override("de"):
        assert hospital.name == "Krankenhaussektor"
        hospital.name_de = ""
        assert hospital.name == "Ziekenhuissector"


# --- Versions ------------------------------------------------------------------------------------


def publish_lower_caps(programme, user, **limits):
    programme.session_types.filter(code="individual").update(cap=5)
    for name, value in {"max_total_sessions": 15, **limits}.items():
        setattr(programme, name, value)
    programme.save()
    return programme_rules.publish(programme, user, valid_from=timezone.localdate(),
                                   change_note="Fewer individual sessions.")


def test_a_case_opened_under_version_1_keeps_its_caps_after_version_2(world, programmes):
    botp = programmes["botp"]
    old = world.case(CaseState.IN_TREATMENT, btp=world.btp)
    assert old.programme_version.number == 1
    version = publish_lower_caps(botp, world.admin, max_duration_months=6)
    assert version.number == 2
    new = Case.objects.create(programme=botp, participant=old.participant)
    assert new.programme_version == version

    old = Case.objects.get(pk=old.pk)
    assert old.rules.cap("individual") == 7 and old.rules.max_total_sessions == 20
    assert new.rules.cap("individual") == 5 and new.rules.max_total_sessions == 15
    seven = counts(botp, individual=7)
    assert caps.problems(old, seven) == []
    assert caps.problems(new, seven) == [
        "The programme allows at most 5 × “Individual session”; this makes 7."]
    old.approved_at = new.approved_at = timezone.now()
    assert duration.deadline(old) == duration.add_months(timezone.localdate(), 9)
    assert duration.deadline(new) == duration.add_months(timezone.localdate(), 6)
    # The plan's rows show each case its own caps.
    assert {t.code: t.cap for t, _a in plan.slots(old)}["individual"] == 7
    assert {t.code: t.cap for t, _a in plan.slots(new)}["individual"] == 5


def test_editing_the_programme_changes_nothing_until_published(world, programmes):
    botp = programmes["botp"]
    case = world.case(CaseState.IN_TREATMENT, btp=world.btp)
    botp.max_total_sessions = 3
    botp.save()
    assert Case.objects.get(pk=case.pk).rules.max_total_sessions == 20
    assert programme_rules.in_force(botp).max_total_sessions == 20
    assert [(c.key, c.before, c.after) for c in programme_rules.pending_changes(botp)] == [
        ("max_total_sessions", 20, 3)]


def test_a_version_from_a_later_date_applies_from_that_date(world, programmes):
    botp = programmes["botp"]
    botp.max_total_sessions = 18
    botp.save()
    later = timezone.localdate() + datetime.timedelta(days=30)
    programme_rules.publish(botp, world.admin, valid_from=later, change_note="From next month.")
    assert programme_rules.in_force(botp).max_total_sessions == 20
    assert programme_rules.in_force(botp, later).max_total_sessions == 18


def test_publishing_is_audited_with_what_changed_who_and_when(world, programmes):
    version = publish_lower_caps(programmes["botp"], world.admin)
    entry = AuditEntry.objects.get(subject=f"programme:{programmes['botp'].pk}")
    assert entry.actor == world.admin
    assert entry.changes == {"caps.individual": [7, 5], "max_total_sessions": [20, 15]}
    assert version.created_by == world.admin and version.change_note
    assert [(c.key, c.before, c.after) for c in programme_rules.version_changes(version)] == [
        ("caps.individual", 7, 5), ("max_total_sessions", 20, 15)]


def test_publishing_refuses_a_past_date_no_change_and_no_reason(world, programmes):
    botp = programmes["botp"]
    with pytest.raises(ValidationError, match="Nothing has changed"):
        programme_rules.publish(botp, world.admin, valid_from=timezone.localdate(),
                                change_note="No change.")
    botp.max_total_sessions = 18
    botp.save()
    with pytest.raises(ValidationError, match="today or later"):
        programme_rules.publish(botp, world.admin,
                                valid_from=timezone.localdate() - datetime.timedelta(days=1),
                                change_note="Back-dated.")
    with pytest.raises(ValidationError, match="what changes and why"):
        programme_rules.publish(botp, world.admin, valid_from=timezone.localdate(),
                                change_note=" ")
    assert botp.versions.count() == 1


def test_a_published_version_is_never_edited(programmes):
    version = programmes["botp"].versions.get()
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        version.delete()


def test_the_case_page_names_the_version(client, world, programmes):
    case = world.case(CaseState.IN_TREATMENT, btp=world.btp)
    publish_lower_caps(programmes["botp"], world.admin)
    client.force_login(world.admin)
    page = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "Version 1, in force from" in page


def test_the_back_office_shows_the_changes_and_publishes_them(client, world, programmes):
    from tests.factories import UserFactory

    superuser = UserFactory(role=world.admin.role, is_staff=True, is_superuser=True)
    client.force_login(superuser)
    botp = programmes["botp"]
    botp.duration_warning_days = 45
    botp.save()
    change_page = client.get(reverse("admin:botp_programme_change", args=[botp.pk]))
    assert "1 change not published yet" in change_page.content.decode()
    url = reverse("admin:botp_programme_publish", args=[botp.pk])
    page = client.get(url).content.decode()
    assert "Warning before the maximum duration (days)" in page
    refused = client.post(url, {"valid_from": "2020-01-01", "change_note": "Back-dated"})
    assert refused.status_code == 200 and "today or later" in refused.content.decode()
    assert botp.versions.count() == 1
    response = client.post(url, {"valid_from": timezone.localdate().isoformat(),
                                 "change_note": "Warn six weeks ahead."})
    assert response.status_code == 302
    version = ProgrammeVersion.objects.get(programme=botp, number=2)
    assert version.rules["duration_warning_days"] == 45 and version.created_by == superuser
    history = client.get(reverse("admin:botp_programme_change", args=[botp.pk])).content
    assert "Warn six weeks ahead." in history.decode()


def test_a_version_reads_in_the_back_office_with_its_changes(client, world, programmes):
    from tests.factories import UserFactory

    version = publish_lower_caps(programmes["botp"], world.admin)
    client.force_login(UserFactory(role=world.admin.role, is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:botp_programmeversion_change", args=[version.pk]))
    assert page.status_code == 200
    assert "Maximum sessions: Individual session: 7 → 5" in page.content.decode()
    listing = client.get(reverse("admin:botp_programmeversion_changelist"))
    assert reverse("admin:botp_programmeversion_change", args=[version.pk]) in (
        listing.content.decode())
    assert client.post(reverse("admin:botp_programmeversion_change", args=[version.pk]),
                       {}).status_code == 403
