"""The end of treatment: the final report completes the case; withdrawal ends it early."""

import pytest
from django.urls import reverse

from botp import workflow
from botp.models import Approach, CaseState, SessionStatus
from botp.reports import ReportRefused
from treatment import services
from treatment.models import FinalReport

COMPLETE = {"work_status": "working_partly", "outcome": "improved",
            "conclusion": "Energy restored.", "further_care": False,
            "adaptations": "Part-time return."}


def deliver(world, case, give):
    give(case, "work_related")
    give(case, "work_related")
    give(case, "starter_kit", who=world.isp.user)
    give(case, "individual", who=world.isp.user, approach=Approach.COGNITIVE_EMOTIONAL)
    give(case, "follow_up", status=SessionStatus.NO_SHOW)


@pytest.mark.django_db
def test_the_final_report_counts_the_sessions_recorded(world, treated, give):
    deliver(world, treated, give)
    report = services.save_final_report(treated, world.btp.user, values=COMPLETE, submit=True)
    recorded = {}
    for session in treated.sessions.filter(status="held"):
        recorded[session.session_type.code] = recorded.get(session.session_type.code, 0) + 1
    assert report.sessions_delivered == recorded == {
        "diagnosis": 2, "work_related": 2, "starter_kit": 1, "individual": 1}
    treated.refresh_from_db()
    assert treated.state == CaseState.COMPLETED and treated.ended_at


@pytest.mark.django_db
def test_a_submitted_final_report_is_frozen(world, treated, give):
    report = services.save_final_report(treated, world.btp.user, values=COMPLETE, submit=True)
    report.conclusion = "Changed later"
    with pytest.raises(PermissionError):
        report.save()
    with pytest.raises(workflow.TransitionError):
        services.save_final_report(treated, world.btp.user, values={"conclusion": "x"})
    assert FinalReport.objects.get().conclusion == "Energy restored."


@pytest.mark.django_db
@pytest.mark.parametrize("missing, field", [
    ({"work_status": ""}, "work_status"),
    ({"outcome": ""}, "outcome"),
    ({"conclusion": ""}, "conclusion"),
    ({"further_care": None}, "further_care"),
    ({"further_care": True}, "referral"),
    ({"work_status": "other"}, "work_status_other"),
])
def test_the_final_report_is_sent_complete(world, treated, missing, field):
    with pytest.raises(ReportRefused) as refused:
        services.save_final_report(treated, world.btp.user, values={**COMPLETE, **missing},
                                   submit=True)
    assert field in dict(refused.value.problems)
    treated.refresh_from_db()
    assert treated.state == CaseState.IN_TREATMENT
    assert not FinalReport.objects.filter(submitted_at__isnull=False).exists()


@pytest.mark.django_db
def test_planned_sessions_must_be_settled_first(world, treated, give):
    give(treated, "follow_up", status=SessionStatus.PLANNED, days=4)
    with pytest.raises(ReportRefused, match="still planned"):
        services.save_final_report(treated, world.btp.user, values=COMPLETE, submit=True)


@pytest.mark.django_db
def test_a_draft_is_kept_and_a_referral_recorded(world, treated):
    services.save_final_report(treated, world.btp.user, values={"conclusion": "So far"})
    report = services.save_final_report(
        treated, world.btp.user, values={**COMPLETE, "further_care": True,
                                         "referral": "psychologist", "referral_note": "Dr. Y"},
        submit=True)
    assert (report.referral, report.referral_note) == ("psychologist", "Dr. Y")


@pytest.mark.django_db
@pytest.mark.parametrize("role, status", [
    ("psychologist", 200), ("btp", 200), ("admin", 403), ("isp", 403), ("participant", 403),
    ("referrer", 403), ("other_btp", 404),
])
def test_who_reads_the_final_report(client, world, treated, role, status):
    services.save_final_report(treated, world.btp.user, values=COMPLETE, submit=True)
    user = world.user(role)
    client.force_login(user)
    response = client.get(reverse("treatment:final_report", args=[treated.reference]))
    assert response.status_code == status
    assert ("Energy restored." in response.content.decode()) == (status == 200)


@pytest.mark.django_db
def test_the_final_report_page_sends_it(client, world, treated, give):
    give(treated, "work_related")
    client.force_login(world.btp.user)
    url = reverse("treatment:final_report", args=[treated.reference])
    response = client.post(url, {"version": treated.version, "action": "submit",
                                 "work_status": "working_fully", "outcome": "recovered",
                                 "conclusion": "Back at work.", "further_care": "no"})
    assert response.status_code == 302
    treated.refresh_from_db()
    assert treated.state == CaseState.COMPLETED
    page = client.get(url).content.decode()
    assert "Back at work." in page and "Work-related session" in page


# --- Withdrawal ---------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("who", ["participant", "admin"])
def test_the_participant_or_an_administrator_withdraws_with_a_reason(client, world, treated,
                                                                     who):
    user = world.participant if who == "participant" else world.admin
    client.force_login(user)
    url = reverse("case_transition", args=[treated.reference, "withdraw"])
    assert client.post(url, {"version": treated.version}).status_code == 409
    client.post(url, {"version": treated.version, "reason": "Moving abroad"})
    treated.refresh_from_db()
    assert treated.state == CaseState.WITHDRAWN
    event = treated.events.get(action="withdraw")
    assert (event.actor, event.payload["reason"]) == (user, "Moving abroad")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["btp", "isp", "psychologist", "referrer"])
def test_others_cannot_withdraw_the_case(world, treated, who):
    user = world.user(who)
    with pytest.raises(workflow.TransitionForbidden):
        workflow.perform(treated, "withdraw", user, payload={"reason": "x"})


@pytest.mark.django_db
def test_the_participants_page_offers_withdrawal(client, world, treated):
    client.force_login(world.participant)
    page = client.get(reverse("treatment:mine", args=[treated.reference])).content.decode()
    assert "Withdraw from the programme" in page
    # Leaving goes through a page that asks the participant to confirm.
    assert reverse("case_leave", args=[treated.reference]) in page
    leave = client.get(reverse("case_leave", args=[treated.reference])).content.decode()
    assert "Yes, leave the programme" in leave


@pytest.mark.django_db
def test_leaving_cancels_the_planned_sessions_and_tells_every_provider(
        world, treated, give, django_capture_on_commit_callbacks):
    from django.core import mail

    from botp import workflow
    from botp.models import SessionStatus

    treated.isps.add(world.isp)
    planned = give(treated, "follow_up", status=SessionStatus.PLANNED, days=4)
    held = give(treated, "follow_up")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event = workflow.perform(treated, "withdraw", treated.participant.user,
                                 payload={"reason": "Moving abroad"})
    planned.refresh_from_db()
    held.refresh_from_db()
    assert (planned.status, held.status) == (SessionStatus.CANCELLED, SessionStatus.HELD)
    assert event.payload["sessions_cancelled"] == 1
    told = {address for message in mail.outbox for address in message.to}
    assert {world.btp.user.email, world.isp.user.email} <= told
