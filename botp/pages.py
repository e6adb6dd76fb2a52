"""What the stages' pages share: turning a refusal or a service's errors into what the user
sees."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from botp import workflow


def refusal(request, case, name, back_to):
    """For a page offering transition or activity ``name``: 403 when it is never the user's to
    do on this case, or back to ``back_to`` (a URL name taking the case reference) with the
    reason when the case is not at that point; None when the page may be shown."""
    try:
        workflow.check(request.user, name, case)
    except workflow.TransitionForbidden:
        raise PermissionDenied from None
    except workflow.TransitionError as error:
        messages.info(request, str(error))
        return redirect(back_to, reference=case.reference)
    return None


def add_errors(form, error):
    """Put a service's ValidationError on the form: on its fields where it names them."""
    if hasattr(error, "error_dict"):
        for field, problems in error.error_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error)
