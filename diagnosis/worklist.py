"""Stage 2's part of the worklists (botp.worklists): the psychologist's reviews, red flags
first; the BTP's diagnosis, revision and debrief; the participant's choice of a BTP. Other
diagnosis to-dos (such as answered questions) register here the same way."""

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from botp import worklists
from botp.models import CaseEvent, CaseState
from botp.policy import Relation as R
from botp.steps import Step
from diagnosis import selectors


@worklists.source(R.FEDRIS_PSYCHOLOGIST, states=[CaseState.DIAGNOSIS_REVIEW])
def reviews(user, cases):
    for case in worklists.first(selectors.review_queue(cases)):
        if case.red_flag:
            rank, note = worklists.URGENT, ""
        elif case.answered:
            # The BTP answered the psychologist's question: the loop closes with them first.
            rank, note = worklists.HIGH, _("Answer received")
        else:
            rank, note = worklists.NORMAL, ""
        yield worklists.Todo(
            _("Review the diagnosis report and treatment request"),
            reverse("diagnosis:review", args=[case.reference]), case,
            rank=rank, kind="reviews", note=note,
            flag=_("Red flag: suicidal ideation") if case.red_flag else "",
        )


@worklists.source(R.BTP, states=[CaseState.IN_DIAGNOSIS, CaseState.NOT_CONFIRMED])
def diagnosis(user, cases):
    last_step = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-at", "-pk")
    for case in worklists.first(cases.annotate(
            last_step=Subquery(last_step.values("action")[:1])).order_by("updated_at", "pk")):
        if case.state == CaseState.NOT_CONFIRMED:
            yield worklists.Todo(_("Hold the debrief session and close the case"),
                                 reverse("diagnosis:overview", args=[case.reference]), case,
                                 kind="debrief")
        elif case.last_step == Step.REQUEST_INFORMATION:
            yield worklists.Todo(_("Revise the diagnosis report: Fedris asked for more "
                                   "information"),
                                 reverse("diagnosis:report", args=[case.reference]), case,
                                 rank=worklists.HIGH, kind="reports")
        else:
            yield worklists.Todo(_("Record the diagnosis sessions and send the report"),
                                 reverse("diagnosis:overview", args=[case.reference]), case,
                                 kind="sessions")


@worklists.source(R.PARTICIPANT, states=[CaseState.AWAITING_BTP_CHOICE])
def btp_choice(user, cases):
    for case in cases:
        yield worklists.Todo(_("Choose your BTP"),
                             reverse("diagnosis:choose_btp", args=[case.reference]), case,
                             rank=worklists.HIGH, kind="choice")
