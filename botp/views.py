import logging

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from redis.backoff import NoBackoff
from redis.retry import Retry

from botp import (
    account_audit,
    audit_labels,
    documents,
    duration,
    invitations,
    keyset,
    outbox,
    pages,
    policy,
    sections,
    states,
    workflow,
    worklists,
)
from botp.forms import (
    AccountAuditFilterForm,
    DashboardFilterForm,
    DeliveryFilterForm,
    LeaveForm,
    TransitionForm,
)
from botp.models import AuditEntry, Document, OutboxMessage, User
from botp.payments import AUDIT_PREFIX as payments_audit_prefix
from botp.policy import Action, Capability
from botp.steps import Step

logger = logging.getLogger(__name__)


def home(request):
    return redirect("dashboard" if request.user.is_authenticated else "account_login")


@login_required
@pages.reads("dashboard")
def dashboard(request):
    """The home page: what needs the user's action (worklists), then every case they may see.
    A participant's home shows their programme instead."""
    user = request.user
    if policy.role_may(user, Action.VIEW_MY_PROGRAMME):
        return _participant_home(request)
    form = DashboardFilterForm(request.GET or None)
    cases = policy.with_relations(
        policy.visible_cases(user).select_related("programme", "programme_version")
    ).order_by("-requested_at", "-pk")
    # Only roles that may see the detailed state filter by it (the policy holds them to that).
    filters_by_state = policy.has_capability(user, Capability.FILTER_CASES)
    searching = form.is_valid() and any(form.cleaned_data.values())
    if form.is_valid():
        cases = worklists.search(user, cases, form.cleaned_data["q"])
        if filters_by_state and form.cleaned_data["state"]:
            cases = cases.filter(state=form.cleaned_data["state"])
        if filters_by_state and form.cleaned_data["clock"]:
            cases = duration.due(
                cases, overdue_only=form.cleaned_data["clock"] == DashboardFilterForm.OVERDUE)
    # Newest first, page by page along the (requested_at, id) index: no count, no offset.
    page = keyset.keyset_page(request, cases, ("-requested_at", "-pk"), settings.LIST_PAGE_SIZE)
    todos = (worklists.for_user(user)
             if policy.has_capability(user, Capability.SEE_CASES) else [])
    return render(request, "botp/dashboard.html", {
        "form": form,
        "page": page,
        "rows": worklists.rows(user, page.object_list),
        "title": user.home_title,
        "shows_filter": filters_by_state,
        "shows_names": policy.role_may(user, Action.VIEW_IDENTITY),
        "searching": searching,
        "todos": [todo for todo in todos if not todo.info],
        "news": [todo for todo in todos if todo.info],
        "truncated": getattr(todos, "truncated", False),
    })


