from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from botp import audit, pages, policy, sessions, states, workflow
from botp.forms import CaseVersionForm, SessionLinesForm
from botp.models import AuditEntry, CaseState, SessionPhase
from botp.policy import Action, Capability
from botp.steps import Activity, Step
from diagnosis import selectors, services
from diagnosis.forms import (
    ChooseBTPForm,
    CloseAfterDebriefForm,
    DecisionForm,
    DiagnosisReportForm,
    DirectoryFilterForm,
    SessionForm,
)

DIRECTORY_PAGE_SIZE = 10

# The phases whose sessions a BTP records on this page (treatment sessions have their own).
STAGE_2_PHASES = (SessionPhase.DIAGNOSIS, SessionPhase.DEBRIEF)


def _recording_phase(case):
    """The stage-2 phase whose sessions may be recorded as the case stands, or None."""
    phase = states.of(case.state).phase
    return phase if phase in STAGE_2_PHASES else None


def _transition(case, user, action):
    return next((t for t in workflow.available(case, user) if t.action == action), None)


# --- Choosing a BTP ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def choose_btp(request, reference):
    case = policy.get_case_or_404(request.user, reference)
    refused = pages.refusal(request, case, Step.CHOOSE_BTP, "case_detail")
    if refused:
        return refused
    filters = DirectoryFilterForm(request.GET or None)
    status = 200
    on_behalf = request.user.pk != case.participant.user_id
    choice = ChooseBTPForm(initial={"version": case.version}, on_behalf=on_behalf)
    if request.method == "POST":
        choice = ChooseBTPForm(request.POST, on_behalf=on_behalf)
        if choice.is_valid():
            try:
                services.choose_btp(case, request.user, btp=choice.cleaned_data["btp"],
                                    asked_via=choice.cleaned_data["asked_via"],
                                    note=choice.cleaned_data["note"],
                                    expected_version=choice.cleaned_data["version"])
            except workflow.TransitionError as error:
                messages.error(request, str(error))
                status = error.status
                case.refresh_from_db()
            else:
                messages.success(request, (_(
                    "%(name)s has been asked to take on the case; the participant is told that "
                    "Fedris chose at their request."
                ) if on_behalf else _(
                    "%(name)s has been asked to take on the case and will confirm. You will "
                    "hear from them or from Fedris."
                )) % {"name": case.btp})
                return redirect("case_detail", reference=case.reference)
        else:
            status = 400
            messages.error(request, _("Say how the participant asked Fedris to choose for them.")
                           if "asked_via" in choice.errors else _("Choose a BTP from the list."))
    providers = selectors.directory(case, **filters.filters())
    page = Paginator(providers, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "diagnosis/directory.html", {
        "case": case, "filters": filters, "page": page, "choice": choice,
        "on_behalf": on_behalf,
    }, status=status)


# --- The diagnosis page of a case -------------------------------------------------------------


def _overview(request, case, *, session_form=None, close_form=None, status=200):
    user = request.user
    allowed = policy.allowed_actions(user, case)
    if not allowed & {Action.VIEW_SESSIONS, Action.VIEW_CLINICAL}:
        raise PermissionDenied
    clinical = Action.VIEW_CLINICAL in allowed
    phase = _recording_phase(case)
    activity = sessions.ACTIVITY_FOR_PHASE[phase] if phase else None
    context = {
        "case": case,
        "clinical": clinical,
        "sessions": policy.visible_sessions(user, case)
        .filter(session_type__phase__in=STAGE_2_PHASES)
        .select_related("session_type", "provider__user"),
        "reports": selectors.readable_reports(case, user),
        "may_write": workflow.may(user, Activity.WRITE_DIAGNOSIS_REPORT, case),
        "session_phase": phase if activity and workflow.may(user, activity, case) else None,
        "session_form": session_form or SessionForm(),
        "close": _transition(case, user, Step.CLOSE_AFTER_DEBRIEF),
        "close_form": close_form or CloseAfterDebriefForm(initial={"version": case.version}),
    }
    if clinical:
        context["decisions"] = selectors.decisions(case)
        if case.state in (CaseState.NOT_CONFIRMED, CaseState.CLOSED):
            context["closing"] = case.events.filter(action=Step.CLOSE_AFTER_DEBRIEF).first()
        audit.record_clinical_view(user, case, "diagnosis page")
    else:
        audit.record(user, AuditEntry.Kind.VIEW, "diagnosis page", case=case)
    return render(request, "diagnosis/overview.html", context, status=status)


@login_required
def overview(request, reference):
    return _overview(request, policy.get_case_or_404(request.user, reference))


@login_required
@require_POST
def record_session(request, reference):
    # Who may not see the sessions learns nothing of the case's state from this page.
    case = policy.get_case_or_404(request.user, reference, Action.VIEW_SESSIONS)
    form = SessionForm(request.POST)
    phase = _recording_phase(case)
    if phase is None:
        messages.error(request, _("No diagnosis or debrief session can be recorded now."))
        return _overview(request, case, session_form=form, status=409)
    if form.is_valid():
        try:
            services.record_session(case, request.user, phase=phase, **form.cleaned_data)
        except ValidationError as error:
            pages.add_errors(form, error)
        except workflow.TransitionError as error:
            messages.error(request, str(error))
            return _overview(request, case, session_form=form, status=error.status)
        else:
            messages.success(request, _("Session recorded."))
            return redirect("diagnosis:overview", reference=case.reference)
    messages.error(request, _("The session was not recorded: please correct the form."))
    return _overview(request, case, session_form=form, status=400)




