"""One shape for every API error: ``{"detail": "..."}``, with ``errors`` by field for input
that was refused. The services' own exceptions are answered here, in one place:

- django.core.exceptions.ValidationError (bad input, a cap, the plan) → 400;
- workflow.TransitionForbidden (not this user's to do) → 403;
- workflow.TransitionError (not possible in the case's state) → 409;
- a case out of the user's reach → 404, the same as one that does not exist.
"""

import logging

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from botp import workflow

logger = logging.getLogger("botp.api")

NON_FIELD = "non_field_errors"


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: JSON for every error, never an HTML page."""
    if isinstance(exc, DjangoValidationError):
        return _refused(_by_field(exc))
    if isinstance(exc, workflow.TransitionError):
        set_rollback()
        return Response({"detail": str(exc)}, status=exc.status)
    if isinstance(exc, Http404):
        # The same words whatever was not found, or why.
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        # Logged with its traceback only: no request data (DESIGN.md section 5).
        logger.error("Unexpected error in an API view", exc_info=exc)
        set_rollback()
        return Response({"detail": _("A server error occurred.")},
                        status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    if response.status_code == status.HTTP_400_BAD_REQUEST:
        data = response.data
        only_detail = isinstance(data, dict) and set(data) == {"detail"}
        response.data = _refusal({NON_FIELD: [str(data["detail"])]} if only_detail
                                 else _flatten(data))
    elif not (isinstance(response.data, dict) and "detail" in response.data):
        response.data = {"detail": " ".join(_messages(response.data))}
    return response


def _by_field(error):
    """A Django ValidationError's messages, by the field they concern."""
    if hasattr(error, "error_dict"):
        return {
            NON_FIELD if field in (None, NON_FIELD_ERRORS) else field: messages
            for field, messages in error.message_dict.items()
        }
    return {NON_FIELD: list(error.messages)}


def _flatten(data, prefix=""):
    """DRF's validation errors (possibly nested) as {field: [messages]}."""
    if isinstance(data, dict):
        found = {}
        for key, value in data.items():
            field = NON_FIELD if key in ("non_field_errors", NON_FIELD_ERRORS) and not prefix \
                else f"{prefix}{key}"
            for name, messages in _flatten(value, f"{field}.").items():
                found.setdefault(name.rstrip("."), []).extend(messages)
        return found
    return {prefix or NON_FIELD: _messages(data)}


def _messages(data):
    if isinstance(data, dict):
        return [message for value in data.values() for message in _messages(value)]
    if isinstance(data, list | tuple):
        return [message for value in data for message in _messages(value)]
    return [str(data)]


def _refusal(errors):
    return {"detail": " ".join(_messages(errors)), "errors": errors}


def _refused(errors):
    set_rollback()
    return Response(_refusal(errors), status=status.HTTP_400_BAD_REQUEST)


# --- How errors appear in the OpenAPI schema ------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in the user's language.")


class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="The messages by field; `non_field_errors` for those about the whole request.",
    )


def _error(description, serializer=ErrorSerializer):
    return OpenApiResponse(serializer, description=description)


BAD_REQUEST = {400: _error("The input was refused.", ValidationErrorSerializer)}
UNAUTHENTICATED = {
    401: _error("Not authenticated: log in, or send `Authorization: Token <key>`."),
    403: _error("Not allowed: not this user's to do on this case."),
}
NOT_FOUND = {404: _error("No such object within the user's reach.")}
# What a paginated list answers: a cursor that is not one of its own is not found.
LISTED = {**BAD_REQUEST, **UNAUTHENTICATED, 404: _error("No such page (invalid cursor).")}
CONFLICT = {409: _error("Not possible while the case is in its current state.")}
