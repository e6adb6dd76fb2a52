"""The payment pages: thin (parse, ask the policy, call the service). A statement, claim or run
out of the user's reach is not found, as if it did not exist."""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from botp import keyset, pages, policy
from botp.models import (
    ClaimStatus,
    PaymentDocument,
    StatementLine,
    StatementStatus,
)
from botp.payments import forms, pdf, selectors, services, tariffs
from botp.policy import Capability

WAITING = [StatementStatus.CONFIRMED, StatementStatus.ANSWERED]


def _may_see_statements(user):
    return (policy.has_capability(user, Capability.MANAGE_PAYMENTS)
            or policy.has_capability(user, Capability.SEE_OWN_STATEMENTS))


@login_required
@require_http_methods(["GET", "POST"])
def statements(request):
    if not _may_see_statements(request.user):
        raise Http404
    manage = policy.has_capability(request.user, Capability.MANAGE_PAYMENTS)
    build = forms.BuildForm(request.POST or None) if manage else None
    status = 200
    if request.method == "POST":
        if build is None:
            raise Http404
        outcome = pages.submit(request, build, lambda: services.request_statements(
            request.user, build.cleaned_data["month"]))
        if outcome:
            messages.success(request, _("The statements of %(month)s are being built. They "
                                        "appear in this list when they are ready.")
                             % {"month": date_format(build.cleaned_data["month"], "F Y")})
            return redirect("payments:statements")
        status = outcome.status
    shown = (policy.statements_for(request.user).select_related("provider__user")
             .annotate(amount=Sum("lines__amount"), line_count=Count("lines"),
                       disputed=Count("lines", filter=~Q(lines__dispute_reason=""))))
    chosen = request.GET.get("status", "")
    if chosen == "waiting":
        shown = shown.filter(status__in=WAITING)
    elif chosen in StatementStatus.values:
        shown = shown.filter(status=chosen)
    else:
        chosen = ""
    page = keyset.keyset_page(request, shown, ("-pk",), settings.LIST_PAGE_SIZE)
    return render(request, "botp/payments/statements.html", {
        "page": page, "manage": manage, "build": build, "chosen": chosen,
        "building": services.pending_builds() if manage else None,
        "statuses": [("waiting", _("Waiting for Fedris")), *StatementStatus.choices],
    }, status=status)


def _statement_or_404(request, pk):
    return get_object_or_404(policy.statements_for(request.user)
                             .select_related("provider__user", "approved_by"), pk=pk)


def _line(statement, data):
    try:
        pk = int(data.get("line", ""))
    except (TypeError, ValueError):
        return None
    return StatementLine.objects.filter(statement=statement, pk=pk).first()


@login_required
@require_http_methods(["GET", "POST"])
def statement(request, pk):
    statement = _statement_or_404(request, pk)
    user = request.user
    manage = policy.has_capability(user, Capability.MANAGE_PAYMENTS)
    own = policy.may_confirm_statement(user, statement)
    step = request.POST.get("step", "")
    dispute = forms.DisputeForm(request.POST if step == "dispute" else None)
    answer = forms.AnswerForm(request.POST if step == "answer" else None)
    correction = forms.CorrectionForm(request.POST if step == "correct" else None)
    status = 200
    if request.method == "POST":
        line = _line(statement, request.POST)
        if step == "confirm" and own:
            outcome = pages.submit(request, None, lambda: services.confirm(user, statement))
            done = _("Statement confirmed: Fedris checks it now.")
        elif step == "approve" and manage:
            outcome = pages.submit(request, None, lambda: services.approve(user, statement))
            done = _("Statement approved: it is paid with the next payment run.")
        elif step == "dispute" and manage and line is not None:
            outcome = pages.submit(request, dispute, lambda: services.dispute(
                user, line, dispute.cleaned_data["reason"]),
                invalid=_("The line is not disputed: see below."))
            done = _("Line disputed: the provider is asked to answer.")
        elif step == "answer" and own and line is not None:
            outcome = pages.submit(request, answer, lambda: services.answer(
                user, line, answer.cleaned_data["answer"]),
                invalid=_("Your answer is not sent: see below."))
            done = _("Answer sent to Fedris.")
        elif step == "correct" and manage and line is not None:
            outcome = pages.submit(request, correction, lambda: services.correct(
                user, line, correction.cleaned_data["amount"],
                correction.cleaned_data["reason"]),
                invalid=_("The correction is not added: see below."))
            done = _("Correction added to the provider's next statement.")
        else:
            raise Http404
        if outcome:
            messages.success(request, done)
            return redirect("payments:statement", pk=statement.pk)
        status = outcome.status
        statement.refresh_from_db()
    lines = selectors.lines_of(statement)
    return render(request, "botp/payments/statement.html", {
        "statement": statement, "lines": lines, "manage": manage, "own": own,
        "demonstration": selectors.is_demonstration(lines),
        "total": sum((line.amount for line in lines), tariffs.money(0)),
        "dispute": dispute, "answer": answer, "correction": correction, "step": step,
        "posted_line": request.POST.get("line", ""),
        "pdf": services.pdf_for(PaymentDocument.Subject.STATEMENT, statement.pk,
                                translation.get_language()[:2]),
    }, status=status)


