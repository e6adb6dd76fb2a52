"""Stages 3 and 4's part of the worklists (botp.worklists): sessions to record, final reports
due, consents given or withdrawn, and the participant's way to their sessions."""

import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from botp import duration, worklists
from botp.models import CaseState, Consent, Session, SessionStatus
from botp.policy import Relation as R

# How long a consent given or withdrawn stays on the BTP's worklist.
CONSENT_NEWS_DAYS = 14


def _held(**which):
    """A case's held sessions (of ``which`` provider), counted for each row a list shows: a
    subquery, which PostgreSQL runs after the ORDER BY and LIMIT, not a join grouped over
    every case of the provider."""
    held = (Session.objects.filter(case=OuterRef("pk"), status=SessionStatus.HELD, **which)
            .order_by().values("case").annotate(count=Count("pk")).values("count"))
    return Coalesce(Subquery(held, output_field=IntegerField()), 0)


@worklists.source(R.BTP, states=[CaseState.IN_TREATMENT])
def treatment(user, cases):
    held = _held()
    for case in worklists.first(cases.annotate(held=held)
                                .order_by("treatment_started_at", "pk")):
        clock = duration.clock(case)
        note = ngettext("%(count)s session held", "%(count)s sessions held",
                        case.held) % {"count": case.held}
        if clock and (clock.near or clock.overdue):
            yield worklists.Todo(_("Write and send the final report"),
                                 reverse("treatment:final_report", args=[case.reference]),
                                 case, rank=worklists.HIGH, kind="reports", note=note)
        else:
            yield worklists.Todo(_("Record the sessions and write the final report"),
                                 reverse("treatment:overview", args=[case.reference]), case,
                                 kind="sessions", note=note)


@worklists.source(R.ISP, states=[CaseState.IN_TREATMENT])
def assignments(user, cases):
    held = _held(provider__user=user)
    for case in worklists.first(cases.annotate(held=held)
                                .order_by("treatment_started_at", "pk")):
        yield worklists.Todo(_("Record the sessions you give"),
                             reverse("treatment:overview", args=[case.reference]), case,
                             kind="sessions",
                             note=ngettext("%(count)s of your sessions held",
                                           "%(count)s of your sessions held",
                                           case.held) % {"count": case.held})


@worklists.source(R.BTP)
def consents(user, cases):
    since = timezone.now() - datetime.timedelta(days=CONSENT_NEWS_DAYS)
    changed = (Consent.objects.filter(case__in=cases.filter(state=CaseState.IN_TREATMENT))
               .filter(Q(given_at__gte=since) | Q(withdrawn_at__gte=since))
               .select_related("case__programme", "case__programme_version", "case__participant")
               .order_by("-given_at", "-pk"))
    for consent in worklists.first(changed):
        case = consent.case
        if consent.withdrawn_at:
            yield worklists.Todo(
                _("Consent withdrawn: %(purpose)s") % {"purpose": consent.get_purpose_display()},
                reverse("treatment:overview", args=[case.reference]), case, kind="consents",
                note=_("Inform no one further on its basis."),
                flag=pgettext_lazy("consent", "Withdrawn"))
        elif consent.purpose == Consent.Purpose.MEETING:
            yield worklists.Todo(_("Consent given: prepare the workplace meeting"),
                                 reverse("treatment:meeting", args=[case.reference]), case,
                                 kind="consents")
        else:
            yield worklists.Todo(_("Consent given: you may write the data transmission report"),
                                 reverse("treatment:transmissions", args=[case.reference]),
                                 case, kind="consents")


@worklists.source(R.PARTICIPANT, states=[CaseState.IN_DIAGNOSIS, CaseState.DIAGNOSIS_REVIEW,
                                         CaseState.NOT_CONFIRMED, CaseState.IN_TREATMENT])
def my_sessions(user, cases):
    for case in cases:
        yield worklists.Todo(_("See your sessions and care providers"),
                             reverse("treatment:mine", args=[case.reference]), case,
                             rank=worklists.LOW, kind="sessions", info=True)
