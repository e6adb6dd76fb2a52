from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from botp import consents, duration, pages, plan, policy, workflow
from botp.forms import CaseVersionForm, SessionLinesForm
from botp.models import Consent
from botp.policy import Action
from botp.steps import Activity, Step
from treatment import selectors, services
from treatment.forms import (
    AmendPlanForm,
    ConsentForm,
    FinalReportForm,
    PrepareMeetingForm,
    RecordMeetingForm,
    SessionStatusForm,
    TransmissionReportForm,
    TreatmentSessionForm,
)

# Who sees the treatment page: whoever sees the plan, or their own part of it.
SEES_TREATMENT = {Action.VIEW_PLAN, Action.VIEW_OWN_ASSIGNMENT}

# --- The treatment page -------------------------------------------------------------------------


def _treatment_case(request, reference):
    """The case, for someone who sees its plan or their own part of it; otherwise 404 / 403
    before anything that depends on the case's state."""
    case = policy.get_case_or_404(request.user, reference)
    if not policy.allowed_actions(request.user, case) & SEES_TREATMENT:
        raise PermissionDenied
    return case


def _kinds(case, user):
    """The kinds of session ``user`` may record on ``case`` now."""
    if not workflow.may(user, Activity.RECORD_TREATMENT_SESSION, case):
        return []
    return selectors.recordable_types(case, user)


@login_required
def overview(request, reference, *, session_form=None, status=200):
    """The treatment page (again with the session form when a session was refused)."""
    case = pages.case_for_page(request, reference, SEES_TREATMENT, what="treatment page")
    user = request.user
    allowed = policy.allowed_actions(user, case)
    kinds = _kinds(case, user)
    context = {
        "case": case,
        "plan": plan.plan_for(case),
        "lines": selectors.plan_lines_seen_by(user, case),
        "amendments": selectors.amendments(case) if Action.VIEW_PLAN in allowed else [],
        "sessions": selectors.treatment_sessions(user, case),
        "own_planned": selectors.own_planned(user, case),
        "session_form": session_form or TreatmentSessionForm(kinds=kinds),
        "kinds": kinds,
        "may_amend": workflow.may(user, Activity.AMEND_PLAN, case),
        "shows_exchanges": Action.VIEW_WORKPLACE_EXCHANGES in allowed,
        "clinical": Action.VIEW_CLINICAL in allowed,
        "may_write_final": workflow.may(user, Activity.WRITE_FINAL_REPORT, case),
        "final_report": selectors.readable_final_report(case, user),
        "deadline": duration.deadline(case),
        "overdue": duration.is_overdue(case),
    }
    return render(request, "treatment/overview.html", context, status=status)


@login_required
@require_POST
def record_session(request, reference):
    case = _treatment_case(request, reference)
    form = TreatmentSessionForm(request.POST, kinds=_kinds(case, request.user))

    def record():
        code, approach = form.session_kind()
        data = form.cleaned_data
        return services.record_session(
            case, request.user, type_code=code, approach=approach, date=data["date"],
            duration_minutes=data["duration_minutes"], status=data["status"],
            session_format=data["session_format"], starts_at=data["starts_at"],
            place=data["place"])

    recorded = pages.submit(request, form, record,
                            invalid=_("The session was not recorded: please correct the form."))
    if not recorded:
        return overview(request, reference, session_form=form, status=recorded.status)
    messages.success(request, _("Session recorded."))
    return redirect("treatment:overview", reference=case.reference)


@login_required
@require_POST
def change_session(request, reference, pk):
    case = _treatment_case(request, reference)
    session = get_object_or_404(policy.visible_sessions(request.user, case), pk=pk)
    form = SessionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return overview(request, reference, status=400)
    # The form is not on the page shown again: what is refused is said above it.
    changed = pages.submit(request, None, lambda: services.change_session(
        session, request.user, status=form.cleaned_data["status"]))
    if not changed:
        return overview(request, reference, status=changed.status)
    messages.success(request, _("Session updated."))
    return redirect("treatment:overview", reference=case.reference)


