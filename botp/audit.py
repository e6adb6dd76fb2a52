"""Recording reads and changes of case data in the append-only audit trail, and who is acting.

Changes to accounts and the provider directory are recorded by botp.account_audit from the
models' signals; they need to know who made them, wherever the change comes from. The request
middleware sets that for the request's user; code acting for someone else (the invitation
being accepted by its new account) says so with ``acting_as``.
"""

import contextvars
from contextlib import contextmanager

from botp.models import AuditEntry

_actor = contextvars.ContextVar("botp_audit_actor", default=None)


@contextmanager
def acting_as(user):
    """Attribute the changes made inside the block to ``user``."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor():
    """The signed-in user changes are attributed to now, or None (a command, the worker)."""
    actor = _actor.get()
    if actor is not None and getattr(actor, "is_authenticated", False) and actor.pk:
        return actor
    return None


class ActorMiddleware:
    """The request's user acts for every change made while serving the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # request.user is lazy: it is only looked up if a change is recorded.
        with acting_as(request.user):
            return self.get_response(request)


def record(actor, kind, what, case=None):
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind, what=what[:200], case=case,
    )


def record_change(subject, what, changes):
    """A change to an administrative record (an account, a provider, an invitation) by the
    current actor: ``subject`` names the record ("provider:12"), ``changes`` maps each
    changed field to its [old, new] values."""
    return AuditEntry.objects.create(
        actor=current_actor(), kind=AuditEntry.Kind.CHANGE, what=what[:200], case=None,
        subject=subject[:64], changes=changes,
    )


def record_views(actor, entries):
    """View entries for ``entries``, (case, what) pairs such as a page of objects read through
    the API, in one insert; the same pair is recorded once."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    unique = {(case.pk, what[:200]): case for case, what in entries}
    return AuditEntry.objects.bulk_create([
        AuditEntry(actor=actor, kind=AuditEntry.Kind.VIEW, what=what, case=case)
        for (_pk, what), case in unique.items()
    ])
