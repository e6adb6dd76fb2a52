"""Stage 1's reads: the screening requests each person may see, the referrer's drafts and
Fedris' review queue. Nothing here writes; the changes are in intake.services.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from botp import policy
from botp.models import Case, CaseEvent, CaseState, Programme, User
from botp.policy import Action
from botp.steps import Step
from intake import eligibility
from intake.models import ScreeningRequest


def filed_by(user: User) -> QuerySet[ScreeningRequest]:
    """The referrer's own requests, drafts included, newest first, with what the list shows."""
    return policy.with_relations(
        policy.filed_by(user, ScreeningRequest.objects).select_related("case", "programme"),
        prefix="case__",
    ).order_by("-created_at", "-pk")


def own_requests(user: User) -> QuerySet[ScreeningRequest]:
    """The referrer's requests, drafts and sent: a draft has no case yet, so its owner is the
    rule."""
    return policy.filed_by(user, ScreeningRequest.objects)


def submitted_for(user: User) -> QuerySet[ScreeningRequest]:
    """The submitted requests ``user`` may read, with what their page shows."""
    return (policy.scope_by_case(user, ScreeningRequest.objects, Action.VIEW_SCREENING_REQUEST)
            .select_related("case__participant", "case__programme_version", "programme", "sector"))


def review_queue(user: User) -> QuerySet[ScreeningRequest]:
    """The requests waiting for Fedris' decision, oldest first."""
    return (
        policy.scope_by_case(user, ScreeningRequest.objects, Action.VIEW_SCREENING_REQUEST)
        .filter(case__state=CaseState.REQUESTED)
        .select_related("case__programme_version", "programme", "sector")
        # In the order the cases were opened (at the request's submission), read along the
        # cases' (state, requested_at) index: ordered by the requests' own date, the database
        # walked every request ever sent to find the few still waiting.
        .order_by("case__requested_at", "case_id")
    )


def default_programme() -> Programme | None:
    """The programme a new request is for unless the referrer chooses another."""
    return Programme.objects.filter(active=True, is_default=True).first()


@dataclass(frozen=True)
class Refusal:
    """Why a request was found not eligible: the category everyone who reads the request may
    see, and what the administrator wrote for the worker's letter (event details: Fedris
    only)."""

    code: str
    label: str
    note: str


def refusal_of(case: Case, user: User) -> Refusal | None:
    """The not-eligible decision on ``case`` as ``user`` may read it; None when the request was
    not refused. Call only for a case ``user`` may see the request of."""
    if case.state != CaseState.INELIGIBLE:
        return None
    event = (CaseEvent.objects.filter(case=case, action=Step.DECLARE_INELIGIBLE)
             .order_by("-pk").first())
    if event is None:
        return None
    code = event.payload.get("reason_code", "")
    label = eligibility.Reason(code).label if code in eligibility.Reason.values else ""
    note = ""
    if policy.can(user, Action.VIEW_EVENT_DETAILS, case):
        reason = event.payload.get("reason", "")
        note = "" if reason == code else reason
    return Refusal(code, label, note)
