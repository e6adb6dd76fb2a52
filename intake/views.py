import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from botp import nationalnumber, pages, policy
from botp.models import CaseState, Programme, Sector
from botp.policy import Action, Capability
from intake import activation, eligibility, selectors, services, signature
from intake.consent import consent_text
from intake.forms import (
    DecisionForm,
    QueueFilterForm,
    ScreeningRequestForm,
    WorkerSignatureForm,
)


def _referrer_profile(user):
    return getattr(user, "referrer", None)


@login_required
@pages.reads("screening request list")
def request_list(request):
    policy.require_capability(request.user, Capability.FILE_SCREENING_REQUESTS)
    page = Paginator(selectors.filed_by(request.user), settings.LIST_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "intake/request_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def request_form(request, pk=None):
    """New request or a draft being edited: save as draft, or submit."""
    policy.require_capability(request.user, Capability.FILE_SCREENING_REQUESTS)
    instance = get_object_or_404(selectors.own_requests(request.user), pk=pk) if pk else None
    if instance and not instance.is_draft:
        # A sent request is read-only; a second post of the very form that sent it (a double
        # click, a retrying proxy) is answered with the request, as intake:new answers it.
        if request.method == "POST" and request.POST.get("form_key") == str(instance.form_key):
            return redirect("intake:detail", pk=instance.pk)
        raise Http404
    form_key = instance.form_key if instance else _form_key(request)
    submitting = request.POST.get("action") == "submit"
    if request.method == "POST":
        form = ScreeningRequestForm(request.POST, submitting=submitting)
        # "Propose": the sector and programme the employer's data point to, saved in the draft.
        form.proposing = request.POST.get("action") == "propose"
        if form.is_valid():
            screening = services.save_request(request.user, form_key=form_key,
                                              fields=form.request_fields(), submit=submitting)
            if not screening.is_draft:
                # Also the answer to a second post of a form that was sent meanwhile.
                messages.success(request, _("Your screening request %(reference)s was sent to "
                                            "Fedris.") % {"reference": screening.case.reference})
                return redirect("intake:detail", pk=screening.pk)
            if form.proposing:
                messages.success(request, _("%(proposal)s Filled in below and saved in the "
                                            "draft: check them before sending.")
                                 % {"proposal": form.proposal_note()})
            else:
                messages.success(request, _("Draft saved. You can come back to it at any "
                                            "time."))
            return redirect("intake:edit", pk=screening.pk)
        messages.error(request, _("The request could not be saved: please correct the fields "
                                  "marked below."))
        status = 400
    else:
        # A draft shows its own programme; a new request the preselected one.
        form = ScreeningRequestForm(instance=instance,
                                    initial=None if instance else _initial(request.user))
        status = 200
    return render(request, "intake/request_form.html", {
        "form": form,
        "screening": instance,
        "form_key": form_key,
        "referrer": _referrer_profile(request.user),
    }, status=status)


def _form_key(request):
    """The key of the form being posted (a new one for a new form, or for a key that is not a
    UUID): every post of one form lands on one request (intake.services.save_request)."""
    try:
        return uuid.UUID(request.POST.get("form_key", ""))
    except (ValueError, TypeError, AttributeError):
        return uuid.uuid4()


def _initial(user):
    # No language is chosen for the worker: the referrer's own is often not the worker's, and a
    # letter in the wrong language is worse than a question on the form.
    return {"programme": selectors.default_programme()}


@login_required
def request_detail(request, pk):
    """A submitted request, read-only, for whoever may see it."""
    screening = pages.object_for_page(request, selectors.submitted_for(request.user), pk=pk,
                                      what="screening request")
    case = screening.case
    shows_signals = policy.can(request.user, Action.VIEW_REFERRAL_SIGNALS, case)
    return render(request, "intake/request_detail.html", {
        "screening": screening,
        "case": case,
        "shows_signals": shows_signals,
        "stage": policy.stage_label(request.user, case),
        "refusal": selectors.refusal_of(case, request.user),
        "masked_niss": nationalnumber.format_masked(screening.niss),
        "consent_wording": consent_text(screening.consent_version)
        if screening.consent_version else "",
        "can_resend_signature": _can_resend_signature(request.user, screening),
        "signature_valid_days": signature.VALID_FOR.days,
    })


def _can_resend_signature(user, screening):
    return (policy.has_capability(user, Capability.RESEND_SIGNATURE_LINK)
            and signature.may_send_again(screening))


@login_required
@require_POST
def resend_signature(request, pk):
    """A new signing link e-mailed to the worker (through the outbox), the old one void."""
    policy.require_capability(request.user, Capability.RESEND_SIGNATURE_LINK)
    screening = get_object_or_404(selectors.submitted_for(request.user), pk=pk)
    try:
        signature.send_again(screening, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A new link to sign the request is on its way to the "
                                    "worker; the earlier one no longer works."))
    back = "intake:review" if request.POST.get("back") == "review" else "intake:detail"
    return redirect(back, pk=screening.pk)