@login_required
@require_POST
def close_after_debrief(request, reference):
    case = policy.get_case_or_404(request.user, reference, Action.VIEW_CLINICAL)
    form = CloseAfterDebriefForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose where you refer the participant."))
        return _overview(request, case, close_form=form, status=400)
    try:
        services.close_after_debrief(case, request.user, referral=form.cleaned_data["referral"],
                                     note=form.cleaned_data["note"],
                                     expected_version=form.cleaned_data["version"])
    except workflow.TransitionError as error:
        messages.error(request, str(error))
        case.refresh_from_db()
        return _overview(request, case, close_form=form, status=error.status)
    messages.success(request, _("The case is closed with your referral recommendation."))
    return redirect("case_detail", reference=case.reference)


# --- The diagnosis report and treatment request -----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_form(request, reference):
    case = policy.get_case_or_404(request.user, reference, Action.VIEW_CLINICAL)
    refused = pages.refusal(request, case, Activity.WRITE_DIAGNOSIS_REPORT, "diagnosis:overview")
    if refused:
        return refused
    report, lines = selectors.working_copy(case, request.user)
    status = 200
    if request.method == "POST":
        form = DiagnosisReportForm(request.POST, instance=report)
        request_form = SessionLinesForm(request.POST, case=case)
        submitting = request.POST.get("action") == "submit"
        posted = CaseVersionForm(request.POST)
        if not posted.is_valid():
            form.add_error(None, posted.errors["version"])
        if form.is_valid() and request_form.is_valid():
            new_lines = request_form.lines()
            if request_form.is_valid():
                try:
                    report = services.save_report(
                        case, request.user, values=form.values(), lines=new_lines,
                        submit=submitting,
                        expected_version=posted.cleaned_data["version"],
                    )
                except services.ReportRefused as refused:
                    for field, message in refused.problems:
                        form.add_error(field if field in form.fields else None, message)
                except workflow.TransitionError as error:
                    messages.error(request, str(error))
                    return redirect("diagnosis:overview", reference=case.reference)
                else:
                    if submitting:
                        messages.success(request, _(
                            "Version %(version)s of the diagnosis report and the treatment "
                            "request were sent to Fedris."
                        ) % {"version": report.version})
                        return redirect("diagnosis:overview", reference=case.reference)
                    messages.success(request, _("Draft saved. Nothing is sent to Fedris until "
                                                "you send it."))
                    return redirect("diagnosis:report", reference=case.reference)
        messages.error(request, _("The report was not saved: please correct what is marked."))
        status = 400
    else:
        form = DiagnosisReportForm(instance=report)
        request_form = SessionLinesForm(case=case, lines=lines)
    audit.record_clinical_view(request.user, case, f"diagnosis report v{report.version} (edit)")
    return render(request, "diagnosis/report_form.html", {
        "case": case, "report": report, "form": form, "request_form": request_form,
        "previous": selectors.latest_submitted(case),
        "decisions": selectors.decisions(case),
    }, status=status)


def _report_context(case, report):
    return {
        "report": report,
        "lines": report.request_lines.select_related("session_type", "provider__user"),
        "sessions": case.sessions.filter(session_type__phase=SessionPhase.DIAGNOSIS)
        .select_related("session_type"),
    }


@login_required
def report_detail(request, reference, version):
    case = policy.get_case_or_404(request.user, reference, Action.VIEW_CLINICAL)
    report = selectors.readable_reports(case, request.user).filter(version=version).first()
    if report is None:
        raise Http404
    audit.record_clinical_view(request.user, case, f"diagnosis report v{version}")
    return render(request, "diagnosis/report_detail.html", {
        "case": case, **_report_context(case, report),
        "versions": selectors.submitted_reports(case),
    })


# --- The psychologist's review ----------------------------------------------------------------


@login_required
def review_queue(request):
    policy.require_capability(request.user, Capability.REVIEW_DIAGNOSES)
    cases = selectors.review_queue(policy.cases_for(request.user, Action.VIEW_CLINICAL))
    page = Paginator(cases, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(request.user, AuditEntry.Kind.VIEW, "diagnosis review queue")
    return render(request, "diagnosis/review_queue.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def review(request, reference):
    policy.require_capability(request.user, Capability.REVIEW_DIAGNOSES)
    case = policy.get_case_or_404(request.user, reference, Action.VIEW_CLINICAL)
    report = selectors.latest_submitted(case)
    if report is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.decide(case, request.user, decision=data["decision"],
                                comment=data["comment"],
                                expected_version=data["version"])
            except workflow.TransitionError as error:
                # Shown above the page: the form itself is gone once the case has moved on.
                messages.error(request, str(error))
                status = error.status
                case.refresh_from_db()
            else:
                messages.success(request, _("Decision recorded: the case is now “%(state)s”.")
                                 % {"state": case.get_state_display()})
                return redirect("diagnosis:queue")
        else:
            status = 400
    else:
        form = DecisionForm(initial={"version": case.version})
    audit.record_clinical_view(request.user, case, f"diagnosis report v{report.version} "
                                                   "(review)")
    return render(request, "diagnosis/review.html", {
        "case": case, "form": form, **_report_context(case, report),
        "versions": selectors.submitted_reports(case),
        "decisions": selectors.decisions(case),
        "decidable": _transition(case, request.user, Step.CONFIRM_DIAGNOSIS) is not None,
        "screening": getattr(case, "screening_request", None),
    }, status=status)


# --- An ISP's part of the treatment request ---------------------------------------------------


@login_required
def assignment(request, reference):
    case = policy.get_case_or_404(request.user, reference, Action.VIEW_OWN_ASSIGNMENT)
    report = selectors.latest_submitted(case)
    lines = policy.own_part(request.user, case, report.request_lines.select_related(
        "session_type", "provider")) if report else []
    audit.record(request.user, AuditEntry.Kind.VIEW, "treatment request (own part)", case=case)
    return render(request, "diagnosis/assignment.html", {"case": case, "lines": lines})
