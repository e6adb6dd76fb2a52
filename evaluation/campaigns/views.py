"""Campaign pages: Fedris administrators build, send and follow them; a recipient answers
through their link (no login needed, and a login shows nothing more)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from botp import links, pages, policy
from botp.policy import Capability
from evaluation.campaigns import results, services
from evaluation.campaigns.forms import CampaignForm
from evaluation.campaigns.models import Campaign
from evaluation.disclosure import min_group
from evaluation.forms import page_questions, text_in


def _language():
    return (translation.get_language() or "nl")[:2]


@login_required
@pages.reads("stakeholder campaigns")
@require_http_methods(["GET", "POST"])
def campaigns(request):
    policy.require_capability(request.user, Capability.MANAGE_CAMPAIGNS)
    form = CampaignForm(request.POST or None, language=_language())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        campaign = services.send(
            by=request.user, title=data["title"], questionnaire=data["questionnaire"],
            audiences=data["audiences"], programme=data["programme"], external=data["external"],
            external_language=data["external_language"], closes_on=data["closes_on"])
        return redirect("evaluation:campaign", pk=campaign.pk)
    listed = Campaign.objects.select_related("questionnaire")[:50]
    return render(request, "evaluation/campaigns/list.html", {
        "form": form, "campaigns": [(c, results.rates(c)[0]) for c in listed],
    }, status=400 if form.errors else 200)


def _campaign(request, pk):
    policy.require_capability(request.user, Capability.MANAGE_CAMPAIGNS)
    campaign = Campaign.objects.select_related("questionnaire", "programme").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


@login_required
@pages.reads("stakeholder campaign results")
def campaign(request, pk):
    found = _campaign(request, pk)
    total, by_audience = results.rates(found)
    return render(request, "evaluation/campaigns/detail.html", {
        "campaign": found, "total": total, "by_audience": by_audience,
        "results": results.aggregates(found, _language()),
        "responses": found.responses.count(), "min_group": min_group(),
        "name": text_in(found.questionnaire.definition["name"], _language()),
    })


@login_required
@require_POST
def campaign_remind(request, pk):
    services.remind(_campaign(request, pk))
    return redirect("evaluation:campaign", pk=pk)


@login_required
@require_POST
def campaign_close(request, pk):
    services.close(_campaign(request, pk))
    return redirect("evaluation:campaign", pk=pk)


def _problem(request, code):
    return render(request, "evaluation/link_problem.html", {"problem": code},
                  status=404 if code == "invalid" else 410)


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, token):
    try:
        recipient = services.recipient_for(token)
    except links.LinkProblem as problem:
        return _problem(request, problem.code)
    language = _language()
    definition = recipient.campaign.questionnaire.definition
    errors, posted, status = {}, {}, 200
    if request.method == "POST":
        posted = {key: request.POST.get(key, "") for key in request.POST}
        try:
            errors = services.answer(recipient, request.POST)
        except links.LinkProblem as problem:
            return _problem(request, problem.code)
        if not errors:
            return render(request, "evaluation/campaigns/thanks.html", {})
        status = 400
    here = reverse("evaluation:campaign_answer", args=[token])
    return render(request, "evaluation/campaigns/answer.html", {
        "here": here, "campaign": recipient.campaign,
        "title": text_in(definition["name"], language),
        "instructions": text_in(definition.get("instructions", {}), language),
        "questions": page_questions(recipient.campaign.questionnaire, language, posted, errors),
        "errors": errors,
    }, status=status)