@login_required
@pages.reads("review queue")
def review_queue(request):
    policy.require_capability(request.user, Capability.REVIEW_SCREENING_REQUESTS)
    filters = QueueFilterForm(request.GET)
    requests = filters.apply(selectors.review_queue(request.user))
    page = Paginator(requests, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    sectors = list(Sector.objects.all())
    by_code = {sector.code: sector for sector in sectors}
    rows = [(screening, eligibility.checks(screening, by_code))
            for screening in page.object_list]
    return render(request, "intake/review_queue.html", {
        "page": page, "rows": rows,
        "programmes": Programme.objects.all(), "sectors": sectors,
        **filters.selected(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk):
    policy.require_capability(request.user, Capability.REVIEW_SCREENING_REQUESTS)
    screening = pages.object_for_page(request, selectors.submitted_for(request.user), pk=pk,
                                      what="screening request (review)")
    case = screening.case
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST)
        decided = pages.submit(request, form, lambda: services.decide(
            screening, request.user, decision=form.cleaned_data["decision"],
            reason_code=form.cleaned_data["reason_code"],
            reason_text=form.cleaned_data["reason_text"],
            override_reason=form.cleaned_data["override_reason"],
            expected_version=form.cleaned_data["version"]))
        case.refresh_from_db()
        if decided:
            messages.success(request, _("Decision recorded: the case is now “%(state)s”.")
                             % {"state": case.get_state_display()})
            return redirect("intake:queue")
        status = decided.status
    else:
        form = DecisionForm(initial={"version": case.version})
    return render(request, "intake/review.html", {
        "screening": screening, "case": case, "form": form,
        "checks": eligibility.checks(screening),
        "rule_source": eligibility.rule_source(screening),
        "decided": case.state != CaseState.REQUESTED,
        "refusal": selectors.refusal_of(case, request.user),
        "masked_niss": nationalnumber.format_masked(screening.niss),
        "shows_signals": policy.can(request.user, Action.VIEW_REFERRAL_SIGNALS, case),
        "referrer": _referrer_profile(screening.referrer),
        "can_resend_signature": _can_resend_signature(request.user, screening),
        "signature_valid_days": signature.VALID_FOR.days,
        "back": "review",
    }, status=status)


@require_http_methods(["GET", "POST"])
def activate(request, token):
    """The participant's activation link: set a password, then on to their case."""
    return pages.password_link(
        request, token, find=activation.find_link, accept=services.activate,
        hint=lambda link: link.participant.user,
        template="intake/activate.html",
        context=lambda link: {"email": link.participant.email,
                              "first_name": link.participant.first_name},
        problem_template="intake/activation_problem.html",
        welcome=_("Your account is ready. Welcome to the programme."),
    )


@require_http_methods(["GET", "POST"])
def sign_request(request, token):
    """The worker's page to sign the request that concerns them, through their own link."""
    try:
        link = signature.find_link(token)
    except signature.LinkProblem as problem:
        return render(request, "intake/sign_problem.html", {"problem": problem.code},
                      status=410 if problem.code in ("used", "expired") else 404)
    form = WorkerSignatureForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                signed = signature.sign(token, confirmed=True)
            except signature.LinkProblem as problem:
                return render(request, "intake/sign_problem.html", {"problem": problem.code},
                              status=409)
            return render(request, "intake/signed.html", {"screening": signed})
        status = 400
    return render(request, "intake/sign.html", {"screening": link.request, "form": form},
                  status=status)
