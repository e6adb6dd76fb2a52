"""Worklists: what needs each person's action, from the state table (botp.states: who must act
next) and the open work around a case (failed deliveries, drafts, consents, reviews).

botp knows the states and its own records; a stage adds what it knows (its pages, its reports,
its red flags) by registering a *source* from its ``worklist.py``, found by ``autodiscover``:

    @worklists.source(Relation.BTP, states=[CaseState.IN_DIAGNOSIS])
    def diagnosis_to_do(user, cases):
        for case in cases: yield worklists.Todo(...)

A source gets the cases the user holds the relation to (in ``states`` when it names some),
already loaded with their programme and participant; it returns to-dos and asks a fixed number
of queries whatever their number. The states a relation must act in (``states.waiting_for``)
that no source names get botp's own to-do, pointing to the case page. Nothing here decides who
may see what: the cases come from botp.policy, and names show where the policy allows identity.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from botp import duration, nationalnumber, plan, policy, states, workflow
from botp.models import Case, CaseState, OutboxMessage, Provider, Role, SessionStatus
from botp.policy import Action
from botp.policy import Relation as R
from botp.steps import Step

S = CaseState

# At most this many to-dos per source: a longer queue is worked from its own page.
LIMIT = 10


def first(rows):
    """What a source looks at of ``rows`` (a queryset): one more than it shows, so that the
    worklist knows when it was cut short."""
    return rows[:LIMIT + 1]
# How far back a referrer's outcomes are news, and how many of them (the list has the rest).
OUTCOMES_DAYS, OUTCOMES_SHOWN = 30, 10

# Ranks order a worklist: the lower, the sooner (ties: the nearest deadline first).
URGENT, HIGH, NORMAL, LOW = 0, 10, 20, 30


@dataclass
class Todo:
    """One thing to do (or, with ``info``, to know): what, where, for which case."""

    what: str
    url: str
    case: Case | None = None
    rank: int = NORMAL
    note: str = ""
    # A short warning shown first (a red flag, an overdue case).
    flag: str = ""
    # Something to know rather than to do (a referrer's outcome).
    info: bool = False
    # Which filter of the worklist it belongs to.
    kind: str = ""
    # Set by botp: the participant's name where the policy allows identity, the clock.
    name: str = ""
    clock: object = field(default=None)

    @property
    def sort_key(self):
        days = self.clock.days_left if self.clock else 10**6
        return (self.info, self.rank, days, self.case.reference if self.case else "")


@dataclass(frozen=True)
class Source:
    relation: str
    states: frozenset
    function: Callable[..., Iterable[Todo]]


_sources: list[Source] = []
_discovered = False


def source(relation, *, states=()):
    """Register ``function(user, cases)`` as a source of to-dos for ``relation``; with
    ``states``, it gets only the cases in those states, and botp's own to-do for them is
    left out."""
    def register(function):
        _sources.append(Source(relation, frozenset(states), function))
        return function
    return register


def autodiscover():
    """Import every app's ``worklist`` module, where stages register their sources."""
    global _discovered
    if not _discovered:
        autodiscover_modules("worklist")
        _discovered = True


def _cases(user, relation):
    # A to-do names its case and participant and shows its clock; no source asks the policy
    # about a case it lists, so the cases' ISPs are not loaded (a query a source).
    return policy.cases_held(user, relation).select_related(
        "programme", "programme_version", "participant")


PROVIDER_RELATIONS = {R.BTP, R.ISP}


class Worklist(list):
    """To-dos, soonest first; ``truncated`` when a source had more than LIMIT."""

    truncated = False


def for_user(user):
    """Every to-do and piece of news of ``user``, soonest first."""
    autodiscover()
    today = timezone.localdate()
    found = Worklist()
    for relation in sorted(policy.possible_relations(user)):
        cases = _cases(user, relation)
        # A provider is often a BTP or an ISP, not both: one cheap question spares the
        # sources of the other role theirs.
        if relation in PROVIDER_RELATIONS and not cases.exists():
            continue
        named = policy.relation_may(relation, Action.VIEW_IDENTITY)
        claimed = set()
        todos = []
        for registered in _sources:
            if registered.relation != relation:
                continue
            claimed |= registered.states
            scope = (cases.filter(state__in=registered.states) if registered.states
                     else cases)
            given = list(registered.function(user, scope))
            found.truncated |= len(given) > LIMIT
            todos.extend(given[:LIMIT])
        waiting = [state for state in states.waiting_for(relation) if state not in claimed]
        if waiting:
            steps = [_next_step(case, relation) for case in first(
                cases.filter(state__in=waiting).order_by("updated_at", "pk"))]
            found.truncated |= len(steps) > LIMIT
            todos.extend(steps[:LIMIT])
        for todo in todos:
            if todo.case is not None:
                todo.clock = duration.clock(todo.case, today)
                if named and not todo.name:
                    todo.name = str(todo.case.participant)
        found.extend(todos)
    found.sort(key=lambda todo: todo.sort_key)
    return found


