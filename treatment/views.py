from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from botp import audit, consents, duration, pages, plan, policy, workflow
from botp.forms import CaseVersionForm, SessionLinesForm
from botp.models import AuditEntry, Consent, SessionPhase
from botp.policy import Action
from botp.reports import ReportRefused
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

# --- The treatment page -------------------------------------------------------------------------


def _treatment_case(request, reference):
    """The case, for someone who sees its plan or their own part of it; otherwise 404 / 403
    before anything that depends on the case's state."""
    case = policy.get_case_or_404(request.user, reference)
    if not policy.allowed_actions(request.user, case) & {Action.VIEW_PLAN,
                                                         Action.VIEW_OWN_ASSIGNMENT}:
        raise PermissionDenied
    return case


def _overview(request, case, *, session_form=None, status=200):
    user = request.user
    allowed = policy.allowed_actions(user, case)
    treatment_plan = plan.plan_for(case)
    lines = plan.plan_lines(treatment_plan) if treatment_plan else []
    lines = policy.own_part(user, case, lines)
    kinds = (selectors.recordable_types(case, user)
             if workflow.may(user, Activity.RECORD_TREATMENT_SESSION, case) else [])
    own_planned = policy.sessions_changeable_by(user, case).filter(status="planned")
    context = {
        "case": case,
        "plan": treatment_plan,
        "lines": lines,
        "amendments": treatment_plan.amendments.select_related("actor") if treatment_plan and
        Action.VIEW_PLAN in allowed else [],
        "sessions": policy.visible_sessions(user, case)
        .filter(session_type__phase=SessionPhase.TREATMENT)
        .select_related("session_type", "provider__user"),
        "own_planned": set(own_planned.values_list("pk", flat=True)),
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
    audit.record(user, AuditEntry.Kind.VIEW, "treatment page", case=case)
    return render(request, "treatment/overview.html", context, status=status)


@login_required
def overview(request, reference):
    return _overview(request, _treatment_case(request, reference))


@login_required
@require_POST
def record_session(request, reference):
    case = _treatment_case(request, reference)
    kinds = (selectors.recordable_types(case, request.user)
             if workflow.may(request.user, Activity.RECORD_TREATMENT_SESSION, case) else [])
    form = TreatmentSessionForm(request.POST, kinds=kinds)
    if form.is_valid():
        code, approach = form.session_kind()
        try:
            services.record_session(
                case, request.user, type_code=code, approach=approach,
                date=form.cleaned_data["date"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                status=form.cleaned_data["status"],
                session_format=form.cleaned_data["session_format"],
            )
        except ValidationError as error:
            pages.add_errors(form, error)
        except workflow.TransitionError as error:
            messages.error(request, str(error))
            return _overview(request, case, session_form=form, status=error.status)
        else:
            messages.success(request, _("Session recorded."))
            return redirect("treatment:overview", reference=case.reference)
    messages.error(request, _("The session was not recorded: please correct the form."))
    return _overview(request, case, session_form=form, status=400)


@login_required
@require_POST
def change_session(request, reference, pk):
    case = _treatment_case(request, reference)
    session = get_object_or_404(policy.visible_sessions(request.user, case), pk=pk)
    form = SessionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return _overview(request, case, status=400)
    try:
        services.change_session(session, request.user, status=form.cleaned_data["status"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _overview(request, case, status=400)
    except workflow.TransitionError as error:
        messages.error(request, str(error))
        return _overview(request, case, status=error.status)
    messages.success(request, _("Session updated."))
    return redirect("treatment:overview", reference=case.reference)


@login_required
@require_http_methods(["GET", "POST"])
def amend_plan(request, reference):
    case = policy.get_case_or_404(request.user, reference, Action.VIEW_PLAN)
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
        if form.is_valid() and lines_form.is_valid():
            lines = lines_form.lines()
            if lines_form.is_valid():
                try:
                    services.amend_plan(case, request.user, lines=lines,
                                        reason=form.cleaned_data["reason"],
                                        expected_version=form.cleaned_data["version"])
                except ValidationError as error:
                    pages.add_errors(form, error)
                except workflow.TransitionError as error:
                    messages.error(request, str(error))
                    return redirect("treatment:overview", reference=case.reference)
                else:
                    messages.success(request, _("The treatment plan is amended."))
                    return redirect("treatment:overview", reference=case.reference)
        status = 400
        messages.error(request, _("The plan was not changed: please correct what is marked."))
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
    case = policy.get_case_or_404(request.user, reference, Action.VIEW_WORKPLACE_EXCHANGES)
    meeting_consents = consents.active_for(case, Consent.Purpose.MEETING)
    current = selectors.current_meeting(case)
    prepare = PrepareMeetingForm(meeting_consents=meeting_consents)
    record = RecordMeetingForm()
    status = 200
    if request.method == "POST":
        refused = pages.refusal(request, case, Activity.MANAGE_MEETING, "treatment:meeting")
        if refused:
            return refused
        step = request.POST.get("step")
        try:
            if step == "prepare":
                prepare = PrepareMeetingForm(request.POST, meeting_consents=meeting_consents)
                if prepare.is_valid():
                    services.prepare_meeting(
                        case, request.user, consent_id=prepare.cleaned_data["consent"],
                        planned_date=prepare.cleaned_data["planned_date"])
                    messages.success(request, _("The meeting is prepared."))
                    return redirect("treatment:meeting", reference=case.reference)
            elif step == "record":
                record = RecordMeetingForm(request.POST)
                if record.is_valid():
                    services.record_meeting(case, request.user, **record.cleaned_data)
                    messages.success(request, _("The meeting is recorded."))
                    return redirect("treatment:meeting", reference=case.reference)
            elif step == "cancel":
                services.cancel_meeting(case, request.user)
                messages.success(request, _("The meeting is cancelled."))
                return redirect("treatment:meeting", reference=case.reference)
        except ValidationError as error:
            pages.add_errors(record if step == "record" else prepare, error)
        except workflow.TransitionError as error:
            messages.error(request, str(error))
            return redirect("treatment:meeting", reference=case.reference)
        status = 400
        messages.error(request, _("Nothing was changed: please correct what is marked."))
    audit.record(request.user, AuditEntry.Kind.VIEW, "workplace meeting", case=case)
    return render(request, "treatment/meeting.html", {
        "case": case, "meeting": current, "prepare": prepare, "record": record,
        "meeting_consents": meeting_consents,
        "may_manage": workflow.may(request.user, Activity.MANAGE_MEETING, case),
        "past": case.workplace_meetings.filter(status="cancelled"),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def transmission_reports(request, reference):
    case = policy.get_case_or_404(request.user, reference, Action.VIEW_WORKPLACE_EXCHANGES)
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
        if form.is_valid():
            try:
                report = services.write_transmission_report(
                    case, request.user, consent_id=form.cleaned_data["consent"],
                    language=form.cleaned_data["language"], purpose=form.cleaned_data["purpose"],
                    content=form.cleaned_data["content"])
            except ValidationError as error:
                pages.add_errors(form, error)
            except workflow.TransitionError as error:
                messages.error(request, str(error))
                return redirect("treatment:overview", reference=case.reference)
            else:
                messages.success(request, _("The data transmission report to %(name)s is "
                                            "recorded.") % {"name": report.recipient_name})
                return redirect("treatment:transmissions", reference=case.reference)
        status = 400
        messages.error(request, _("The report was not recorded: please correct what is "
                                  "marked."))
    audit.record(request.user, AuditEntry.Kind.VIEW, "data transmission reports", case=case)
    return render(request, "treatment/transmissions.html", {
        "case": case, "form": form, "reports": case.transmission_reports.all(),
        "transmission_consents": transmission_consents,
        "may_write": workflow.may(request.user, Activity.WRITE_TRANSMISSION_REPORT, case),
    }, status=status)


# --- The final report ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def final_report(request, reference):
    case = policy.get_case_or_404(request.user, reference, Action.VIEW_CLINICAL)
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
        if form.is_valid():
            submitting = request.POST.get("action") == "submit"
            try:
                services.save_final_report(case, request.user, values=form.values(),
                                           submit=submitting,
                                           expected_version=posted.cleaned_data["version"])
            except ReportRefused as refused_report:
                for field, message in refused_report.problems:
                    form.add_error(field if field in form.fields else None, message)
            except workflow.TransitionError as error:
                messages.error(request, str(error))
                return redirect("treatment:overview", reference=case.reference)
            else:
                if submitting:
                    messages.success(request, _("The final report is sent: the case is "
                                                "completed."))
                    return redirect("case_detail", reference=case.reference)
                messages.success(request, _("Draft saved."))
                return redirect("treatment:final_report", reference=case.reference)
        status = 400
        messages.error(request, _("The final report was not saved: please correct what is "
                                  "marked."))
    else:
        # A first draft starts from the adaptations agreed at the workplace meeting.
        meeting = selectors.current_meeting(case)
        form = FinalReportForm(instance=report, initial={
            "adaptations": meeting.adaptations if meeting and report is None else ""})
    if report is None and not may_write:
        messages.info(request, _("There is no final report yet."))
        return redirect("treatment:overview", reference=case.reference)
    audit.record_clinical_view(request.user, case, "final report")
    delivered = report.sessions_delivered if report and report.is_submitted else None
    return render(request, "treatment/final_report.html", {
        "case": case, "report": report, "form": form,
        "editable": may_write and not (report and report.is_submitted),
        "summary": selectors.sessions_summary(case, delivered),
    }, status=status)


# --- The participant's own page -----------------------------------------------------------------


@login_required
def my_programme(request, reference):
    case = policy.get_case_or_404(request.user, reference, Action.VIEW_MY_PROGRAMME)
    treatment_plan = plan.plan_for(case)
    sessions = policy.visible_sessions(request.user, case).select_related(
        "session_type", "provider__user")
    audit.record(request.user, AuditEntry.Kind.VIEW, "participant's page", case=case)
    return render(request, "treatment/my_programme.html", {
        "case": case,
        "isps": case.isps.select_related("user"),
        "held": [s for s in sessions if s.status == "held"],
        "planned": [s for s in sessions if s.status == "planned"],
        "lines": plan.plan_lines(treatment_plan) if treatment_plan else [],
        "consents": case.consents.all(),
        "consent_form": ConsentForm(),
        "may_consent": workflow.may(request.user, Activity.GIVE_CONSENT, case),
        "transmission_reports": case.transmission_reports.all(),
        "meeting": selectors.current_meeting(case),
        Step.WITHDRAW: next((t for t in workflow.available(case, request.user)
                          if t.action == Step.WITHDRAW), None),
        "screening": getattr(case, "screening_request", None),
    })


@login_required
@require_POST
def give_consent(request, reference):
    case = policy.get_case_or_404(request.user, reference)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            consents.give(case, request.user, purpose=form.cleaned_data["purpose"],
                          people=form.people())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except workflow.TransitionError as error:
            if isinstance(error, workflow.TransitionForbidden):
                raise PermissionDenied from None
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your consent is recorded. You can withdraw it here "
                                        "at any time."))
    else:
        messages.error(request, form.problem())
    return redirect("treatment:mine", reference=case.reference)


@login_required
@require_POST
def withdraw_consent(request, reference, pk):
    case = policy.get_case_or_404(request.user, reference)
    consent = get_object_or_404(case.consents, pk=pk)
    try:
        consents.withdraw(consent, request.user)
    except workflow.TransitionForbidden:
        raise PermissionDenied from None
    messages.success(request, _("Your consent is withdrawn."))
    return redirect("treatment:mine", reference=case.reference)