def _participant_home(request):
    user = request.user
    cases = policy.visible_cases(user).select_related(
        "programme", "participant", "btp__user").order_by("-requested_at", "-pk")
    # The case the home is about: the newest open one, else the newest.
    current = next(iter(cases.filter(state__in=states.OPEN)[:1]), None) or cases.first()
    todos = worklists.for_user(user)
    page = Paginator(cases, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    progress = worklists.progress(user, current, todos) if current else None
    return render(request, "botp/participant_home.html", {
        "title": user.home_title,
        "progress": progress,
        "page": page,
        "others": [todo for todo in todos
                   if not todo.info and (progress is None or todo.case is None
                                         or todo.case.pk != current.pk)],
    })


@login_required
@require_http_methods(["GET", "POST"])
def case_leave(request, reference):
    """The participant leaves the programme: a page that says what it means, asks why, and
    asks them to confirm; not a button that does it at once."""
    case = pages.case_for_page(request, reference, Action.VIEW_MY_PROGRAMME, what="leave page")
    form = LeaveForm(request.POST or None, initial={"version": case.version})
    status = 200
    if request.method == "POST":
        done = pages.submit(request, form, lambda: workflow.perform(
            case, Step.WITHDRAW, request.user,
            payload={"reason": form.cleaned_data["reason"]},
            expected_version=form.cleaned_data["version"]))
        if done:
            messages.success(request, _("You left the programme. Fedris and your care "
                                        "providers are told."))
            return redirect("dashboard")
        status = done.status
    elif not any(t.action == Step.WITHDRAW for t in workflow.available(case, request.user)):
        messages.info(request, _("Your case has ended: there is nothing to leave."))
        return redirect("dashboard")
    return render(request, "botp/leave.html", {"case": case, "form": form}, status=status)


@login_required
def case_detail(request, reference, *, form=None, status=200):
    """The case page, as the user may see it (again with ``form`` when an action posted from
    it was refused)."""
    case = pages.case_for_page(request, reference, what="case page")
    user = request.user
    allowed = policy.allowed_actions(user, case)
    may = {action: action in allowed for action in policy.RULES}
    transitions = [t for t in workflow.available(case, user) if t.manual]
    # The participant leaves through a page that asks them to confirm (case_leave).
    leaves = may[Action.VIEW_MY_PROGRAMME] and any(t.action == Step.WITHDRAW
                                                   for t in transitions)
    context = {
        "case": case,
        "may": may,
        "transitions": [t for t in transitions if not (leaves and t.action == Step.WITHDRAW)],
        "leaves": leaves,
        "clock": duration.clock(case),
        "sections": sections.for_case(case, user),
        "documents": Document.with_deliveries(list(policy.visible_documents(user, case))),
        "form": form or TransitionForm(initial={"version": case.version}),
    }
    if policy.has_capability(user, Capability.SEE_DELIVERY_PROBLEMS):
        context["deliveries"] = case.outbox.order_by("-created_at", "-pk")
    if context["may"][Action.VIEW_TIMELINE]:
        context["events"] = [
            (event, workflow.event_title(event), event.payload.get("reason")
             if workflow.reason_action(event) in allowed else None)
            for event in case.events.select_related("actor")
        ]
    return render(request, "botp/case_detail.html", context, status=status)


@login_required
@require_POST
def case_transition(request, reference, action):
    case = policy.get_case_or_404(request.user, reference)
    transition = workflow.TRANSITIONS.get(action)
    form = TransitionForm(request.POST)
    if transition is None or not transition.manual:
        messages.error(request, _("This action is not available here."))
        return case_detail(request, reference, form=form, status=409)

    def perform():
        # A reason is kept only where the transition asks for one.
        reason = form.cleaned_data["reason"] if transition.needs_reason else ""
        return workflow.perform(case, action, request.user,
                                payload={"reason": reason} if reason else {},
                                expected_version=form.cleaned_data["version"])

    done = pages.submit(request, form, perform, invalid=_("Please correct the form below."))
    if not done:
        return case_detail(request, reference, form=form, status=done.status)
    messages.success(request, _("Done: the case is now “%(state)s”.")
                     % {"state": case.get_state_display()})
    if policy.visible_cases(request.user).filter(pk=case.pk).exists():
        return redirect("case_detail", reference=case.reference)
    return redirect("dashboard")


@login_required
def case_audit(request, reference):
    case = pages.case_for_page(request, reference, Action.VIEW_AUDIT, what="audit trail")
    entries = case.audit_entries.select_related("actor")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    names = {kind.code: kind.name for kind in case.programme.session_types.all()}
    rows = [(entry, audit_labels.describe(entry.what, names)) for entry in page]
    return render(request, "botp/case_audit.html", {"case": case, "page": page, "rows": rows})


@login_required
def document_download(request, pk):
    """A rendered document, to those whose access covers its content; any other is a 404."""
    document = policy.get_document_or_404(
        request.user, Document.objects.downloadable(), pk)
    return documents.download(document, reader=request.user)


@login_required
def deliveries(request):
    """Every outgoing message and document, troubled ones first by default: what Fedris
    follows up on."""
    policy.require_capability(request.user, Capability.SEE_DELIVERY_PROBLEMS)
    form = DeliveryFilterForm(request.GET or None)
    shown = form.cleaned_data["status"] if form.is_valid() else ""
    messages_ = OutboxMessage.objects.select_related("case").order_by("-created_at", "-pk")
    showing_troubled = shown in ("", DeliveryFilterForm.TROUBLED)
    if showing_troubled:
        messages_ = messages_.troubled()
    elif shown != DeliveryFilterForm.ALL:
        messages_ = messages_.filter(status=shown)
    page = Paginator(messages_, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "botp/deliveries.html", {
        "form": form, "page": page, "showing_troubled": showing_troubled})


@login_required
@require_POST
def delivery_retry(request, pk):
    policy.require_capability(request.user, Capability.RETRY_DELIVERIES)
    message = get_object_or_404(OutboxMessage, pk=pk)
    if outbox.retry(message, by=request.user):
        messages.success(request, _("It will be tried again in a moment."))
    else:
        messages.info(request, _("This one is not waiting for a retry."))
    # Back to the page the button was on: a path of this portal, nothing else.
    next_url = request.POST.get("next", "")
    if not (next_url.startswith("/") and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()})):
        next_url = reverse("deliveries")
    return HttpResponseRedirect(next_url)


