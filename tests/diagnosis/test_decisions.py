"""The Fedris psychologist's decision and the debrief that closes a not-confirmed case."""

import pytest
from django.core import mail
from django.urls import reverse

from botp import policy, workflow
from botp.models import CaseState, Referral, SessionPhase
from diagnosis import selectors, services


def decide(world, case, decision, comment=""):
    return services.decide(case, world.psychologist, decision=decision, comment=comment,
                           expected_version=case.version)


@pytest.mark.django_db
def test_confirming_starts_treatment_and_brings_in_the_isps(
        world, diagnosis_case, submitted, django_capture_on_commit_callbacks):
    submitted()
    diagnosis_case.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event = decide(world, diagnosis_case, services.Decision.CONFIRM)
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.IN_TREATMENT
    assert diagnosis_case.treatment_started_at is not None
    # The formal approval is on record, with the version it approves.
    assert (event.action, event.actor, event.payload) == (
        "confirm_diagnosis", world.psychologist, {"report_version": 1})
    assert list(diagnosis_case.isps.all()) == [world.isp]
    told = {address for message in mail.outbox for address in message.to}
    assert {world.btp.user.email, world.isp.user.email,
            diagnosis_case.participant.user.email} <= told
    # The ISP now sees the case, and its own part of the request only.
    assert diagnosis_case in policy.visible_cases(world.isp.user)


@pytest.mark.django_db
def test_confirming_makes_one_plan_from_the_version_confirmed(world, diagnosis_case, submitted):
    from botp.models import TreatmentPlan

    submitted()
    services.decide(diagnosis_case, world.psychologist, decision=services.Decision.MORE_INFORMATION,
                    comment="Sleep?")
    draft, lines = selectors.working_copy(diagnosis_case, world.btp.user)
    services.save_report(diagnosis_case, world.btp.user, values={"answer": "Sleeps 5 hours."},
                         lines=lines[:2], submit=True)
    diagnosis_case.refresh_from_db()
    decide(world, diagnosis_case, services.Decision.CONFIRM)
    plan = TreatmentPlan.objects.get(case=diagnosis_case)
    assert plan.approved_request == selectors.latest_submitted(diagnosis_case).request
    assert plan.approved_request.version == 2
    assert [(line.session_type, line.approach, line.provider, line.planned_sessions)
            for line in plan.lines.all()] == [
        (line.session_type, line.approach, line.provider, line.planned_sessions)
        for line in plan.approved_request.lines.all()]
    diagnosis_case.refresh_from_db()
    # Deciding again is refused and makes no second plan.
    with pytest.raises(workflow.TransitionError):
        decide(world, diagnosis_case, services.Decision.CONFIRM)
    assert TreatmentPlan.objects.filter(case=diagnosis_case).count() == 1


@pytest.mark.django_db
def test_confirming_approves_the_request_of_the_last_version_sent(world):
    from django.utils import timezone

    from botp.models import TreatmentPlan, TreatmentRequest

    case = world.case(CaseState.DIAGNOSIS_REVIEW, btp=world.btp)
    with pytest.raises(workflow.TransitionError, match="no treatment request"):
        workflow.perform(case, "confirm_diagnosis", world.psychologist,
                         payload={"report_version": 1})
    for version in (1, 2):
        TreatmentRequest.objects.create(case=case, version=version, submitted_at=timezone.now())
    TreatmentRequest.objects.create(case=case, version=3)  # a draft
    for payload in ({}, {"report_version": 1}, {"report_version": 3}):
        with pytest.raises(workflow.TransitionError, match="no treatment request"):
            workflow.perform(case, "confirm_diagnosis", world.psychologist, payload=payload)
    case.refresh_from_db()
    assert (case.state, case.version) == (CaseState.DIAGNOSIS_REVIEW, 1)
    assert not TreatmentPlan.objects.exists()
    workflow.perform(case, "confirm_diagnosis", world.psychologist, payload={"report_version": 2})
    assert TreatmentPlan.objects.get(case=case).approved_request.version == 2


