"""What the pages share, as the API shares botp/api/errors.py and botp/api/viewsets.py:

- a page's read of case data is written in the audit trail where the page gets what it shows
  (``case_for_page``, ``object_for_page``, and ``@reads`` for a list that shows no one case);
- a form posted to a page goes to its service through ``submit``, which answers the service's
  refusals the same way on every page: bad input (ValidationError) on the form, 400; not
  possible now (workflow.TransitionError, StaleCase) told above the page, 409; in both cases
  the page is shown again with what the user typed;
- ``RefusalMiddleware`` answers a refusal no page caught: workflow.TransitionForbidden (not this
  user's to do) is a 403, any other TransitionError a 409 page with the reason.
"""

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.handlers.exception import response_for_exception
from django.shortcuts import get_object_or_404, redirect, render

from botp import audit, links, policy, workflow
from botp.forms import ChoosePasswordForm
from botp.models import AuditEntry, Case
from botp.policy import Action

# --- Reads, audited -----------------------------------------------------------------------------


def _named(what, obj):
    return what(obj) if callable(what) else what


def case_for_page(request, reference: str, action: Action | Iterable[Action] = Action.VIEW_CASE,
                  *, what: str | Callable[[Case], str]) -> Case:
    """The case ``reference`` for a page that shows it, through botp.policy: a 404 when it is
    out of the user's reach, a 403 when they may do none of ``action`` (one Action, or several
    of which any will do). Its read is written in the audit trail as ``what`` (or what
    ``what(case)`` says)."""
    user = request.user
    if isinstance(action, Action):
        case = policy.get_case_or_404(user, reference, action)
    else:
        case = policy.get_case_or_404(user, reference)
        if not policy.allowed_actions(user, case) & set(action):
            raise PermissionDenied
    audit.record(user, AuditEntry.Kind.VIEW, _named(what, case), case=case)
    return case


def object_for_page(request, queryset, *, what: str | Callable[[object], str], **lookup):
    """The object of ``queryset`` (a botp.policy scope) that ``lookup`` finds, or a 404; its
    read is written in the audit trail against its case, as ``what`` (or ``what(obj)``)."""
    obj = get_object_or_404(queryset, **lookup)
    audit.record(request.user, AuditEntry.Kind.VIEW, _named(what, obj), case=obj.case)
    return obj


def reads(what: str):
    """For a page that shows no one case (a list, a queue, a dashboard): its read is written in
    the audit trail, as ``what``, each time it is shown."""
    def decorate(view):
        @functools.wraps(view)
        def audited(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                audit.record(request.user, AuditEntry.Kind.VIEW, what)
            return response
        return audited
    return decorate


# --- Personal links ----------------------------------------------------------------------------

# A link that was good and is spent answers 410; one that never was, 404.
SPENT_LINKS = {"used", "expired", "revoked"}


def password_link(request, token, *, find, accept, hint, template, context, problem_template,
                  welcome):
    """A personal link's page where its person chooses their password (an invitation, a
    participant's activation): ``find(token)`` the link or raise botp.links.LinkProblem;
    ``accept(token, password=…)`` makes or completes the account and returns it; then the
    person is logged in and sent to their dashboard with ``welcome``. ``hint(link)`` is the
    person the password rules compare the password with; ``context(link)`` what the page
    shows."""
    try:
        link = find(token)
    except links.LinkProblem as problem:
        return render(request, problem_template, {"problem": problem.code},
                      status=410 if problem.code in SPENT_LINKS else 404)
    form = ChoosePasswordForm(request.POST or None, user_hint=hint(link))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = accept(token, password=form.cleaned_data["password1"])
            except links.LinkProblem as problem:
                return render(request, problem_template, {"problem": problem.code},
                              status=409)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, welcome)
            return redirect("dashboard")
        status = 400
    return render(request, template, {"form": form, **context(link)}, status=status)


# --- Refusals -----------------------------------------------------------------------------------