@login_required
@require_http_methods(["GET", "POST"])
def amend_plan(request, reference):
    case = pages.case_for_page(request, reference, Action.VIEW_PLAN,
                               what="treatment plan (amend)")
    refused = pages.refusal(request, case, Activity.AMEND_PLAN, "treatment:overview")
    if refused:
        return refused
    treatment_plan = plan.plan_for(case)
    if treatment_plan is None:
        messages.info(request, _("This case has no approved treatment plan yet."))
        return redirect("treatment:overview", reference=case.reference)
    status = 200
    if request.method == "POST":
        form = AmendPlanForm(request.POST)
        lines_form = SessionLinesForm(request.POST, case=case)
        amended = pages.submit(request, [form, lines_form], lambda: services.amend_plan(
            case, request.user, lines=lines_form.lines(), reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"]),
            invalid=_("The plan was not changed: please correct what is marked."))
        if amended:
            messages.success(request, _("The treatment plan is amended."))
            return redirect("treatment:overview", reference=case.reference)
        status = amended.status
    else:
        form = AmendPlanForm(initial={"version": case.version})
        lines_form = SessionLinesForm(case=case, lines=plan.plan_lines(treatment_plan))
    return render(request, "treatment/amend_plan.html", {
        "case": case, "form": form, "request_form": lines_form,
    }, status=status)


# --- The workplace meeting and data transmission reports ----------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting(request, reference):
    case = pages.case_for_page(request, reference, Action.VIEW_WORKPLACE_EXCHANGES,
                               what="workplace meeting")
    meeting_consents = consents.active_for(case, Consent.Purpose.MEETING)
    prepare = PrepareMeetingForm(meeting_consents=meeting_consents)
    record = RecordMeetingForm()
    status = 200
    if request.method == "POST":
        refused = pages.refusal(request, case, Activity.MANAGE_MEETING, "treatment:meeting")
        if refused:
            return refused
        step = request.POST.get("step")
        invalid = _("Nothing was changed: please correct what is marked.")
        if step == "prepare":
            prepare = PrepareMeetingForm(request.POST, meeting_consents=meeting_consents)
            done = pages.submit(request, prepare, lambda: services.prepare_meeting(
                case, request.user, consent_id=prepare.cleaned_data["consent"],
                planned_date=prepare.cleaned_data["planned_date"],
                planned_time=prepare.cleaned_data["planned_time"],
                place=prepare.cleaned_data["place"]), invalid=invalid)
            told = _("The meeting is prepared.")
        elif step == "record":
            record = RecordMeetingForm(request.POST)
            done = pages.submit(request, record, lambda: services.record_meeting(
                case, request.user, **record.cleaned_data), invalid=invalid)
            told = _("The meeting is recorded.")
        elif step == "cancel":
            done = pages.submit(request, None, lambda: services.cancel_meeting(
                case, request.user))
            told = _("The meeting is cancelled.")
        else:
            done = pages.Outcome(status=400)
            messages.error(request, invalid)
        if done:
            messages.success(request, told)
            return redirect("treatment:meeting", reference=case.reference)
        status = done.status
    return render(request, "treatment/meeting.html", {
        "case": case, "meeting": selectors.current_meeting(case), "prepare": prepare,
        "record": record, "meeting_consents": meeting_consents,
        # A refused form is shown again with what was typed, even once the case moved on.
        "may_manage": (request.method == "POST"
                       or workflow.may(request.user, Activity.MANAGE_MEETING, case)),
        "past": selectors.cancelled_meetings(case),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def transmission_reports(request, reference):
    case = pages.case_for_page(request, reference, Action.VIEW_WORKPLACE_EXCHANGES,
                               what="data transmission reports")
    transmission_consents = consents.active_for(case, Consent.Purpose.TRANSMISSION)
    form = TransmissionReportForm(transmission_consents=transmission_consents,
                                  initial={"language": case.participant.language})
    status = 200
    if request.method == "POST":
        refused = pages.refusal(request, case, Activity.WRITE_TRANSMISSION_REPORT,
                                "treatment:overview")
        if refused:
            return refused
        form = TransmissionReportForm(request.POST,
                                      transmission_consents=transmission_consents)
        written = pages.submit(request, form, lambda: services.write_transmission_report(
            case, request.user, consent_id=form.cleaned_data["consent"],
            language=form.cleaned_data["language"], purpose=form.cleaned_data["purpose"],
            content=form.cleaned_data["content"]),
            invalid=_("The report was not recorded: please correct what is marked."))
        if written:
            messages.success(request, _("The data transmission report to %(name)s is "
                                        "recorded.") % {"name": written.result.recipient_name})
            return redirect("treatment:transmissions", reference=case.reference)
        status = written.status
    return render(request, "treatment/transmissions.html", {
        "case": case, "form": form, "reports": selectors.transmission_reports(case),
        "transmission_consents": transmission_consents,
        # A refused form is shown again with what was typed, even once the case moved on.
        "may_write": (request.method == "POST"
                      or workflow.may(request.user, Activity.WRITE_TRANSMISSION_REPORT, case)),
    }, status=status)


# --- The final report ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def final_report(request, reference):
    case = pages.case_for_page(request, reference, Action.VIEW_CLINICAL, what="final report")
    report = selectors.readable_final_report(case, request.user)
    may_write = workflow.may(request.user, Activity.WRITE_FINAL_REPORT, case)
    status = 200
    if request.method == "POST":
        refused = pages.refusal(request, case, Activity.WRITE_FINAL_REPORT, "treatment:overview")
        if refused:
            return refused
        form = FinalReportForm(request.POST, instance=report)
        posted = CaseVersionForm(request.POST)
        if not posted.is_valid():
            form.add_error(None, posted.errors["version"])
        submitting = request.POST.get("action") == "submit"
        saved = pages.submit(request, form, lambda: services.save_final_report(
            case, request.user, values=form.values(), submit=submitting,
            expected_version=posted.cleaned_data["version"]),
            invalid=_("The final report was not saved: please correct what is marked."),
            checks=(lambda: services.check_final_report(case, values=form.partial_values()))
            if submitting else None)
        if saved and submitting:
            messages.success(request, _("The final report is sent: the case is completed."))
            return redirect("case_detail", reference=case.reference)
        if saved:
            messages.success(request, _("Draft saved."))
            return redirect("treatment:final_report", reference=case.reference)
        status = saved.status
    else:
        # A first draft starts from the adaptations agreed at the workplace meeting.
        meeting = selectors.current_meeting(case)
        form = FinalReportForm(instance=report, initial={
            "adaptations": meeting.adaptations if meeting and report is None else ""})
    if request.method != "POST" and report is None and not may_write:
        messages.info(request, _("There is no final report yet."))
        return redirect("treatment:overview", reference=case.reference)
    delivered = report.sessions_delivered if report and report.is_submitted else None
    return render(request, "treatment/final_report.html", {
        "case": case, "report": report, "form": form,
        # A refused form is shown again with what was typed, even once the case moved on.
        "editable": request.method == "POST" or (may_write and not (report and
                                                                     report.is_submitted)),
        "summary": selectors.sessions_summary(case, delivered),
    }, status=status)


# --- The participant's own page -----------------------------------------------------------------


@login_required
def my_programme(request, reference, *, consent_form=None, status=200):
    """The participant's own page (again with the consent form as typed when it was
    refused)."""
    case = pages.case_for_page(request, reference, Action.VIEW_MY_PROGRAMME,
                               what="participant's page")
    treatment_plan = plan.plan_for(case)
    sessions = policy.visible_sessions(request.user, case).select_related(
        "session_type", "provider__user")
    meeting = selectors.current_meeting(case)
    planned = [s for s in sessions if s.status == "planned"]
    planned_meeting = (meeting if meeting and meeting.status == meeting.Status.PLANNED
                       else None)
    # The meeting among the sessions, in the order of their days.
    coming = sorted([(s.date, 0, s) for s in planned]
                    + ([(planned_meeting.planned_date, 1, planned_meeting)]
                       if planned_meeting else []), key=lambda item: item[:2])
    return render(request, "treatment/my_programme.html", {
        "case": case,
        "isps": case.isps.select_related("user"),
        "held": [s for s in sessions if s.status == "held"],
        "planned": planned,
        "coming": [item for _day, _order, item in coming],
        "lines": plan.plan_lines(treatment_plan) if treatment_plan else [],
        "consents": case.consents.all(),
        "consent_form": consent_form or ConsentForm(programme=case.programme),
        "may_consent": workflow.may(request.user, Activity.GIVE_CONSENT, case),
        "transmission_reports": selectors.transmission_reports(case),
        "meeting": meeting,
        "planned_meeting": planned_meeting,
        Step.WITHDRAW: next((t for t in workflow.available(case, request.user)
                          if t.action == Step.WITHDRAW), None),
        "screening": getattr(case, "screening_request", None),
    }, status=status)


@login_required
@require_POST
def give_consent(request, reference):
    case = policy.get_case_or_404(request.user, reference)
    form = ConsentForm(request.POST, programme=case.programme)
    given = pages.submit(request, form, lambda: consents.give(
        case, request.user, purpose=form.cleaned_data["purpose"], people=form.people()))
    if not given:
        # Shown again with every problem at once and the names, roles and organisations typed.
        return my_programme(request, reference, consent_form=form, status=given.status)
    messages.success(request, _("Your consent is recorded. You can withdraw it here at any "
                                "time."))
    return redirect("treatment:mine", reference=case.reference)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_consent(request, reference, pk):
    """GET asks the participant to confirm, saying what withdrawing does; POST withdraws."""
    if request.method == "GET":
        case = pages.case_for_page(request, reference, Action.VIEW_MY_PROGRAMME,
                                   what="consent withdrawal (confirm)")
    else:
        case = policy.get_case_or_404(request.user, reference)
    consent = get_object_or_404(case.consents, pk=pk)
    if request.method == "GET":
        if not consent.is_active:
            messages.info(request, _("This consent is already withdrawn."))
            return redirect("treatment:mine", reference=case.reference)
        return render(request, "treatment/withdraw_consent.html", {
            "case": case, "consent": consent,
            "meeting": selectors.meeting_under(consent),
        })
    withdrawn = pages.submit(request, None, lambda: services.withdraw_consent(
        consent, request.user))
    if withdrawn:
        messages.success(request, _("Your consent is withdrawn. Your BTP is told."))
    return redirect("treatment:mine", reference=case.reference)
