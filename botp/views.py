from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from botp import audit, policy, sections, workflow
from botp.forms import DashboardFilterForm, TransitionForm
from botp.models import AuditEntry, Role
from botp.policy import Action

PAGE_SIZE = 25

DASHBOARD_TITLES = {
    Role.REFERRER: gettext_lazy("My screening requests"),
    Role.FEDRIS_ADMIN: gettext_lazy("All cases"),
    Role.FEDRIS_PSYCHOLOGIST: gettext_lazy("All cases"),
    Role.PROVIDER: gettext_lazy("My cases"),
    Role.PARTICIPANT: gettext_lazy("My case"),
    Role.RESEARCHER: gettext_lazy("Evaluation"),
}


def home(request):
    return redirect("dashboard" if request.user.is_authenticated else "account_login")


@login_required
def dashboard(request):
    form = DashboardFilterForm(request.GET or None)
    cases = policy.visible_cases(request.user).select_related("programme").order_by(
        "-requested_at", "-pk"
    )
    if form.is_valid() and form.cleaned_data["state"] and request.user.role != Role.REFERRER:
        cases = cases.filter(state=form.cleaned_data["state"])
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "botp/dashboard.html", {
        "form": form,
        "page": page,
        "title": DASHBOARD_TITLES.get(request.user.role, _("Dashboard")),
        # Referrers and participants have few cases, and a referrer may not filter on states
        # that would reveal diagnostic outcomes.
        "shows_filter": request.user.role in (
            Role.FEDRIS_ADMIN, Role.FEDRIS_PSYCHOLOGIST, Role.PROVIDER
        ),
    })


def _case_page(request, case, status=200, form=None):
    user = request.user
    context = {
        "case": case,
        "may": {action: policy.can(user, action, case) for action in (
            Action.VIEW_IDENTITY, Action.VIEW_TIMELINE, Action.VIEW_EVENT_DETAILS,
            Action.VIEW_CLINICAL, Action.VIEW_AUDIT,
        )},
        "transitions": [t for t in workflow.available(case, user) if t.manual],
        "sections": sections.for_case(case, user),
        "form": form or TransitionForm(initial={"version": case.version}),
    }
    if context["may"][Action.VIEW_TIMELINE]:
        events = list(case.events.select_related("actor"))
        readable = {action: policy.can(user, action, case)
                    for action in (Action.VIEW_EVENT_DETAILS, Action.VIEW_CLINICAL)}
        context["events"] = [
            (event, event.payload.get("reason") if readable[workflow.reason_action(event)]
             else None)
            for event in events
        ]
    return render(request, "botp/case_detail.html", context, status=status)


@login_required
def case_detail(request, reference):
    case = policy.get_case_or_404(request.user, reference)
    audit.record(request.user, AuditEntry.Kind.VIEW, "case page", case=case)
    return _case_page(request, case)


@login_required
@require_POST
def case_transition(request, reference, action):
    case = policy.get_case_or_404(request.user, reference)
    transition = workflow.TRANSITIONS.get(action)
    form = TransitionForm(request.POST)
    if transition is None or not transition.manual:
        messages.error(request, _("This action is not available here."))
        audit.record(request.user, AuditEntry.Kind.VIEW, "case page", case=case)
        return _case_page(request, case, status=409, form=form)
    if not form.is_valid():
        messages.error(request, _("Please correct the form below."))
        audit.record(request.user, AuditEntry.Kind.VIEW, "case page", case=case)
        return _case_page(request, case, status=400, form=form)
    try:
        workflow.perform(
            case, action, request.user,
            payload={"reason": form.cleaned_data["reason"]} if form.cleaned_data["reason"]
            else {},
            expected_version=form.cleaned_data["version"],
        )
    except workflow.TransitionError as error:
        messages.error(request, str(error))
        case.refresh_from_db()
        audit.record(request.user, AuditEntry.Kind.VIEW, "case page", case=case)
        return _case_page(request, case, status=error.status, form=form)
    messages.success(request, _("Done: the case is now “%(state)s”.")
                     % {"state": case.get_state_display()})
    if policy.visible_cases(request.user).filter(pk=case.pk).exists():
        return redirect("case_detail", reference=case.reference)
    return redirect("dashboard")


@login_required
def case_audit(request, reference):
    case = policy.get_case_or_404(request.user, reference, Action.VIEW_AUDIT)
    audit.record(request.user, AuditEntry.Kind.VIEW, "audit trail", case=case)
    entries = case.audit_entries.select_related("actor")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "botp/case_audit.html", {"case": case, "page": page})


def healthz(request):
    return JsonResponse({"status": "ok"})