@never_cache
@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    """The invitation's link: the invited person chooses their password, and their account is
    made (and linked to its provider record). Then, outside demo mode, two-factor set-up."""
    return pages.password_link(
        request, token, find=invitations.find, accept=invitations.accept,
        hint=lambda invitation: User(email=invitation.email, first_name=invitation.first_name,
                                     last_name=invitation.last_name),
        template="botp/invitation_accept.html",
        context=lambda invitation: {"invitation": invitation,
                                    "role": invitation.get_role_display(),
                                    "two_factor": not settings.DEMO_MODE},
        problem_template="botp/invitation_problem.html",
        welcome=_("Your account is ready. Welcome to the BOTP portal."),
    )


@login_required
@pages.reads("account audit trail")
def account_trail(request):
    """Who changed which account, provider record, accreditation or invitation, and how: for
    Fedris psychologists, read-only."""
    policy.require_capability(request.user, Capability.VIEW_ACCOUNT_AUDIT)
    form = AccountAuditFilterForm(request.GET or None)
    # Payments' records are the administrators' (botp/payments), not an account's.
    entries = (AuditEntry.objects.exclude(subject="")
               .exclude(subject__startswith=payments_audit_prefix).select_related("actor"))
    if form.is_valid():
        if form.cleaned_data["record"]:
            entries = entries.filter(subject__startswith=f"{form.cleaned_data['record']}:")
        if form.cleaned_data["q"]:
            text = form.cleaned_data["q"]
            entries = entries.filter(Q(what__icontains=text) | Q(actor__email__icontains=text))
    page = Paginator(entries.order_by("-at", "-pk"), 50).get_page(request.GET.get("page"))
    rows = [(entry, account_audit.record_label(entry), account_audit.describe(entry),
             account_audit.unnamed_actor(entry)) for entry in page.object_list]
    return render(request, "botp/account_audit.html", {"form": form, "page": page,
                                                        "rows": rows})


@never_cache
@require_safe
def healthz(request):
    """Liveness: the process answers. Nothing else is asked, so that a database or broker
    outage never makes the orchestrator restart a healthy web process."""
    return JsonResponse({"status": "ok"})


# What /readyz reports per check.
READY, UNAVAILABLE, EAGER = "ok", "unavailable", "eager"
# Seconds the broker may take to connect, then to answer PING: a broker that is down must not
# hold the probe (or a web worker) much longer than this.
BROKER_TIMEOUT = 1


@never_cache
@require_safe
def readyz(request):
    """Readiness: the database and the broker answer. 503 names the checks that failed and
    says nothing more: no addresses, no error messages."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    failed = [name for name, result in checks.items() if result == UNAVAILABLE]
    return JsonResponse(
        {"status": UNAVAILABLE if failed else READY, "failed": failed, "checks": checks},
        status=503 if failed else 200,
    )


def _check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Readiness: the database is unavailable (%s)", type(error).__name__)
        return UNAVAILABLE
    return READY


def _check_broker():
    if not settings.REDIS_URL:
        return EAGER  # no broker: Celery runs tasks in the web process
    try:
        with redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=BROKER_TIMEOUT,
            socket_timeout=BROKER_TIMEOUT, retry=Retry(NoBackoff(), 0),
        ) as client:
            client.ping()
    except (redis.RedisError, OSError, ValueError) as error:
        logger.warning("Readiness: the broker is unavailable (%s)", type(error).__name__)
        return UNAVAILABLE
    return READY