@pytest.mark.django_db
@pytest.mark.parametrize("decision", [services.Decision.NOT_CONFIRM,
                                      services.Decision.MORE_INFORMATION])
def test_not_confirming_and_asking_need_a_comment(world, diagnosis_case, submitted, decision):
    submitted()
    diagnosis_case.refresh_from_db()
    with pytest.raises(workflow.TransitionError, match="reason"):
        decide(world, diagnosis_case, decision, comment="  ")
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.DIAGNOSIS_REVIEW


@pytest.mark.django_db
def test_asking_for_more_information_returns_the_case_to_the_btp(
        world, diagnosis_case, submitted, django_capture_on_commit_callbacks):
    submitted()
    diagnosis_case.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(world, diagnosis_case, services.Decision.MORE_INFORMATION, "Sleep?")
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.IN_DIAGNOSIS
    assert any(world.btp.user.email in message.to for message in mail.outbox)
    # No clinical words travel by e-mail.
    assert all("Sleep?" not in message.body for message in mail.outbox)
    assert workflow.may(world.btp.user, "write_diagnosis_report", diagnosis_case)


@pytest.mark.django_db
def test_not_confirmed_then_one_debrief_then_closed_with_a_referral(
        world, diagnosis_case, submitted, record):
    submitted()
    diagnosis_case.refresh_from_db()
    decide(world, diagnosis_case, services.Decision.NOT_CONFIRM, "Depressive episode.")
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.NOT_CONFIRMED
    assert not diagnosis_case.isps.exists()

    # Closing needs the debrief first.
    with pytest.raises(workflow.TransitionError, match="debrief"):
        services.close_after_debrief(diagnosis_case, world.btp.user, referral=Referral.GP)
    record(diagnosis_case, phase=SessionPhase.DEBRIEF, days_ago=0)
    with pytest.raises(workflow.TransitionError, match="where you refer"):
        services.close_after_debrief(diagnosis_case, world.btp.user, referral="shaman")
    event = services.close_after_debrief(diagnosis_case, world.btp.user,
                                         referral=Referral.PSYCHIATRIST, note="Dr. X")
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.CLOSED and diagnosis_case.ended_at
    assert event.payload == {"referral": "psychiatrist", "reason": "Dr. X"}


@pytest.mark.django_db
def test_a_debrief_no_show_still_lets_the_btp_close(world, record):
    case = world.case(CaseState.NOT_CONFIRMED, btp=world.btp)
    record(case, phase=SessionPhase.DEBRIEF, status="no_show", days_ago=0)
    services.close_after_debrief(case, world.btp.user, referral=Referral.GP)
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED


@pytest.mark.django_db
def test_the_referral_note_is_clinical(client, world, record):
    case = world.case(CaseState.NOT_CONFIRMED, btp=world.btp)
    record(case, phase=SessionPhase.DEBRIEF, days_ago=0)
    services.close_after_debrief(case, world.btp.user, referral=Referral.GP,
                                 note="Suspected bipolar disorder")
    client.force_login(world.admin)
    assert "bipolar" not in client.get(reverse("case_detail", args=[case.reference])).content \
        .decode()
    client.force_login(world.psychologist)
    assert "bipolar" in client.get(reverse("diagnosis:overview", args=[case.reference])) \
        .content.decode()


@pytest.mark.django_db
def test_the_decision_page(client, world, diagnosis_case, submitted):
    submitted()
    client.force_login(world.psychologist)
    url = reverse("diagnosis:review", args=[diagnosis_case.reference])
    page = client.get(url)
    assert page.status_code == 200 and "Understaffing." in page.content.decode()
    # Not confirming without reasons: a clear message, nothing changes.
    diagnosis_case.refresh_from_db()
    response = client.post(url, {"version": diagnosis_case.version, "decision": "not_confirm"})
    assert response.status_code == 400
    assert "Give your reasons" in response.content.decode()
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.DIAGNOSIS_REVIEW

    response = client.post(url, {"version": diagnosis_case.version, "decision": "confirm"})
    assert response.status_code == 302 and response["Location"] == reverse("diagnosis:queue")
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.IN_TREATMENT


