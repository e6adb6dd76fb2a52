import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from botp import audit, links, nationalnumber, policy, workflow
from botp.models import AuditEntry, CaseState, Programme, Sector
from botp.policy import Action, Capability
from intake import activation, eligibility, services
from intake.consent import consent_text
from intake.forms import ActivationForm, DecisionForm, QueueFilterForm, ScreeningRequestForm
from intake.models import ScreeningRequest


def _referrer_profile(user):
    return getattr(user, "referrer", None)


@login_required
def request_list(request):
    policy.require_capability(request.user, Capability.FILE_SCREENING_REQUESTS)
    requests = policy.with_relations(
        policy.filed_by(request.user, ScreeningRequest.objects)
        .select_related("case", "programme"),
        prefix="case__",
    ).order_by("-created_at", "-pk")
    page = Paginator(requests, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(request.user, AuditEntry.Kind.VIEW, "screening request list")
    return render(request, "intake/request_list.html", {"page": page})


def _own_draft(user, pk):
    """A draft of this referrer's, or 404: drafts have no case, so the owner is the rule."""
    return get_object_or_404(policy.filed_by(user, ScreeningRequest.objects), pk=pk,
                             submitted_at__isnull=True)


@login_required
@require_http_methods(["GET", "POST"])
def request_form(request, pk=None):
    """New request or a draft being edited: save as draft, or submit."""
    policy.require_capability(request.user, Capability.FILE_SCREENING_REQUESTS)
    instance = _own_draft(request.user, pk) if pk else None
    form_key = instance.form_key if instance else _form_key(request)
    submitting = request.POST.get("action") == "submit"
    if request.method == "POST":
        form = ScreeningRequestForm(request.POST, submitting=submitting)
        if form.is_valid():
            screening = services.save_request(request.user, form_key=form_key,
                                              fields=form.request_fields(), submit=submitting)
            if not screening.is_draft:
                # Also the answer to a second post of a form that was sent meanwhile.
                messages.success(request, _("Your screening request %(reference)s was sent to "
                                            "Fedris.") % {"reference": screening.case.reference})
                return redirect("intake:detail", pk=screening.pk)
            messages.success(request, _("Draft saved. You can come back to it at any time."))
            return redirect("intake:edit", pk=screening.pk)
        messages.error(request, _("The request could not be saved: please correct the fields "
                                  "marked below."))
        status = 400
    else:
        form = ScreeningRequestForm(instance=instance, initial=_initial(request.user))
        status = 200
    return render(request, "intake/request_form.html", {
        "form": form,
        "screening": instance,
        "form_key": form_key,
        "referrer": _referrer_profile(request.user),
    }, status=status)


def _form_key(request):
    """The key of the form being posted (a new one for a new form): every post of one form lands
    on one request. A key that is not a UUID, or that another referrer's request holds, starts
    a fresh form."""
    try:
        key = uuid.UUID(request.POST.get("form_key", ""))
    except (ValueError, TypeError, AttributeError):
        return uuid.uuid4()
    if ScreeningRequest.objects.filter(form_key=key).exclude(referrer=request.user).exists():
        return uuid.uuid4()
    return key


def _initial(user):
    programme = Programme.objects.filter(active=True, is_default=True).first()
    return {"programme": programme, "language": user.language}


@login_required
def request_detail(request, pk):
    """A submitted request, read-only, for whoever may see it."""
    screening = get_object_or_404(
        policy.scope_by_case(request.user, ScreeningRequest.objects,
                             Action.VIEW_SCREENING_REQUEST)
        .select_related("case__participant", "programme", "sector"),
        pk=pk,
    )
    case = screening.case
    shows_signals = policy.can(request.user, Action.VIEW_REFERRAL_SIGNALS, case)
    audit.record(request.user, AuditEntry.Kind.VIEW, "screening request", case=case)
    return render(request, "intake/request_detail.html", {
        "screening": screening,
        "case": case,
        "shows_signals": shows_signals,
        "stage": policy.stage_label(request.user, case),
        "masked_niss": nationalnumber.format_masked(screening.niss),
        "consent_wording": consent_text(screening.consent_version)
        if screening.consent_version else "",
    })


@login_required
def review_queue(request):
    policy.require_capability(request.user, Capability.REVIEW_SCREENING_REQUESTS)
    requests = (
        policy.scope_by_case(request.user, ScreeningRequest.objects, Action.VIEW_SCREENING_REQUEST)
        .filter(case__state=CaseState.REQUESTED)
        .select_related("case", "programme", "sector")
        .prefetch_related("programme__eligible_sectors")
        .order_by("submitted_at", "pk")
    )
    filters = QueueFilterForm(request.GET)
    requests = filters.apply(requests)
    page = Paginator(requests, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(screening, eligibility.checks(screening)) for screening in page.object_list]
    audit.record(request.user, AuditEntry.Kind.VIEW, "review queue")
    return render(request, "intake/review_queue.html", {
        "page": page, "rows": rows,
        "programmes": Programme.objects.all(), "sectors": Sector.objects.all(),
        **filters.selected(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk):
    policy.require_capability(request.user, Capability.REVIEW_SCREENING_REQUESTS)
    screening = get_object_or_404(
        policy.scope_by_case(request.user, ScreeningRequest.objects, Action.VIEW_SCREENING_REQUEST)
        .select_related("case__participant", "programme", "sector"),
        pk=pk,
    )
    case = screening.case
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.decide(
                    screening, request.user, decision=data["decision"],
                    reason_code=data["reason_code"], reason_text=data["reason_text"],
                    override_reason=data["override_reason"], expected_version=data["version"],
                )
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            except workflow.TransitionError as error:
                form.add_error(None, str(error))
                status = error.status
            else:
                case.refresh_from_db()
                messages.success(request, _("Decision recorded: the case is now “%(state)s”.")
                                 % {"state": case.get_state_display()})
                return redirect("intake:queue")
        else:
            status = 400
        case.refresh_from_db()
    else:
        form = DecisionForm(initial={"version": case.version})
    audit.record(request.user, AuditEntry.Kind.VIEW, "screening request (review)", case=case)
    return render(request, "intake/review.html", {
        "screening": screening, "case": case, "form": form,
        "checks": eligibility.checks(screening),
        "decided": case.state != CaseState.REQUESTED,
        "masked_niss": nationalnumber.format_masked(screening.niss),
        "shows_signals": policy.can(request.user, Action.VIEW_REFERRAL_SIGNALS, case),
        "referrer": _referrer_profile(screening.referrer),
    }, status=status)


@require_http_methods(["GET", "POST"])
def activate(request, token):
    """The participant's activation link: set a password, then on to their case."""
    try:
        link = activation.find_link(token)
    except links.LinkProblem as problem:
        return render(request, "intake/activation_problem.html", {"problem": problem.code},
                      status=410 if problem.code in ("used", "expired") else 404)
    participant = link.participant
    if request.method == "POST":
        form = ActivationForm(request.POST, user_hint=participant.user)
        if form.is_valid():
            try:
                user = services.activate(token, password=form.cleaned_data["password1"])
            except links.LinkProblem as problem:
                return render(request, "intake/activation_problem.html",
                              {"problem": problem.code}, status=409)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready. Welcome to the programme."))
            return redirect("dashboard")
        status = 400
    else:
        form = ActivationForm()
        status = 200
    return render(request, "intake/activate.html", {
        "form": form, "email": participant.email, "first_name": participant.first_name,
    }, status=status)