def _pdf_response(document, name):
    if document is None or not document.file:
        raise Http404
    return FileResponse(io.BytesIO(pdf.read(document)), content_type="application/pdf",
                        filename=name)


@login_required
def statement_pdf(request, pk):
    statement = _statement_or_404(request, pk)
    document = services.pdf_for(PaymentDocument.Subject.STATEMENT, statement.pk,
                                translation.get_language()[:2])
    return _pdf_response(document, f"{statement.reference}.pdf")


# --- Travel claims -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def claims(request):
    user = request.user
    manage = policy.has_capability(user, Capability.MANAGE_PAYMENTS)
    claimant = policy.has_capability(user, Capability.CLAIM_TRAVEL_COSTS)
    if not (manage or claimant):
        raise Http404
    cases = list(policy.travel_cases_for(user).select_related("programme")) if claimant else []
    trip = forms.TripForm(request.POST or None, cases=policy.travel_cases_for(user)
                          .select_related("programme")) if cases else None
    status = 200
    if request.method == "POST":
        if trip is None:
            raise Http404

        def declare():
            data = trip.cleaned_data
            return services.declare_trip(
                user, data["case"], trip_date=data["trip_date"], origin=data["origin"],
                mode=data["mode"], km=data.get("km"), ticket_amount=data.get("ticket_amount"))

        def checks():
            data = trip.cleaned_data
            if data.get("case") is not None and data.get("mode"):
                services.trip_problems(data["case"], data.get("trip_date"), data["mode"],
                                       data.get("km"), data.get("ticket_amount"))

        outcome = pages.submit(request, trip, declare, checks=checks,
                               invalid=_("The trip is not declared: see below."))
        if outcome:
            messages.success(request, _("Trip declared: Fedris checks it and pays it with "
                                        "the month."))
            return redirect("payments:claims")
        status = outcome.status
    shown = policy.travel_claims_for(user).select_related("case", "participant")
    chosen = request.GET.get("status", "")
    if chosen in ClaimStatus.values:
        shown = shown.filter(status=chosen)
    else:
        chosen = ""
    page = keyset.keyset_page(request, shown, ("-pk",), settings.LIST_PAGE_SIZE)
    # The rules in force today, read once per programme (a participant has one or two cases).
    by_programme = {}
    for case in cases:
        if case.programme_id not in by_programme:
            by_programme[case.programme_id] = tariffs.travel(case.programme, None)
    rules = [(case, by_programme[case.programme_id]) for case in cases]
    return render(request, "botp/payments/claims.html", {
        "page": page, "manage": manage, "claimant": claimant, "trip": trip, "rules": rules,
        "chosen": chosen, "statuses": ClaimStatus.choices,
        "account": getattr(policy.payee_of(user), "bank_account", None) if claimant else None,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def claim(request, pk):
    user = request.user
    found = get_object_or_404(policy.travel_claims_for(user)
                              .select_related("case", "participant", "decided_by"), pk=pk)
    manage = policy.has_capability(user, Capability.MANAGE_PAYMENTS)
    decide = forms.DecideClaimForm(request.POST or None) if manage else None
    status = 200
    if request.method == "POST":
        if decide is None:
            raise Http404

        def change():
            data = decide.cleaned_data
            return services.decide_claim(user, found, approve=data["decision"] == "approve",
                                         reason=data["reason"])

        outcome = pages.submit(request, decide, change,
                               invalid=_("The claim is not decided: see below."))
        if outcome:
            messages.success(request, _("Decision recorded."))
            return redirect("payments:claims")
        status = outcome.status
        found.refresh_from_db()
    return render(request, "botp/payments/claim.html", {
        "claim": found, "manage": manage, "decide": decide,
        "rules": tariffs.travel(found.case.programme, found.trip_date),
    }, status=status)


# --- Bank account ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def bank_account(request):
    payee = policy.payee_of(request.user)
    if payee is None:
        raise Http404
    account = getattr(payee, "bank_account", None)
    form = forms.BankAccountForm(request.POST or None, initial={
        "holder": account.holder if account else str(payee)})
    status = 200
    if request.method == "POST":
        outcome = pages.submit(request, form, lambda: services.set_bank_account(
            request.user, holder=form.cleaned_data["holder"], iban=form.cleaned_data["iban"],
            bic=form.cleaned_data["bic"]), invalid=_("The account is not saved: see below."))
        if outcome:
            messages.success(request, _("Bank account saved."))
            return redirect("payments:bank_account")
        status = outcome.status
    return render(request, "botp/payments/bank_account.html",
                  {"form": form, "account": account}, status=status)


# --- Payment runs ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def runs(request):
    policy.require_capability(request.user, Capability.MANAGE_PAYMENTS)
    form = forms.PaymentRunForm(request.POST or None)
    status = 200
    if request.method == "POST":
        outcome = pages.submit(request, form, lambda: services.make_payment_run(
            request.user, execution_date=form.cleaned_data["execution_date"]),
            invalid=_("No payment run was made: see below."))
        if outcome:
            messages.success(request, _("Payment run made: download its SEPA file for the "
                                        "bank."))
            return redirect("payments:run", pk=outcome.result.pk)
        status = outcome.status
    statements, claims_ = services.payable()
    waiting = {
        "statements": statements.count(),
        "claims": claims_.count(),
        "without_account": (statements.filter(provider__bank_account__isnull=True).count()
                            + claims_.filter(participant__bank_account__isnull=True).count()),
        "total": ((statements.aggregate(total=Sum("total"))["total"] or 0)
                  + (claims_.aggregate(total=Sum("amount"))["total"] or 0)),
    }
    page = keyset.keyset_page(request, policy.payment_runs_for(request.user)
                              .select_related("created_by"), ("-pk",),
                              settings.LIST_PAGE_SIZE)
    return render(request, "botp/payments/runs.html",
                  {"form": form, "page": page, "waiting": waiting}, status=status)


def _run_or_404(request, pk):
    return get_object_or_404(policy.payment_runs_for(request.user)
                             .select_related("created_by"), pk=pk)


@login_required
def run(request, pk):
    found = _run_or_404(request, pk)
    return render(request, "botp/payments/run.html", {
        "run": found,
        "statements": found.statements.select_related("provider__user").order_by("pk"),
        "claims": found.travel_claims.select_related("case").order_by("pk"),
        "pdf": services.pdf_for(PaymentDocument.Subject.PAYMENT_RUN, found.pk,
                                translation.get_language()[:2]),
    })


@login_required
def run_file(request, pk):
    found = _run_or_404(request, pk)
    data = services.download_file(request.user, found)
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response


@login_required
def run_pdf(request, pk):
    found = _run_or_404(request, pk)
    document = services.pdf_for(PaymentDocument.Subject.PAYMENT_RUN, found.pk,
                                translation.get_language()[:2])
    return _pdf_response(document, f"{found.reference}.pdf")