# What the relation that must act next does in each state, when no stage says it better.
NEXT_STEPS = {
    (S.REQUESTED, R.FEDRIS_ADMIN): _("Decide on the screening request"),
    (S.AWAITING_BTP_CHOICE, R.PARTICIPANT): _("Choose your burnout treatment provider (BTP)"),
    (S.BTP_PROPOSED, R.BTP): _("Accept or decline the case"),
    (S.IN_DIAGNOSIS, R.BTP): _("Hold the diagnosis sessions and send the report"),
    (S.DIAGNOSIS_REVIEW, R.FEDRIS_PSYCHOLOGIST): _("Review the diagnosis report"),
    (S.NOT_CONFIRMED, R.BTP): _("Hold the debrief session and close the case"),
    (S.IN_TREATMENT, R.BTP): _("Record the sessions and write the final report"),
    (S.IN_TREATMENT, R.ISP): _("Record the sessions you give"),
}


# States where someone outside the portal waits for the answer: before other work.
WAITED_ON = {S.BTP_PROPOSED}


def _next_step(case, relation):
    what = NEXT_STEPS.get((case.state, relation), _("See what the case needs"))
    return Todo(what, reverse("case_detail", args=[case.reference]), case,
                rank=HIGH if case.state in WAITED_ON else NORMAL, kind="case")


# --- botp's own sources -----------------------------------------------------------------------


@source(R.FEDRIS_ADMIN)
def cases_near_the_limit(user, cases):
    """Open cases near or past the programme's maximum duration: Fedris follows them up."""
    for case in first(duration.due(cases).order_by("approved_at", "pk")):
        clock = duration.clock(case)
        if clock is None:
            continue
        if clock.overdue:
            todo = Todo(_("Follow up a case past the maximum duration"),
                        reverse("case_detail", args=[case.reference]), case, rank=HIGH,
                        flag=_("Overdue"), kind="duration")
        else:
            todo = Todo(_("Follow up a case nearing the maximum duration"),
                        reverse("case_detail", args=[case.reference]), case, kind="duration")
        todo.note = case.get_state_display()
        yield todo


@source(R.FEDRIS_ADMIN)
def failed_deliveries(user, cases):
    """Messages and documents that did not go out: the one to-do that sends to their list."""
    if not policy.has_capability(user, policy.Capability.RETRY_DELIVERIES):
        return
    counts = OutboxMessage.objects.troubled().aggregate(
        count=Count("pk"), failed=Count("pk", filter=Q(status=OutboxMessage.Status.FAILED)))
    count, failed = counts["count"], counts["failed"]
    if count:
        yield Todo(
            _("Check the messages and documents that were not delivered"),
            reverse("deliveries"), rank=HIGH if failed else NORMAL, kind="deliveries",
            note=_("%(count)s not delivered, %(failed)s of them failed for good")
            % {"count": count, "failed": failed},
            flag=_("Delivery failed") if failed else "",
        )


@source(R.FEDRIS_ADMIN)
def accreditations_ending(user, cases):
    """Providers whose Fedris accreditation ends soon (or has ended): renew it, or the
    provider leaves the directory on that day."""
    if not policy.may_invite(user, Role.PROVIDER):
        return
    today = timezone.localdate()
    ending = first(Provider.objects.accreditation_ending(
        settings.ACCREDITATION_WARNING_DAYS, today).select_related("user")
        .order_by("accreditation_expires_on", "pk"))
    for provider in ending:
        ended = provider.accreditation_expires_on < today
        yield Todo(
            _("Renew or end the accreditation of %(provider)s") % {"provider": provider},
            reverse("admin:botp_provider_change", args=[provider.pk]),
            rank=HIGH if ended else NORMAL, kind="accreditation",
            note=(_("Ended on %(date)s") if ended else _("Valid until %(date)s"))
            % {"date": formats.date_format(provider.accreditation_expires_on)},
            flag=_("Accreditation ended") if ended else "",
        )


@source(R.REFERRER)
def outcomes(user, cases):
    """What became of the referrer's requests lately, as far as a referrer may know it."""
    since = timezone.now() - datetime.timedelta(days=OUTCOMES_DAYS)
    recent = cases.filter(Q(approved_at__gte=since) | Q(ended_at__gte=since))
    for case in recent.order_by("-updated_at", "-pk")[:OUTCOMES_SHOWN]:
        yield Todo(str(case.referrer_stage.label), reverse("case_detail",
                                                          args=[case.reference]),
                   case, info=True, kind="outcome")


# --- The whole list ----------------------------------------------------------------------------