def refusal(request, case, name, back_to):
    """For a page offering transition or activity ``name``: 403 when it is never the user's to
    do on this case; None when the page may be shown.

    When the case is not at that point, a GET goes back to ``back_to`` (a URL name taking the
    case reference) with the reason. A form posted meanwhile goes on to its service, whose
    refusal shows the page again with what the user typed.
    """
    try:
        workflow.check(request.user, name, case)
    except workflow.TransitionForbidden:
        raise PermissionDenied from None
    except workflow.TransitionError as error:
        if request.method not in ("GET", "HEAD"):
            return None
        messages.info(request, str(error))
        return redirect(back_to, reference=case.reference)
    return None


@dataclass(frozen=True)
class Outcome:
    """What became of a form posted to a page: done, with ``result`` (what the service
    returned), or refused, with the ``status`` to show the page again with."""

    result: object = None
    status: int = 200

    @property
    def done(self):
        return self.status == 200

    def __bool__(self):
        return self.done


def submit(request, forms, change: Callable[[], object], *, invalid: str = "",
           checks: Callable[[], object] | None = None) -> Outcome:
    """Call ``change`` (a service, with what the forms hold) when every form of ``forms`` (one
    form, several, or None) is valid, and say what became of it.

    Bad input, from the forms or the service's ValidationError, is 400: the service's errors go
    on the first form (by field where they name one), or above the page when there is no form,
    and ``invalid`` is said above the page. A step the case is not at, or a case someone else
    changed meanwhile, is told above the page: 409. Either way the forms keep what the user
    typed, for the page to show again. A step that is never the user's to take is a 403
    (RefusalMiddleware).

    ``checks`` (optional) says, by raising the service's ValidationError, what the service
    would refuse in what the forms could clean; it is called when a form is invalid, so that
    the page says every problem at once rather than the field errors first and the rest after
    the next post. Its problems go on the first form, except on a field that has an error
    already.
    """
    forms = [] if forms is None else [forms] if not isinstance(forms, list | tuple) else forms
    if not all([form.is_valid() for form in forms]):
        if checks is not None and forms:
            try:
                checks()
            except ValidationError as error:
                add_errors(forms[0], error, keep_field_errors=True)
        if invalid:
            messages.error(request, invalid)
        return Outcome(status=400)
    try:
        result = change()
    except ValidationError as error:
        if forms:
            add_errors(forms[0], error)
        else:
            messages.error(request, " ".join(error.messages))
        if invalid:
            messages.error(request, invalid)
        return Outcome(status=400)
    except workflow.TransitionError as error:
        if isinstance(error, workflow.TransitionForbidden):
            raise
        messages.error(request, str(error))
        return Outcome(status=error.status)
    return Outcome(result=result)


def add_errors(form, error, *, keep_field_errors=False):
    """Put a service's ValidationError on the form: on its fields where it names them. With
    ``keep_field_errors``, a field that has an error of its own gets no other."""
    def add(field, problems):
        field = field if field in form.fields else None
        if keep_field_errors and field is not None and field in form.errors:
            return
        form.add_error(field, problems)

    if hasattr(error, "error_dict"):
        for field, problems in error.error_dict.items():
            add(field, problems)
    elif hasattr(error, "problems"):  # botp.reports.ReportRefused: (field, message) pairs
        for field, message in error.problems:
            add(field, message)
    else:
        form.add_error(None, error)


class RefusalMiddleware:
    """The pages' answer to a refusal that reaches no ``submit``: 403 for a step never the
    user's to take, a 409 page with the reason for one not possible now. (The API answers its
    own, in JSON: botp/api/errors.py.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, workflow.TransitionForbidden):
            return response_for_exception(request, PermissionDenied(str(exception)))
        if isinstance(exception, workflow.TransitionError):
            return render(request, "409.html", {"reason": str(exception)},
                          status=exception.status)
        return None
