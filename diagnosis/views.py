from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from botp import pages, policy, sessions, states, workflow
from botp.forms import CaseVersionForm, SessionLinesForm
from botp.models import CaseState
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


def _recording_phase(case):
    """The stage-2 phase whose sessions may be recorded as the case stands, or None."""
    phase = states.of(case.state).phase
    return phase if phase in selectors.STAGE_2_PHASES else None


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
    # The first list is of providers who speak the participant's language.
    filters = DirectoryFilterForm(request.GET or {"language": case.participant.language})
    status = 200
    on_behalf = request.user.pk != case.participant.user_id
    choice = ChooseBTPForm(initial={"version": case.version}, on_behalf=on_behalf)
    if request.method == "POST":
        choice = ChooseBTPForm(request.POST, on_behalf=on_behalf)
        if not on_behalf and "confirmed" not in request.POST and choice.is_valid():
            # The participant confirms their choice before the BTP is asked: one more look at
            # who it is. (Fedris records a choice the participant made by phone or letter.)
            provider = selectors.directory(case).filter(pk=choice.cleaned_data["btp"]).first()
            if provider is not None:
                return render(request, "diagnosis/confirm_btp.html", {
                    "case": case, "provider": provider, "choice": choice,
                })
        chosen = pages.submit(request, choice, lambda: services.choose_btp(
            case, request.user, btp=choice.cleaned_data["btp"],
            asked_via=choice.cleaned_data["asked_via"], note=choice.cleaned_data["note"],
            expected_version=choice.cleaned_data["version"]))
        if chosen:
            messages.success(request, (_(
                "%(name)s has been asked to take on the case; the participant is told that "
                "Fedris chose at their request."
            ) if on_behalf else _(
                "%(name)s has been asked to take on the case and will confirm. You will "
                "hear from them or from Fedris."
            )) % {"name": case.btp})
            return redirect("case_detail", reference=case.reference)
        if chosen.status == 400:
            messages.error(request, _("Say how the participant asked Fedris to choose for them.")
                           if "asked_via" in choice.errors else _("Choose a BTP from the list."))
        case.refresh_from_db()
        status = chosen.status
    providers = selectors.directory(case, **filters.filters())
    page = Paginator(providers, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "diagnosis/directory.html", {
        "case": case, "filters": filters, "page": page, "choice": choice,
        "on_behalf": on_behalf,
    }, status=status)


# --- The diagnosis page of a case -------------------------------------------------------------


@login_required
def overview(request, reference, *, session_form=None, close_form=None, status=200):
    """The case's diagnosis page (again with the form of a session or of the closing when it
    was refused)."""
    case = pages.case_for_page(request, reference, {Action.VIEW_SESSIONS, Action.VIEW_CLINICAL},
                               what="diagnosis page")
    user = request.user
    clinical = policy.can(user, Action.VIEW_CLINICAL, case)
    phase = _recording_phase(case)
    activity = sessions.ACTIVITY_FOR_PHASE[phase] if phase else None
    context = {
        "case": case,
        "clinical": clinical,
        "sessions": selectors.stage_2_sessions(user, case),
        "reports": selectors.readable_reports(case, user),
        "may_write": workflow.may(user, Activity.WRITE_DIAGNOSIS_REPORT, case),
        "session_phase": phase if activity and workflow.may(user, activity, case) else None,
        "session_form": session_form or SessionForm(),
        "close": _transition(case, user, Step.CLOSE_AFTER_DEBRIEF),
        "close_form": close_form or CloseAfterDebriefForm(initial={"version": case.version}),
    }
    if clinical:
        context["decisions"] = selectors.decisions(case)
        # The psychologist's words go to those who read clinical content, the BTP and Fedris'
        # psychologists; the BTP sees them as a to-do.
        context["question"] = selectors.open_question(case)
        if case.state in (CaseState.NOT_CONFIRMED, CaseState.CLOSED):
            context["closing"] = selectors.closing(case)
    return render(request, "diagnosis/overview.html", context, status=status)


@login_required
@require_POST
def record_session(request, reference):
    # Who may not see the sessions learns nothing of the case's state from this page.
    case = policy.get_case_or_404(request.user, reference, Action.VIEW_SESSIONS)
    form = SessionForm(request.POST)
    phase = _recording_phase(case)
    if phase is None:
        messages.error(request, _("No diagnosis or debrief session can be recorded now."))
        return overview(request, reference, session_form=form, status=409)
    recorded = pages.submit(request, form, lambda: services.record_session(
        case, request.user, phase=phase, **form.cleaned_data),
        invalid=_("The session was not recorded: please correct the form."))
    if not recorded:
        return overview(request, reference, session_form=form, status=recorded.status)
    messages.success(request, _("Session recorded."))
    return redirect("diagnosis:overview", reference=case.reference)


@login_required
@require_POST
def close_after_debrief(request, reference):
    case = policy.get_case_or_404(request.user, reference, Action.VIEW_CLINICAL)
    form = CloseAfterDebriefForm(request.POST)
    closed = pages.submit(request, form, lambda: services.close_after_debrief(
        case, request.user, referral=form.cleaned_data["referral"],
        note=form.cleaned_data["note"], expected_version=form.cleaned_data["version"]),
        invalid=_("Choose where you refer the participant."))
    if not closed:
        return overview(request, reference, close_form=form, status=closed.status)
    messages.success(request, _("The case is closed with your referral recommendation."))
    return redirect("case_detail", reference=case.reference)


