from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from botp import links, pages, policy
from botp.policy import Action, Capability
from evaluation import exports as exports_service
from evaluation import outcomes, selectors, survey
from evaluation.forms import page_questions, text_in

# --- The participant's survey, through its link ------------------------------------------------


def _problem(request, code):
    status = 404 if code == "invalid" else 410
    return render(request, "evaluation/link_problem.html", {"problem": code}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def survey_page(request, token):
    try:
        invitation = survey.open_link(token)
    except links.LinkProblem as problem:
        return _problem(request, problem.code)
    # The participant's language, unless they chose another with the switcher.
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or invitation.language
    translation.activate(language)
    request.LANGUAGE_CODE = language
    survey_pages = survey.pages(invitation)
    try:
        number = min(max(int(request.GET.get("page", 0)), 0), len(survey_pages))
    except ValueError:
        number = 0
    here = reverse("evaluation:survey", args=[token])
    if number == 0:
        started = invitation.answers.exists()
        return render(request, "evaluation/survey_start.html", {
            "invitation": invitation, "pages": len(survey_pages), "here": here,
            "started": started, "resume": survey.resume_at(invitation) if started else 1,
        })
    page = survey_pages[number - 1]
    instrument = page.instrument
    errors = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "next")
        try:
            errors = survey.save_page(invitation, instrument=instrument, answers=request.POST,
                                      items=page.items)
        except links.LinkProblem as problem:
            return _problem(request, problem.code)
        if action == "stop":
            return render(request, "evaluation/survey_saved.html", {
                "invitation": invitation, "link": request.build_absolute_uri(here),
                "closes": invitation.last_day})
        if action == "back":
            return redirect(f"{here}?page={number - 1}")
        if not errors and action == "next" and number < len(survey_pages):
            return redirect(f"{here}?page={number + 1}")
        if not errors and action == "submit":
            try:
                missing = survey.submit(invitation)
            except links.LinkProblem as problem:
                return _problem(request, problem.code)
            if not missing:
                return render(request, "evaluation/survey_done.html", {"invitation": invitation})
            return render(request, "evaluation/survey_missing.html", {
                "invitation": invitation, "here": here,
                "missing": [(open_page.number, _page_title(open_page, language))
                            for open_page in missing],
            }, status=400)
        status = 400 if errors else 200
    answers = selectors.saved_answers(invitation, instrument).get(instrument.pk, {})
    if request.method == "POST":
        answers = {key: request.POST.get(key, "") for key in request.POST}
    definition = instrument.definition
    return render(request, "evaluation/survey_page.html", {
        "invitation": invitation, "here": here, "number": number, "pages": len(survey_pages),
        "title": _page_title(page, language),
        "instructions": text_in(definition.get("instructions", {}), language)
        if definition.get("instructions") else "",
        "questions": page_questions(instrument, language, answers, errors, items=page.items),
        "errors": errors, "last": number == len(survey_pages), "first_question": page.start,
    }, status=status)


def _page_title(page, language):
    name = text_in(page.instrument.definition["name"], language)
    if page.parts == 1:
        return name
    return _("%(name)s (part %(part)s of %(parts)s)") % {
        "name": name, "part": page.part, "parts": page.parts}


# --- What staff see of a case's surveys --------------------------------------------------------


@login_required
def case_waves(request, reference):
    def read(case):
        return ("survey scores" if policy.can(request.user, Action.VIEW_SURVEY_SCORES, case)
                else "survey status")

    case = pages.case_for_page(request, reference, Action.VIEW_SURVEY_STATUS, what=read)
    scores = []
    if policy.can(request.user, Action.VIEW_SURVEY_SCORES, case):
        scores = selectors.case_scores(case)
    return render(request, "evaluation/case_waves.html", {
        "case": case, "invitations": selectors.case_waves(case),
        "scores": outcomes.score_table(scores),
    })


# --- Outcomes and export for Fedris and researchers --------------------------------------------


@login_required
@pages.reads("outcome dashboard")
def dashboard(request):
    policy.require_capability(request.user, Capability.VIEW_OUTCOMES)
    filters = outcomes.OutcomeFilters(request.GET)
    report = outcomes.report(filters) if filters.is_valid() else None
    return render(request, "evaluation/dashboard.html", {
        "filters": filters, "report": report, "min_group": outcomes.min_group(),
        "may_export": policy.has_capability(request.user, Capability.EXPORT_RESEARCH_DATA),
    })


@login_required
@require_http_methods(["GET", "POST"])
@pages.reads("research exports")
def exports(request):
    """The researcher's exports, and asking for a new one (of the dashboard's selection): a
    worker prepares it, this page says when it is ready."""
    policy.require_capability(request.user, Capability.EXPORT_RESEARCH_DATA)
    status, problem = 200, None
    filters = outcomes.OutcomeFilters(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not filters.is_valid():
            problem, status = _("Choose the filters from the lists."), 400
        else:
            selection = filters.selection()
            try:
                exports_service.request_export(request.user, selection,
                                               filters.publication.size(selection))
            except ValidationError as error:
                problem, status = error.messages[0], 400
            else:
                messages.success(request, _(
                    "Your export is being prepared. It appears below as ready to download in "
                    "a few minutes: reload this page to see its status."))
                return redirect("evaluation:export")
    return render(request, "evaluation/exports.html", {
        "exports": exports_service.exports_of(request.user), "problem": problem,
        "filters": filters,
    }, status=status)


@login_required
def export_download(request, pk):
    policy.require_capability(request.user, Capability.EXPORT_RESEARCH_DATA)
    return exports_service.download(exports_service.ready_export(request.user, pk),
                                    reader=request.user)
