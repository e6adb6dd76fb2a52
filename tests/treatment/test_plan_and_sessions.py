"""The treatment plan and the sessions given under it: caps, professions, the plan's limits."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from botp import workflow
from botp.models import Approach, CaseState, PlanAmendment, SessionStatus
from botp.plan import plan_for
from diagnosis import selectors as diagnosis_selectors
from diagnosis import services as diagnosis
from tests.factories import ProviderFactory, put_case_in, set_rules
from tests.scenarios import confirm, in_diagnosis, lines_for
from treatment import selectors, services

CE = Approach.COGNITIVE_EMOTIONAL
PC = Approach.PSYCHO_CORPORAL


@pytest.mark.django_db
def test_the_plan_starts_as_the_approved_request(world, treated):
    plan = plan_for(treated)
    assert plan.approved_request == diagnosis_selectors.latest_submitted(treated).request
    assert {(line.session_type.code, line.approach, line.provider, line.planned_sessions)
            for line in plan.lines.all()} == {
        ("work_related", "", None, 3), ("starter_kit", "", world.isp, 3),
        ("individual", CE, world.isp, 5), ("follow_up", "", None, 2)}
    assert plan_for(treated) == plan  # made once


@pytest.mark.django_db
def test_no_plan_before_the_diagnosis_is_confirmed(world, submitted, diagnosis_case):
    submitted()
    assert plan_for(diagnosis_case) is None


@pytest.mark.django_db
def test_the_btp_and_the_isp_record_what_the_plan_gives_them(world, treated, give):
    give(treated, "work_related")
    give(treated, "starter_kit", who=world.isp.user)
    give(treated, "individual", who=world.isp.user, approach=CE, status=SessionStatus.PLANNED,
         days=3)
    assert selectors.sessions_delivered(treated) == {"diagnosis": 2, "work_related": 1,
                                                    "starter_kit": 1}


@pytest.mark.django_db
@pytest.mark.parametrize("code, who, approach, message", [
    ("individual", "btp", CE, "is given by: ISP"),  # the BTP is not an ISP
    ("work_related", "isp", "", "is given by: BTP"),  # an ISP gives no work-related session
    ("individual", "isp", PC, "has no “Individual session” sessions given by you"),
    ("career_change", "btp", "", "has no “Career change counselling” sessions"),
    ("diagnosis", "btp", "", "not a treatment session"),
    ("multidisciplinary_meeting", "btp", "", "workplace meeting on its own form"),
    ("individual", "isp", "", "Choose the approach"),
])
def test_sessions_outside_role_profession_or_plan_are_refused(world, treated, give, code, who,
                                                             approach, message):
    user = world.btp.user if who == "btp" else world.isp.user
    with pytest.raises(ValidationError, match=message):
        give(treated, code, who=user, approach=approach)
    assert selectors.sessions_delivered(treated) == {"diagnosis": 2}


@pytest.mark.django_db
def test_a_physiotherapist_gives_no_cognitive_emotional_session(world, physio):
    case = confirm(world, in_diagnosis(world), plan={f"individual-{PC}": 4})
    case.isps.add(physio)
    # Even if a plan line named them, the profession rule holds at recording.
    plan = plan_for(case)
    plan.lines.create(session_type=case.programme.session_types.get(code="individual"),
                      approach=CE, provider=physio, planned_sessions=2)
    with pytest.raises(ValidationError, match="physiotherapist and cannot give"):
        services.record_session(case, physio.user, type_code="individual", approach=CE,
                                status="held", duration_minutes=60, date=datetime.date.today())


@pytest.mark.django_db
def test_the_plan_line_is_used_up_by_held_and_planned_sessions(world, treated, give):
    for _ in range(2):
        give(treated, "follow_up")
    with pytest.raises(ValidationError, match="The plan has 2 “Follow-up session” sessions by "
                                              "you, all held or planned already"):
        give(treated, "follow_up", status=SessionStatus.PLANNED, days=2)
    # A no-show does not use the plan up: three work-related sessions remain to be held.
    give(treated, "work_related", status=SessionStatus.NO_SHOW)
    for _ in range(3):
        give(treated, "work_related")


@pytest.mark.django_db
@pytest.mark.parametrize("code, cap, approach, who", [
    ("work_related", 4, "", "btp"), ("starter_kit", 3, "", "isp"),
    ("individual", 7, CE, "isp"), ("follow_up", 2, "", "btp"), ("career_change", 2, "", "btp"),
])
def test_each_treatment_cap_holds_even_with_a_bigger_plan_line(world, give, code, cap, approach,
                                                              who):
    case = confirm(world, in_diagnosis(world), plan={f"{code}-{approach}" if approach else code:
                                                     cap})
    # Stretch the plan line past the cap behind the plan's back: the programme cap still holds.
    line = plan_for(case).lines.get()
    line.planned_sessions = cap + 3
    line.save()
    user = world.btp.user if who == "btp" else world.isp.user
    for _ in range(cap):
        give(case, code, who=user, approach=approach)
    with pytest.raises(ValidationError, match=f"at most {cap} ×"):
        give(case, code, who=user, approach=approach)
    assert case.sessions.filter(session_type__code=code, status="held").count() == cap


@pytest.mark.django_db
def test_the_total_of_twenty_with_diagnosis(world, give):
    full = {"work_related": 4, "starter_kit": 3, f"individual-{CE}": 7, "follow_up": 2,
            "career_change": 2}
    case = confirm(world, in_diagnosis(world), plan=full)  # 2 diagnosis + 18 = 20
    for code, number in full.items():
        code, _, approach = code.partition("-")
        who = world.isp.user if code in ("starter_kit", "individual") else world.btp.user
        for _ in range(number):
            give(case, code, who=who, approach=approach)
    assert sum(selectors.sessions_delivered(case).values()) == 20
    # Lower the programme total: the 21st session would break it, whatever its type.
    set_rules(world.programme, max_total_sessions=20, caps={"follow_up": 3})
    plan_for(case).lines.filter(session_type__code="follow_up").update(
        planned_sessions=3)
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="at most 20 diagnosis and treatment sessions"):
        give(case, "follow_up")


@pytest.mark.django_db
def test_the_fa_botp_caps_treatment_at_ten(world, programmes):
    fa = programmes["fa-botp"]
    world.isp.programmes.add(fa)
    case = in_diagnosis(world)
    case.programme, case.programme_version = fa, fa.versions.get()
    case.save()
    with pytest.raises(diagnosis.ReportRefused, match="at most 10 treatment sessions"):
        confirm(world, case, plan={"work_related": 4, "starter_kit": 3, f"individual-{CE}": 4})


@pytest.mark.django_db
def test_planned_sessions_become_held_within_the_caps(world, treated, give):
    planned = give(treated, "follow_up", status=SessionStatus.PLANNED, days=1)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.change_session(planned, world.btp.user, status=SessionStatus.HELD)
    cancelled = services.change_session(planned, world.btp.user,
                                        status=SessionStatus.CANCELLED)
    assert cancelled.status == SessionStatus.CANCELLED
    today = give(treated, "follow_up", status=SessionStatus.PLANNED, days=0)
    assert services.change_session(today, world.btp.user,
                                   status=SessionStatus.HELD).status == SessionStatus.HELD
    assert selectors.sessions_delivered(treated)["follow_up"] == 1


@pytest.mark.django_db
def test_only_who_gave_a_session_changes_it(world, treated, give):
    session = give(treated, "starter_kit", who=world.isp.user, status=SessionStatus.PLANNED,
                   days=2)
    with pytest.raises(workflow.TransitionForbidden, match="Only who gave"):
        services.change_session(session, world.btp.user, status=SessionStatus.CANCELLED)


@pytest.mark.django_db
@pytest.mark.parametrize("state", [CaseState.COMPLETED, CaseState.WITHDRAWN])
def test_no_session_after_the_treatment_ended(world, treated, give, state):
    put_case_in(treated, state)
    with pytest.raises(workflow.TransitionError) as refused:
        give(treated, "work_related")
    assert refused.value.status == 409


# --- Amendments ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_every_amendment_records_who_when_why(world, treated):
    plan = plan_for(treated)
    lines = lines_for(treated, world.isp, work_related=4, starter_kit=3,
                      **{f"individual-{CE}": 6}, career_change=1)
    services.amend_plan(treated, world.btp.user, lines=lines, reason="More work focus needed.")
    amendment = PlanAmendment.objects.get(plan=plan)
    assert (amendment.actor, amendment.reason) == (world.btp.user, "More work focus needed.")
    before = {(row["type"], row["planned"]) for row in amendment.before}
    after = {(row["type"], row["planned"]) for row in amendment.after}
    assert ("follow_up", 2) in before and ("follow_up", 2) not in after
    assert ("career_change", 1) in after
    assert plan.lines.get(session_type__code="work_related").planned_sessions == 4
    with pytest.raises(PermissionError):
        amendment.delete()


@pytest.mark.django_db
def test_an_amendment_needs_a_reason_and_stays_within_the_caps(world, treated):
    plan = plan_for(treated)
    lines = lines_for(treated, world.isp, work_related=5)
    with pytest.raises(ValidationError, match="Say why"):
        services.amend_plan(treated, world.btp.user, lines=lines, reason=" ")
    with pytest.raises(ValidationError, match="at most 4 ×"):
        services.amend_plan(treated, world.btp.user, lines=lines, reason="More")
    assert not plan.amendments.exists()
    assert plan.lines.get(session_type__code="work_related").planned_sessions == 3


@pytest.mark.django_db
def test_an_amendment_cannot_drop_sessions_already_given(world, treated, give):
    give(treated, "work_related")
    give(treated, "work_related")
    with pytest.raises(ValidationError, match="already held or planned"):
        services.amend_plan(treated, world.btp.user,
                            lines=lines_for(treated, world.isp, work_related=1), reason="Fewer")


@pytest.mark.django_db
def test_isps_follow_the_plan(world, treated):
    newcomer = ProviderFactory(is_btp=False, is_isp=True, programmes=[world.programme])
    services.amend_plan(treated, world.btp.user,
                        lines=lines_for(treated, newcomer, **{f"individual-{PC}": 3}),
                        reason="Change of ISP")
    assert list(treated.isps.all()) == [newcomer]
    from botp import policy

    assert treated not in policy.visible_cases(world.isp.user)
    assert treated in policy.visible_cases(newcomer.user)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["isp", "psychologist", "admin", "participant"])
def test_only_the_btp_amends_the_plan(world, treated, who):
    user = world.user(who)
    with pytest.raises(workflow.TransitionForbidden):
        services.amend_plan(treated, user, lines=lines_for(treated, world.isp, work_related=1),
                            reason="x")


# --- The plan is changed by workflow steps only -------------------------------------------------

@pytest.mark.django_db
def test_amending_writes_a_case_event_and_the_removed_isp_loses_access_at_once(client, world,
                                                                              treated):
    from django.db import transaction
    from django.urls import reverse

    from botp import policy

    newcomer = ProviderFactory(is_btp=False, is_isp=True, programmes=[world.programme])
    version = treated.version
    with transaction.atomic():
        services.amend_plan(treated, world.btp.user,
                            lines=lines_for(treated, newcomer, **{f"individual-{PC}": 3}),
                            reason="Change of ISP", expected_version=version)
        # Still inside the amendment's transaction: the case has moved on and the ISP is out.
        event = treated.events.last()
        assert (event.action, event.actor, event.from_state, event.to_state) == (
            "amend_plan", world.btp.user, CaseState.IN_TREATMENT, CaseState.IN_TREATMENT)
        assert event.payload == {"amendment": PlanAmendment.objects.get().pk}
        treated.refresh_from_db()
        assert treated.version == version + 1
        assert treated not in policy.visible_cases(world.isp.user)
        assert treated in policy.visible_cases(newcomer.user)
        page = reverse("case_detail", args=[treated.reference])
        client.force_login(world.isp.user)
        assert client.get(page).status_code == 404
        client.force_login(newcomer.user)
        assert client.get(page).status_code == 200


@pytest.mark.django_db
def test_a_refused_or_stale_amendment_changes_nothing(world, treated):
    version = treated.version
    events = treated.events.count()
    with pytest.raises(ValidationError, match="at most 4 ×"):
        services.amend_plan(treated, world.btp.user,
                            lines=lines_for(treated, world.isp, work_related=5),
                            reason="More", expected_version=version)
    with pytest.raises(workflow.StaleCase):
        services.amend_plan(treated, world.btp.user, lines=lines_for(treated, None, work_related=4),
                            reason="More", expected_version=version - 1)
    treated.refresh_from_db()
    assert (treated.version, treated.events.count()) == (version, events)
    assert list(treated.isps.all()) == [world.isp]
    assert not PlanAmendment.objects.exists()


@pytest.mark.django_db
def test_the_timeline_names_the_amendment_and_not_its_reason(client, world, treated):
    from django.urls import reverse

    services.amend_plan(treated, world.btp.user,
                        lines=lines_for(treated, world.isp, work_related=4),
                        reason="Panic attacks worsened")
    for user in (world.admin, world.btp.user, world.participant):
        client.force_login(user)
        page = client.get(reverse("case_detail", args=[treated.reference])).content.decode()
        assert "Treatment plan amended" in page and "Panic attacks" not in page, user


@pytest.mark.django_db
@pytest.mark.parametrize("page, who", [("treatment:mine", "participant"),
                                       ("treatment:overview", "btp"),
                                       ("treatment:overview", "isp")])
def test_reading_the_plan_writes_nothing_but_the_audit_trail(client, world, treated, page, who):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from botp.models import TreatmentPlan

    # A case confirmed before plans were made at the confirmation, whose plan was never made.
    TreatmentPlan.objects.filter(case=treated).delete()
    client.force_login(world.user(who))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(page, args=[treated.reference])).status_code == 200
    writes = [query["sql"] for query in queries.captured_queries
              if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes and all("botp_auditentry" in sql for sql in writes), writes
    assert not TreatmentPlan.objects.exists()


@pytest.mark.django_db
def test_a_planned_session_has_a_time_and_a_place_the_participant_sees(client, world, treated,
                                                                      give):
    from django.urls import reverse

    from treatment import services

    when = datetime.date.today() + datetime.timedelta(days=5)
    with pytest.raises(ValidationError) as refused:
        services.record_session(treated, world.btp.user, type_code="follow_up", date=when,
                                duration_minutes=60, status=SessionStatus.PLANNED)
    assert set(refused.value.message_dict) == {"starts_at", "place"}
    planned = services.record_session(
        treated, world.btp.user, type_code="follow_up", date=when, duration_minutes=60,
        status=SessionStatus.PLANNED, starts_at=datetime.time(9, 15),
        place="Kerkstraat 4, Antwerpen")
    assert (planned.starts_at, planned.place) == (datetime.time(9, 15), "Kerkstraat 4, Antwerpen")
    # A held session needs neither.
    give(treated, "follow_up")

    client.force_login(treated.participant.user)
    home = client.get(reverse("dashboard")).content.decode()
    assert "9:15" in home or "09:15" in home
    assert "Kerkstraat 4, Antwerpen" in home
    # The providers see them in the case's sessions too.
    client.force_login(world.btp.user)
    page = client.get(reverse("treatment:overview", args=[treated.reference])).content.decode()
    assert "Kerkstraat 4, Antwerpen" in page and ("9:15" in page or "09:15" in page)
