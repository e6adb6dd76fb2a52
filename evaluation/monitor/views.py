"""The monitor's pages. The person's pages open with their private link and nothing else (no
account; a staff login opens nothing more). The aggregates page is for researchers and
wellbeing officers, each within the organisations the policy gives them."""

import io

from allauth.core import ratelimit
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from botp import links, pages, policy
from botp.models import FederalOrganisation
from botp.policy import Capability
from evaluation.forms import page_questions, text_in
from evaluation.monitor import aggregates, delivery, feedback, services
from evaluation.monitor.forms import ContactForm, StartForm
from evaluation.monitor.models import Measurement
from evaluation.survey import _parts

SUPPORTED = ("nl", "fr", "de", "en")


def _language():
    language = (translation.get_language() or "nl")[:2]
    return language if language in SUPPORTED else "nl"


def _problem(request, code):
    return render(request, "evaluation/link_problem.html", {"problem": code},
                  status=404 if code == "invalid" else 410)


def _person(token):
    return services.person_for(token)


@never_cache
@require_http_methods(["GET", "POST"])
def start(request):
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="monitor_start"):
            form.add_error(None, _("Many monitors were started from your network in the last "
                                   "minutes. Please try again in ten minutes; what you chose "
                                   "is kept below."))
            return render(request, "evaluation/monitor/start.html", {"form": form},
                          status=429)
        _person_made, token = services.start(
            organisation=form.cleaned_data["organisation"], language=_language(),
            email=form.cleaned_data["email"])
        return redirect(reverse("evaluation:monitor_home", args=[token]) + "?new=1")
    return render(request, "evaluation/monitor/start.html", {"form": form},
                  status=400 if form.errors else 200)


@never_cache
def home(request, token):
    try:
        person = _person(token)
    except links.LinkProblem as problem:
        return _problem(request, problem.code)
    language = _language()
    here = reverse("evaluation:monitor_home", args=[token])
    sent = list(person.responses.filter(completed_at__isnull=False).order_by("completed_at"))
    labels, rows = feedback.comparison(person, language)
    return render(request, "evaluation/monitor/home.html", {
        "token": token, "here": here, "new": request.GET.get("new") == "1",
        "link": request.build_absolute_uri(here),
        "open": services.open_response(person, create=False), "sent": sent,
        "follow_ups": services.follow_ups(person),
        "has_contact": hasattr(person, "contact"), "contact_form": ContactForm(),
        "labels": labels, "rows": rows,
    })


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, token):
    try:
        person = _person(token)
    except links.LinkProblem as problem:
        return _problem(request, problem.code)
    response = services.open_response(person, create=request.method == "POST")
    if response is None:
        return redirect("evaluation:monitor_home", token=token)
    language = _language()
    definition = response.instrument.definition
    parts = _parts(definition["items"])
    try:
        number = min(max(int(request.GET.get("page", 1)), 1), len(parts))
    except ValueError:
        number = 1
    here = reverse("evaluation:monitor_answer", args=[token])
    items = parts[number - 1]
    errors, status = {}, 200
    if request.method == "POST":
        action = request.POST.get("action", "next")
        try:
            errors = services.save_page(response, request.POST, items)
        except links.LinkProblem as problem:
            return _problem(request, problem.code)
        if action == "stop":
            return redirect("evaluation:monitor_home", token=token)
        if action == "back":
            return redirect(f"{here}?page={number - 1}")
        if not errors and action == "next" and number < len(parts):
            return redirect(f"{here}?page={number + 1}")
        if not errors and action == "submit":
            missing = services.submit(response)
            if not missing:
                return redirect("evaluation:monitor_feedback", token=token,
                                measurement=response.measurement)
            first = next(i for i, part in enumerate(parts, 1)
                         if {item["id"] for item in part} & {m["id"] for m in missing})
            return redirect(f"{here}?page={first}")
        status = 400 if errors else 200
    answers = services.saved_answers(response)
    if request.method == "POST":
        answers = {key: request.POST.get(key, "") for key in request.POST}
    start = 1 + sum(len(part) for part in parts[:number - 1])
    title = text_in(definition["name"], language)
    if len(parts) > 1:
        title = _("%(name)s (part %(part)s of %(parts)s)") % {
            "name": title, "part": number, "parts": len(parts)}
    return render(request, "evaluation/survey_page.html", {
        "here": here, "number": number, "pages": len(parts), "title": title,
        "instructions": text_in(definition.get("instructions", {}), language),
        "questions": page_questions(response.instrument, language, answers, errors, items=items),
        "errors": errors, "last": number == len(parts), "first_question": start,
    }, status=status)


def _sent_response(person, measurement):
    if measurement not in Measurement.values:
        raise Http404
    response = (person.responses.select_related("instrument")
                .filter(measurement=measurement, completed_at__isnull=False).first())
    if response is None:
        raise Http404
    return response


@never_cache
def result(request, token, measurement):
    try:
        person = _person(token)
    except links.LinkProblem as problem:
        return _problem(request, problem.code)
    response = _sent_response(person, measurement)
    return render(request, "evaluation/monitor/feedback.html", {
        "token": token, "feedback": feedback.of(response, _language()), "response": response,
        "home": reverse("evaluation:monitor_home", args=[token]),
    })


@never_cache
def result_pdf(request, token, measurement):
    try:
        person = _person(token)
    except links.LinkProblem as problem:
        return _problem(request, problem.code)
    response = _sent_response(person, measurement)
    if not response.feedback_pdf:
        return render(request, "evaluation/monitor/pdf_pending.html", {
            "back": reverse("evaluation:monitor_feedback", args=[token, measurement])},
            status=202)
    return FileResponse(io.BytesIO(delivery.read_pdf(response)), content_type="application/pdf",
                        filename=f"fa-brm-{measurement}.pdf")


@never_cache
@require_POST
def contact(request, token):
    try:
        person = _person(token)
    except links.LinkProblem as problem:
        return _problem(request, problem.code)
    here = reverse("evaluation:monitor_home", args=[token])
    if request.POST.get("action") == "delete":
        services.delete_contact(person)
        return redirect(f"{here}?contact=deleted")
    form = ContactForm(request.POST)
    if not form.is_valid():
        return render(request, "evaluation/monitor/contact_problem.html",
                      {"form": form, "here": here}, status=400)
    services.set_contact(person, form.cleaned_data["email"])
    return redirect(f"{here}?contact=saved")


@login_required
@pages.reads("re-integration monitor aggregates")
def aggregates_page(request):
    policy.require_capability(request.user, Capability.VIEW_MONITOR_AGGREGATES)
    organisations = policy.monitor_organisations(request.user)
    # The whole administration's row only for those who see every organisation.
    everything = set(organisations) == set(FederalOrganisation.values)
    cells, totals = aggregates.report(organisations, with_total=everything,
                                      language=_language())
    return render(request, "evaluation/monitor/aggregates.html", {
        "cells": cells, "totals": totals, "min_group": aggregates.min_group(),
        "organisations": organisations,
    })
