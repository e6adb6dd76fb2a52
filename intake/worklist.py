"""Stage 1's part of the worklists (botp.worklists): requests to decide, drafts to finish, and
approved workers whose activation link ran out."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from botp import states, worklists
from botp.models import CaseState
from botp.policy import Relation as R
from intake import selectors
from intake.models import ActivationLink


@worklists.source(R.FEDRIS_ADMIN, states=[CaseState.REQUESTED])
def requests_to_decide(user, cases):
    waiting = cases.select_related("screening_request").order_by("requested_at", "pk")
    for case in worklists.first(waiting):
        screening = getattr(case, "screening_request", None)
        url = (reverse("intake:review", args=[screening.pk]) if screening
               else reverse("case_detail", args=[case.reference]))
        yield worklists.Todo(_("Decide on the screening request"), url, case, kind="requests")


@worklists.source(R.FEDRIS_ADMIN)
def expired_activation_links(user, cases):
    """Approved workers without an account whose every link has expired: they cannot start."""
    alive = ActivationLink.objects.filter(used_at__isnull=True, expires_at__gt=timezone.now())
    stuck = (cases.filter(state__in=states.OPEN, approved_at__isnull=False,
                          participant__user__isnull=True,
                          participant__in=ActivationLink.objects.values("participant"))
             .exclude(participant__in=alive.values("participant")))
    for case in worklists.first(stuck.order_by("approved_at", "pk")):
        yield worklists.Todo(
            _("Contact the participant: their activation link expired"),
            reverse("case_detail", args=[case.reference]), case, kind="activation",
            note=_("They have no account yet, so they cannot choose their BTP."))


@worklists.source(R.REFERRER)
def drafts(user, cases):
    unsent = selectors.filed_by(user).filter(submitted_at__isnull=True)
    for draft in worklists.first(unsent):
        name = f"{draft.first_name} {draft.last_name}".strip()
        started = date_format(timezone.localdate(draft.created_at), "SHORT_DATE_FORMAT")
        yield worklists.Todo(
            _("Finish and send your draft screening request"),
            reverse("intake:edit", args=[draft.pk]), kind="drafts",
            note=(_("%(name)s, started on %(date)s") if name else _("Started on %(date)s"))
            % {"name": name, "date": started},
        )