@pytest.mark.django_db
def test_a_second_psychologist_deciding_on_a_stale_page_is_told(client, world, diagnosis_case,
                                                                 submitted):
    from tests.factories import UserFactory

    submitted()
    diagnosis_case.refresh_from_db()
    page_version = diagnosis_case.version
    decide(world, diagnosis_case, services.Decision.CONFIRM)
    second = UserFactory(role="fedris_psychologist")
    client.force_login(second)
    response = client.post(reverse("diagnosis:review", args=[diagnosis_case.reference]),
                           {"version": page_version, "decision": "not_confirm",
                            "comment": "No burnout."})
    assert response.status_code == 409
    assert "Someone else changed this case" in response.content.decode()
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.IN_TREATMENT
    assert diagnosis_case.events.filter(action="not_confirm_diagnosis").count() == 0


@pytest.mark.django_db
def test_closing_through_the_page(client, world, record):
    case = world.case(CaseState.NOT_CONFIRMED, btp=world.btp)
    client.force_login(world.btp.user)
    close = reverse("diagnosis:close", args=[case.reference])
    response = client.post(close, {"version": case.version, "referral": "gp"})
    assert response.status_code == 409 and "Record the debrief" in response.content.decode()
    response = client.post(reverse("diagnosis:record_session", args=[case.reference]), {
        "date": __import__("datetime").date.today().isoformat(), "duration_minutes": "45",
        "status": "held"})
    assert response.status_code == 302
    case.refresh_from_db()
    response = client.post(close, {"version": case.version})
    assert response.status_code == 400
    response = client.post(close, {"version": case.version, "referral": "occupational_physician"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED


@pytest.mark.django_db
def test_a_third_diagnosis_session_through_the_page_gets_a_clear_message(client, world,
                                                                          diagnosis_case, record):
    import datetime

    record(diagnosis_case, days_ago=3)
    record(diagnosis_case, days_ago=2)
    client.force_login(world.btp.user)
    response = client.post(reverse("diagnosis:record_session", args=[diagnosis_case.reference]),
                           {"date": datetime.date.today().isoformat(), "duration_minutes": "60",
                            "status": "held"})
    assert response.status_code == 400
    assert "at most 2 × “Diagnosis session”" in response.content.decode()
    assert diagnosis_case.sessions.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("language, very_high, moderate", [
    ("en", "Very high risk of burnout", "Moderate"), ("fr", "Risque très élevé de burnout",
                                                      "Modéré"),
    ("nl", "Zeer hoog risico op burn-out", "Matig")])
def test_the_review_shows_each_score_with_its_severity_band_and_the_total_requested(
        client, world, diagnosis_case, submitted, language, very_high, moderate):
    import re

    submitted()
    client.force_login(world.psychologist)
    client.cookies["django_language"] = language
    html = client.get(reverse("diagnosis:review", args=[diagnosis_case.reference])
                      ).content.decode()
    rows = {re.sub(r"\s+", " ", row) for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)}

    def row_of(value, band):
        return any(f"<td>{value}</td>" in row and band in row for row in rows)

    assert row_of("3.40", very_high) or row_of("3,40", very_high)  # BAT total 3.40
    assert row_of("24", moderate)  # DASS-21 stress 24: moderate (19-25)
    assert "band-highest" in html  # the BAT total is in its highest band
    requested = sum(line.planned_sessions for line in
                    diagnosis_case.diagnosis_reports.get(version=1).request_lines.all())
    assert re.search(rf"<tfoot><tr><th scope=\"row\">[^<]+</th><td>{requested}</td>", html)
    screening_link = 'href="/intake/requests/'
    assert (screening_link in html) == hasattr(diagnosis_case, "screening_request")