# --- The diagnosis report and treatment request -----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_form(request, reference):
    case = pages.case_for_page(
        request, reference, Action.VIEW_CLINICAL,
        what=lambda case: f"diagnosis report v{selectors.version_in_work(case)} (edit)")
    refused = pages.refusal(request, case, Activity.WRITE_DIAGNOSIS_REPORT, "diagnosis:overview")
    if refused:
        return refused
    report, lines = selectors.working_copy(case, request.user)
    question = selectors.open_question(case)
    status = 200
    if request.method == "POST":
        form = DiagnosisReportForm(request.POST, instance=report, question=question)
        request_form = SessionLinesForm(request.POST, case=case)
        posted = CaseVersionForm(request.POST)
        if not posted.is_valid():
            form.add_error(None, posted.errors["version"])
        submitting = request.POST.get("action") == "submit"
        saved = pages.submit(request, [form, request_form], lambda: services.save_report(
            case, request.user, values=form.values(), lines=request_form.lines(),
            submit=submitting, expected_version=posted.cleaned_data["version"]),
            invalid=_("The report was not saved: please correct what is marked."),
            checks=(lambda: services.check_sendable(
                case, request.user, values=getattr(form, "cleaned_data", {}),
                lines=request_form.lines() if request_form.is_valid() else None))
            if submitting else None)
        if saved and submitting:
            messages.success(request, _(
                "Version %(version)s of the diagnosis report and the treatment request were "
                "sent to Fedris."
            ) % {"version": saved.result.version})
            return redirect("diagnosis:overview", reference=case.reference)
        if saved:
            messages.success(request, _("Draft saved. Nothing is sent to Fedris until you "
                                        "send it."))
            return redirect("diagnosis:report", reference=case.reference)
        status = saved.status
    else:
        form = DiagnosisReportForm(instance=report, question=question)
        request_form = SessionLinesForm(case=case, lines=lines)
    return render(request, "diagnosis/report_form.html", {
        "case": case, "report": report, "form": form, "request_form": request_form,
        "previous": selectors.latest_submitted(case),
        "question": question,
    }, status=status)


def _report_context(case, report):
    lines = list(selectors.request_lines(report))
    return {
        "report": report,
        "scores": selectors.scores(report, translation.get_language() or "nl"),
        "lines": lines,
        "requested": sum(line.planned_sessions for line in lines),
        "sessions": selectors.diagnosis_sessions(case),
    }


@login_required
def report_detail(request, reference, version):
    case = policy.get_case_or_404(request.user, reference, Action.VIEW_CLINICAL)
    report = pages.object_for_page(request, selectors.readable_reports(case, request.user),
                                   version=version, what=f"diagnosis report v{version}")
    return render(request, "diagnosis/report_detail.html", {
        "case": case, **_report_context(case, report),
        "other_versions": selectors.submitted_reports(case).exclude(pk=report.pk),
    })


# --- The psychologist's review ----------------------------------------------------------------


@login_required
@pages.reads("diagnosis review queue")
def review_queue(request):
    policy.require_capability(request.user, Capability.REVIEW_DIAGNOSES)
    cases = selectors.review_queue(policy.cases_for(request.user, Action.VIEW_CLINICAL))
    page = Paginator(cases, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "diagnosis/review_queue.html", {"page": page})


def _under_review(case):
    report = selectors.latest_submitted(case)
    return f"diagnosis report v{report.version} (review)" if report else "diagnosis review"


@login_required
@require_http_methods(["GET", "POST"])
def review(request, reference):
    policy.require_capability(request.user, Capability.REVIEW_DIAGNOSES)
    case = pages.case_for_page(request, reference, Action.VIEW_CLINICAL, what=_under_review)
    report = selectors.latest_submitted(case)
    if report is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST)
        decided = pages.submit(request, form, lambda: services.decide(
            case, request.user, decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"]))
        if decided:
            messages.success(request, _("Decision recorded: the case is now “%(state)s”.")
                             % {"state": case.get_state_display()})
            return redirect("diagnosis:queue")
        # The reason is shown above the page: the form itself is gone once the case has moved.
        case.refresh_from_db()
        status = decided.status
    else:
        form = DecisionForm(initial={"version": case.version})
    return render(request, "diagnosis/review.html", {
        "case": case, "form": form, **_report_context(case, report),
        "other_versions": selectors.submitted_reports(case).exclude(pk=report.pk),
        "decisions": selectors.decisions(case),
        "decidable": _transition(case, request.user, Step.CONFIRM_DIAGNOSIS) is not None,
        "screening": getattr(case, "screening_request", None),
    }, status=status)


# --- An ISP's part of the treatment request ---------------------------------------------------


@login_required
def assignment(request, reference):
    case = pages.case_for_page(request, reference, Action.VIEW_OWN_ASSIGNMENT,
                               what="treatment request (own part)")
    report = selectors.latest_submitted(case)
    lines = policy.own_part(request.user, case,
                            selectors.request_lines(report)) if report else []
    return render(request, "diagnosis/assignment.html", {"case": case, "lines": lines})
