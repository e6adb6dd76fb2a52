"""The diagnosis report and treatment request: drafts, bad input, submission, versions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from botp import workflow
from botp.models import Approach, CaseState, TreatmentRequestLine
from diagnosis import selectors, services
from diagnosis.models import DiagnosisReport
from tests.factories import ProviderFactory, set_rules
from tests.scenarios import DEFAULT_PLAN, complete_values, in_diagnosis, lines_for


def save(world, case, values=None, lines=(), submit=False):
    return services.save_report(case, world.btp.user, values=values or {}, lines=list(lines),
                                submit=submit)


@pytest.mark.django_db
def test_a_draft_may_be_incomplete_and_is_kept(world, diagnosis_case):
    report = save(world, diagnosis_case, {"anamnesis": "First notes"})
    assert (report.version, report.is_submitted) == (1, False)
    again = save(world, diagnosis_case, {"work_factors": "Understaffing"})
    assert again.pk == report.pk
    report.refresh_from_db()
    assert (report.anamnesis, report.work_factors) == ("First notes", "Understaffing")
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.IN_DIAGNOSIS


@pytest.mark.django_db
def test_submitting_sends_report_and_request_to_fedris(world, diagnosis_case, submitted,
                                                       django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        report = submitted()
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.DIAGNOSIS_REVIEW
    assert report.is_submitted
    event = diagnosis_case.events.get(action="submit_diagnosis")
    assert event.payload == {"report_version": 1}
    planned = {(line.session_type.code, line.approach): line.planned_sessions
               for line in report.request_lines.all()}
    assert planned == {("work_related", ""): 3, ("starter_kit", ""): 3,
                       ("individual", Approach.COGNITIVE_EMOTIONAL): 5, ("follow_up", ""): 2}
    assert any(world.psychologist.email in message.to for message in mail.outbox)


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["bat_total", "dass_stress", "anamnesis", "conclusion",
                                     "burnout_present", "differential_diagnoses"])
def test_a_report_is_sent_only_complete(world, diagnosis_case, record, missing):
    record(diagnosis_case)
    values = complete_values(**{missing: [] if missing == "differential_diagnoses" else None})
    with pytest.raises(services.ReportRefused) as refused:
        save(world, diagnosis_case, values, lines_for(diagnosis_case, world.isp, **DEFAULT_PLAN),
             submit=True)
    assert missing in dict(refused.value.problems)
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.IN_DIAGNOSIS
    assert not DiagnosisReport.objects.filter(case=diagnosis_case).exists()


@pytest.mark.django_db
def test_a_report_needs_a_held_diagnosis_session(world, diagnosis_case, record):
    record(diagnosis_case, status="no_show")
    with pytest.raises(services.ReportRefused, match="diagnosis session"):
        save(world, diagnosis_case, complete_values(),
             lines_for(diagnosis_case, world.isp, **DEFAULT_PLAN), submit=True)


@pytest.mark.django_db
def test_a_confirmed_burnout_needs_a_planned_treatment(world, diagnosis_case, record):
    record(diagnosis_case)
    with pytest.raises(services.ReportRefused, match="plans no session"):
        save(world, diagnosis_case, complete_values(), [], submit=True)
    # A report concluding no burnout may go without a request.
    save(world, diagnosis_case, complete_values(burnout_present=False, burnout_stage=""), [],
         submit=True)
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.DIAGNOSIS_REVIEW


@pytest.mark.django_db
def test_suicidal_ideation_demands_an_urgent_referral(world, diagnosis_case, record):
    record(diagnosis_case)
    lines = lines_for(diagnosis_case, world.isp, **DEFAULT_PLAN)
    with pytest.raises(services.ReportRefused) as refused:
        save(world, diagnosis_case, complete_values(suicidal_ideation=True), lines, submit=True)
    assert "urgent_referral" in dict(refused.value.problems)
    save(world, diagnosis_case, complete_values(
        suicidal_ideation=True, urgent_referral="Referred to the GP the same day."), lines,
         submit=True)


@pytest.mark.django_db
def test_a_red_flag_comes_first_in_the_psychologists_queue(world, submitted, record):
    from botp import policy

    older, flagged, third = (in_diagnosis(world, mine=False) for _ in range(3))
    submitted(older)
    submitted(flagged, suicidal_ideation=True, urgent_referral="Emergency services.")
    submitted(third)
    queue = selectors.review_queue(policy.cases_for(world.psychologist,
                                                   policy.Action.VIEW_CLINICAL))
    assert list(queue) == [flagged, older, third]


# --- Bad input ---------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("field, value", [
    ("bat_total", "0.99"), ("bat_exhaustion", "5.01"), ("dass_depression", "44"),
    ("dass_anxiety", "-2"), ("dass_stress", "13"), ("bat_mental_distance", "three"),
])
def test_out_of_range_scores_are_refused_and_nothing_is_saved(client, world, diagnosis_case,
                                                               field, value):
    client.force_login(world.btp.user)
    response = client.post(reverse("diagnosis:report", args=[diagnosis_case.reference]), {
        "version": diagnosis_case.version, "action": "draft", "anamnesis": "Some notes",
        field: value,
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert "error-summary" in page
    assert any(text in page for text in ("less than or equal", "greater than or equal",
                                         "always even", "Enter a number", "Enter a whole"))
    assert not DiagnosisReport.objects.filter(case=diagnosis_case).exists()


@pytest.mark.django_db
def test_a_physiotherapist_cannot_be_proposed_for_cognitive_emotional_sessions(
        world, diagnosis_case, physio):
    lines = lines_for(diagnosis_case, physio,
                      **{f"individual-{Approach.COGNITIVE_EMOTIONAL}": 3})
    with pytest.raises(services.ReportRefused, match="physiotherapist and cannot give"):
        save(world, diagnosis_case, {}, lines)
    # The same physiotherapist for psycho-corporal sessions and the starter kit is fine.
    save(world, diagnosis_case, {}, lines_for(
        diagnosis_case, physio, **{f"individual-{Approach.PSYCHO_CORPORAL}": 3, "starter_kit": 3}))
    assert TreatmentRequestLine.objects.filter(provider=physio).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["not_isp", "inactive", "untrained", "other_programme"])
def test_only_accredited_isps_of_the_programme_can_be_proposed(world, diagnosis_case,
                                                               programmes, kind):
    provider = {
        "not_isp": lambda: world.other_btp,
        "inactive": lambda: ProviderFactory(is_btp=False, is_isp=True, active=False,
                                            programmes=[world.programme]),
        "untrained": lambda: ProviderFactory(is_btp=False, is_isp=True,
                                             training_completed=False,
                                             programmes=[world.programme]),
        "other_programme": lambda: ProviderFactory(is_btp=False, is_isp=True,
                                                   programmes=[programmes["fa-botp"]]),
    }[kind]()
    with pytest.raises(services.ReportRefused, match="not an accredited ISP"):
        save(world, diagnosis_case, {}, lines_for(
            diagnosis_case, provider, **{f"individual-{Approach.PSYCHO_CORPORAL}": 2}))
    assert not DiagnosisReport.objects.exists()


@pytest.mark.django_db
def test_isp_sessions_need_an_isp(world, diagnosis_case):
    lines = lines_for(diagnosis_case, None, **{f"individual-{Approach.PSYCHO_CORPORAL}": 2})
    with pytest.raises(services.ReportRefused, match="Propose the ISP"):
        save(world, diagnosis_case, {}, lines)


@pytest.mark.django_db
def test_per_type_caps_hold_in_the_request(world, diagnosis_case):
    lines = lines_for(diagnosis_case, world.isp, **{
        f"individual-{Approach.COGNITIVE_EMOTIONAL}": 4,
        f"individual-{Approach.PSYCHO_CORPORAL}": 4})
    with pytest.raises(services.ReportRefused, match="at most 7 × “Individual session”; this "
                                                     "makes 8"):
        save(world, diagnosis_case, {}, lines)


@pytest.mark.django_db
def test_the_total_counts_the_diagnosis_sessions_held(world, diagnosis_case, record):
    full = {"work_related": 4, "starter_kit": 3, f"individual-{Approach.COGNITIVE_EMOTIONAL}": 7,
            "follow_up": 2, "career_change": 2}  # 18 treatment sessions
    record(diagnosis_case, days_ago=3)
    record(diagnosis_case, days_ago=2)
    save(world, diagnosis_case, {}, lines_for(diagnosis_case, world.isp, **full))  # 2 + 18
    set_rules(world.programme, max_total_sessions=19)
    diagnosis_case.refresh_from_db()
    with pytest.raises(services.ReportRefused, match="at most 19 diagnosis and treatment"):
        save(world, diagnosis_case, {}, lines_for(diagnosis_case, world.isp, **full))


@pytest.mark.django_db
def test_a_request_too_big_through_the_page_changes_nothing(client, world, diagnosis_case):
    client.force_login(world.btp.user)
    save(world, diagnosis_case, {"anamnesis": "Kept"})
    response = client.post(reverse("diagnosis:report", args=[diagnosis_case.reference]), {
        "version": diagnosis_case.version, "action": "draft", "anamnesis": "Changed",
        "planned_work_related": "5",
    })
    assert response.status_code == 400
    assert "at most 4 × “Work-related session”; this makes 5" in response.content.decode()
    assert DiagnosisReport.objects.get(case=diagnosis_case).anamnesis == "Kept"


@pytest.mark.django_db
def test_an_unknown_isp_through_the_page_is_refused(client, world, diagnosis_case):
    client.force_login(world.btp.user)
    response = client.post(reverse("diagnosis:report", args=[diagnosis_case.reference]), {
        "version": diagnosis_case.version, "action": "draft",
        "planned_individual-psycho_corporal": "2", "isp_individual-psycho_corporal": "999999",
    })
    assert response.status_code == 400
    assert "not in the directory" in response.content.decode()
    assert not DiagnosisReport.objects.exists()


# --- Versions ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_submitted_version_is_frozen(world, submitted):
    report = submitted()
    report.conclusion = "Rewritten afterwards"
    with pytest.raises(PermissionError):
        report.save()
    with pytest.raises(PermissionError):
        report.request_lines.first().delete()
    with pytest.raises(PermissionError):
        TreatmentRequestLine.objects.create(request=report.request, planned_sessions=1,
                                            session_type=report.request_lines.first().session_type)
    report.refresh_from_db()
    assert report.conclusion == "Early-stage occupational burnout."


@pytest.mark.django_db
def test_more_information_makes_a_new_version_and_keeps_the_old(client, world, diagnosis_case,
                                                                submitted):
    first = submitted()
    services.decide(diagnosis_case, world.psychologist, decision=services.Decision.MORE_INFORMATION,
                    comment="Please describe the sleep problems.")
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.IN_DIAGNOSIS

    draft, lines = selectors.working_copy(diagnosis_case, world.btp.user)
    assert draft.version == 2 and draft.pk is None
    assert draft.conclusion == first.conclusion and len(lines) == 4  # filled from version 1

    second = services.save_report(
        diagnosis_case, world.btp.user,
        values=complete_values(physical_symptoms="Wakes at 4 every night.",
                               bat_total=Decimal("3.60"), answer="See physical symptoms."),
        lines=lines, submit=True)
    assert second.version == 2
    first.refresh_from_db()
    assert first.physical_symptoms == "" and first.bat_total == Decimal("3.40")
    assert list(selectors.submitted_reports(diagnosis_case)) == [first, second]
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.DIAGNOSIS_REVIEW

    client.force_login(world.psychologist)
    old_page = client.get(reverse("diagnosis:report_detail",
                                  args=[diagnosis_case.reference, 1])).content.decode()
    assert "3.40" in old_page and "Wakes at 4" not in old_page
    review = client.get(reverse("diagnosis:review", args=[diagnosis_case.reference]))
    assert "Wakes at 4" in review.content.decode()


@pytest.mark.django_db
def test_the_report_cannot_change_while_fedris_reviews_it(world, diagnosis_case, submitted):
    submitted()
    with pytest.raises(workflow.TransitionError) as refused:
        save(world, diagnosis_case, {"conclusion": "Changed"})
    assert refused.value.status == 409
    assert DiagnosisReport.objects.get().conclusion == "Early-stage occupational burnout."


@pytest.mark.django_db
def test_the_form_saves_a_draft_and_sends_it(client, world, diagnosis_case, record):
    record(diagnosis_case)
    client.force_login(world.btp.user)
    url = reverse("diagnosis:report", args=[diagnosis_case.reference])
    assert client.get(url).status_code == 200
    data = {key: ("yes" if value is True else value) for key, value in complete_values().items()
            if value not in (None, "", False)}
    data.update({"version": diagnosis_case.version, "action": "draft",
                 "planned_work_related": "3", "planned_individual-cognitive_emotional": "4",
                 "isp_individual-cognitive_emotional": str(world.isp.pk)})
    assert client.post(url, data).status_code == 302
    report = DiagnosisReport.objects.get(case=diagnosis_case)
    assert not report.is_submitted and report.differential_diagnoses == [
        "depression", "adjustment_disorder"]
    data["action"] = "submit"
    response = client.post(url, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.is_submitted and report.request_lines.count() == 2
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.DIAGNOSIS_REVIEW


@pytest.mark.django_db
def test_the_next_version_opens_with_the_request_sent_before(client, world, diagnosis_case,
                                                            submitted):
    submitted()
    services.decide(diagnosis_case, world.psychologist, decision=services.Decision.MORE_INFORMATION,
                    comment="Please describe the sleep problems.")
    client.force_login(world.btp.user)
    response = client.get(reverse("diagnosis:report", args=[diagnosis_case.reference]))
    assert response.status_code == 200
    form = response.context["request_form"]
    assert form["planned_work_related"].value() == 3
    assert form[f"isp_individual-{Approach.COGNITIVE_EMOTIONAL}"].value() == world.isp.pk


@pytest.mark.django_db
def test_a_refused_report_lists_every_problem_at_once(client, world, diagnosis_case):
    from django.urls import reverse

    client.force_login(world.btp.user)
    url = reverse("diagnosis:report", args=[diagnosis_case.reference])
    response = client.post(url, {"version": diagnosis_case.version, "action": "submit",
                                 "bat_total": "5.5", "anamnesis": "Nurse, tired."})
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    # The score out of range, and, in the same answer, what sending still needs.
    assert "less than or equal to 5" in summary
    assert "Needed to send the report." in summary
    assert "Record the diagnosis session(s) held" in summary
    assert 'value="Nurse, tired."' in html or "Nurse, tired.</textarea>" in html