def search(user, cases, text):
    """Of ``cases``, those whose reference holds ``text``, and among those whose participant
    ``user`` may know (Action.VIEW_IDENTITY), those of the person ``text`` names or whose
    national register number it is (found by its keyed hash, never by the number)."""
    text = " ".join(text.split())
    if not text:
        return cases
    known = policy.cases_for(user, Action.VIEW_IDENTITY)
    try:
        number = nationalnumber.validate(text)
    except ValidationError:
        number = None
    if number:
        person = Q(participant__niss_hash=nationalnumber.keyed_hash(number))
    else:
        person = Q()
        for word in text.split()[:4]:
            person &= (Q(participant__first_name__icontains=word)
                       | Q(participant__last_name__icontains=word))
    return cases.filter(Q(reference__icontains=text)
                        | Q(pk__in=known.filter(person).values("pk")))


def rows(user, cases, today=None):
    """Each case of a list with what its row shows: the participant's name where the policy
    allows it, and the programme's clock."""
    today = today or timezone.localdate()
    return [(case, str(case.participant) if policy.can(user, Action.VIEW_IDENTITY, case)
             else "", duration.clock(case, today)) for case in cases]


# --- The participant's home -------------------------------------------------------------------

# In plain words, where the participant's case stands and what happens next.
PARTICIPANT_STEPS = {
    S.REQUESTED: _("Fedris is checking whether you can take part. You will receive an e-mail "
                   "with the decision."),
    S.AWAITING_BTP_CHOICE: _("You can take part. Choose the burnout treatment provider (BTP) "
                             "you want to see: they will do the diagnosis with you."),
    S.BTP_PROPOSED: _("Your BTP has been asked to take your case. They will contact you to "
                      "plan a first session."),
    S.IN_DIAGNOSIS: _("You meet your BTP for at most two diagnosis sessions. Your BTP then "
                      "sends a report to Fedris."),
    S.DIAGNOSIS_REVIEW: _("A Fedris psychologist is reading your BTP's report. You will hear "
                          "from your BTP."),
    S.NOT_CONFIRMED: _("The programme does not fit your situation. Your BTP meets you once "
                       "more to discuss it and to refer you to suitable care."),
    S.IN_TREATMENT: _("You are in treatment: sessions with your BTP and your individual "
                      "session providers, as planned with you."),
    S.COMPLETED: _("Your treatment is completed. You may still be asked to answer a "
                   "questionnaire."),
    S.CLOSED: _("Your case is closed."),
    S.INELIGIBLE: _("You cannot take part in this programme. The letter from Fedris explains "
                    "why."),
    S.WITHDRAWN: _("You left the programme."),
}

# When the BTP the participant chose declined, the choice starts again: say so.
DECLINED = _("The provider you chose cannot take your case. Please choose another one from "
             "the list: they will do the diagnosis with you.")

STAGES = [(1, _("Request")), (2, _("Diagnosis")), (3, _("Treatment")), (4, _("End"))]


@dataclass
class Progress:
    """Where a participant's case stands, for their home page."""

    case: Case
    todos: list
    explanation: str
    stages: list
    next_session: object
    held: int
    planned: int
    clock: object
    may_leave: bool

    @property
    def main(self):
        """The main button: the first thing to do, else the first way in to their case."""
        return (next((todo for todo in self.todos if not todo.info), None)
                or next(iter(self.todos), None))

    @property
    def others(self):
        main = self.main
        return [todo for todo in self.todos if todo is not main]


def progress(user, case, todos):
    """The participant's ``case`` as their home shows it; ``todos`` are theirs (for_user)."""
    meaning = states.of(case.state)
    sessions = list(policy.visible_sessions(user, case).select_related(
        "provider__user", "session_type"))
    today = timezone.localdate()
    coming = [s for s in sessions if s.status == SessionStatus.PLANNED and s.date >= today]
    held = sum(1 for s in sessions if s.status == SessionStatus.HELD)
    held_in_plan = sum(1 for s in sessions if s.status == SessionStatus.HELD
                       and plan.governs(s.session_type))
    treatment_plan = plan.plan_for(case)
    in_plan = (sum(line.planned_sessions for line in plan.plan_lines(treatment_plan))
               if treatment_plan else 0)
    current = meaning.stage
    explanation = PARTICIPANT_STEPS.get(case.state, "")
    if case.state == S.AWAITING_BTP_CHOICE and (
            case.events.order_by("-at", "-pk").values_list("action", flat=True).first()
            == Step.DECLINE_CASE):
        explanation = DECLINED
    return Progress(
        case=case,
        todos=[todo for todo in todos if todo.case is None or todo.case.pk == case.pk],
        explanation=explanation,
        stages=[(number, label, "done" if current and number < current
                 else "current" if number == current else "")
                for number, label in STAGES],
        next_session=coming[0] if coming else None,
        held=held,
        planned=max(in_plan - held_in_plan, len(coming)),
        clock=duration.clock(case),
        may_leave=any(t.action == Step.WITHDRAW for t in workflow.available(case, user)),
    )
