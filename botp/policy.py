"""Who may see and do what: the one place the portal decides it (DESIGN.md section 2).

Two questions are answered here and nowhere else:
- ``visible_cases(user)``: the cases a user may see at all, as a queryset;
- ``can(user, action, case)``: whether the user may do ``action`` on a case they can see.
Every check reads in that order, who, what, on what: ``can(user, action, case)`` here,
``workflow.may(user, activity, case)`` for work that depends on the case's state too, and
``has_capability(user, capability)`` for what a role may do beyond one case. Templates get the
answers (``may`` on a case page, ``capabilities`` everywhere), never a role.

A user relates to a case through *relations* (the case's BTP, one of its ISPs, its participant,
its referrer, or Fedris staff). Actions name the relations allowed to do them; case transitions
(botp.workflow) name relations the same way, so both use one definition of "who is who".
Views ask ``get_case_or_404``: a case the user may not see is indistinguishable from one that
does not exist.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from botp.models import Case, Role, Session


class Relation(StrEnum):
    FEDRIS_ADMIN = "fedris_admin"
    FEDRIS_PSYCHOLOGIST = "fedris_psychologist"
    REFERRER = "referrer"
    BTP = "btp"
    ISP = "isp"
    PARTICIPANT = "participant"


RELATION_LABELS = {
    Relation.FEDRIS_ADMIN: _("Fedris administrator"),
    Relation.FEDRIS_PSYCHOLOGIST: _("Fedris psychologist"),
    Relation.REFERRER: _("Referrer"),
    Relation.BTP: _("BTP"),
    Relation.ISP: _("ISP"),
    Relation.PARTICIPANT: _("Participant"),
}


class Action(StrEnum):
    VIEW_CASE = "view_case"  # reference, programme, administrative stage
    VIEW_PROGRESS = "view_progress"  # the detailed state, which reveals diagnostic outcomes
    VIEW_IDENTITY = "view_identity"  # participant's name and contact details
    VIEW_TIMELINE = "view_timeline"  # which transitions happened, when
    VIEW_EVENT_DETAILS = "view_event_details"  # reasons and payloads of transitions
    VIEW_CLINICAL = "view_clinical"  # diagnosis report, treatment request, final report
    VIEW_SCREENING_REQUEST = "view_screening_request"  # identity, employer, work status
    VIEW_REFERRAL_SIGNALS = "view_referral_signals"  # the symptoms that led to the referral
    VIEW_AUDIT = "view_audit"  # the case's audit trail
    VIEW_SESSIONS = "view_sessions"  # every session of the case: type, date, duration, status
    # An ISP's own part of the treatment request: its session types and numbers, nothing else.
    VIEW_OWN_ASSIGNMENT = "view_own_assignment"
    VIEW_DRAFTS = "view_drafts"  # clinical reports the BTP has not sent yet
    VIEW_PLAN = "view_plan"  # the treatment plan: session types, numbers, who gives them
    VIEW_CONSENTS = "view_consents"  # which consents were given, to whom, withdrawn or not
    # The workplace meeting and data transmission reports: what the workplace is told.
    VIEW_WORKPLACE_EXCHANGES = "view_workplace_exchanges"
    VIEW_SURVEY_STATUS = "view_survey_status"  # which waves were sent, opened, completed
    VIEW_SURVEY_SCORES = "view_survey_scores"  # the participant's scores at every wave
    # The participant's own pre-test scores, offered in the diagnosis report form.
    VIEW_PRETEST_SCORES = "view_pretest_scores"
    VIEW_MY_PROGRAMME = "view_my_programme"  # the participant's own page of their case
    VIEW_ELIGIBILITY_LETTER = "view_eligibility_letter"  # Fedris' letter to the worker
    VIEW_DECISION_LETTER = "view_decision_letter"  # the psychologist's decision, as sent


R = Relation
RULES = {
    Action.VIEW_CASE: {
        R.FEDRIS_ADMIN, R.FEDRIS_PSYCHOLOGIST, R.REFERRER, R.BTP, R.ISP, R.PARTICIPANT,
    },
    Action.VIEW_PROGRESS: {
        R.FEDRIS_ADMIN, R.FEDRIS_PSYCHOLOGIST, R.BTP, R.ISP, R.PARTICIPANT,
    },
    # The participant record is shared by all of a worker's cases: a referrer sees the identity
    # typed into their own request instead, so a re-referral reveals no earlier one.
    Action.VIEW_IDENTITY: {
        R.FEDRIS_ADMIN, R.FEDRIS_PSYCHOLOGIST, R.BTP, R.ISP, R.PARTICIPANT,
    },
    Action.VIEW_TIMELINE: {R.FEDRIS_ADMIN, R.FEDRIS_PSYCHOLOGIST, R.BTP, R.PARTICIPANT},
    Action.VIEW_EVENT_DETAILS: {R.FEDRIS_ADMIN, R.FEDRIS_PSYCHOLOGIST},
    Action.VIEW_CLINICAL: {R.FEDRIS_PSYCHOLOGIST, R.BTP},
    # An ISP gets what its sessions need (name and contact), not the referral.
    Action.VIEW_SCREENING_REQUEST: {
        R.FEDRIS_ADMIN, R.FEDRIS_PSYCHOLOGIST, R.REFERRER, R.BTP, R.PARTICIPANT,
    },
    # Symptoms are health data: administrators decide eligibility without them.
    Action.VIEW_REFERRAL_SIGNALS: {R.FEDRIS_PSYCHOLOGIST, R.REFERRER, R.BTP, R.PARTICIPANT},
    Action.VIEW_AUDIT: {R.FEDRIS_PSYCHOLOGIST},
    # Sessions are administrative (what Fedris pays for); an ISP sees only those it gives, see
    # visible_sessions.
    Action.VIEW_SESSIONS: {R.FEDRIS_ADMIN, R.FEDRIS_PSYCHOLOGIST, R.BTP, R.PARTICIPANT},
    Action.VIEW_OWN_ASSIGNMENT: {R.ISP},
    Action.VIEW_DRAFTS: {R.BTP},
    Action.VIEW_PLAN: {R.FEDRIS_ADMIN, R.FEDRIS_PSYCHOLOGIST, R.BTP, R.PARTICIPANT},
    Action.VIEW_CONSENTS: {R.FEDRIS_ADMIN, R.FEDRIS_PSYCHOLOGIST, R.BTP, R.PARTICIPANT},
    Action.VIEW_WORKPLACE_EXCHANGES: {R.FEDRIS_PSYCHOLOGIST, R.BTP, R.PARTICIPANT},
    Action.VIEW_SURVEY_STATUS: {R.FEDRIS_ADMIN, R.FEDRIS_PSYCHOLOGIST},
    Action.VIEW_SURVEY_SCORES: {R.FEDRIS_PSYCHOLOGIST},
    Action.VIEW_PRETEST_SCORES: {R.FEDRIS_PSYCHOLOGIST, R.BTP},
    Action.VIEW_MY_PROGRAMME: {R.PARTICIPANT},
    Action.VIEW_ELIGIBILITY_LETTER: {R.FEDRIS_ADMIN, R.FEDRIS_PSYCHOLOGIST, R.PARTICIPANT},
    # The letter names the decision (and its reasons when not confirmed): clinical.
    Action.VIEW_DECISION_LETTER: {R.FEDRIS_PSYCHOLOGIST, R.BTP, R.PARTICIPANT},
}

# Who may download each kind of document: the action its content falls under.
DOCUMENT_ACTIONS = {
    "screening_request": Action.VIEW_SCREENING_REQUEST,
    "eligibility_decision": Action.VIEW_ELIGIBILITY_LETTER,
    "diagnosis_report": Action.VIEW_CLINICAL,
    "decision_letter": Action.VIEW_DECISION_LETTER,
    "transmission_report": Action.VIEW_WORKPLACE_EXCHANGES,
    "final_report": Action.VIEW_CLINICAL,
}


def _provider(user):
    return getattr(user, "provider", None) if user.role == Role.PROVIDER else None


def cases_for(user, action=Action.VIEW_CASE):
    """The cases on which ``user`` may do ``action``, as a queryset (never loaded whole)."""
    return _cases_related(user, RULES[action])


def _cases_related(user, allowed):
    """The cases to which ``user`` holds one of the relations in ``allowed``."""
    condition = case_condition(user, allowed, "")
    cases = Case.objects.all()
    return cases if condition is EVERY_CASE else cases.filter(condition)


# The condition of a role that sees every case: no condition at all (on the rows of another
# model, only that they have a case), so a list of all cases, sessions, documents or requests
# reads its table by its own index instead of checking each row against
# ``IN (SELECT id FROM botp_case)``.
EVERY_CASE = Q()


def case_condition(user, allowed, case_field="case"):
    """The rows whose case (reached by ``case_field``; "" for cases themselves) ``user`` holds
    one of the relations ``allowed`` to, as a Q on indexed columns: EVERY_CASE for Fedris
    staff, the referrer or participant column for them, and for a provider the cases they
    are the BTP of and those they are an ISP in, each read by its own index (a UNION, not an
    OR over a subquery, which would scan every case)."""
    prefix = f"{case_field}__" if case_field else ""
    nothing = Q(pk__in=[])
    if not user.is_authenticated or not user.is_active:
        return nothing
    # Every case, but a case there must be: a row without one (a draft request) is its
    # author's alone.
    every = Q(**{f"{case_field}__isnull": False}) if case_field else EVERY_CASE
    if user.role == Role.FEDRIS_ADMIN:
        return every if R.FEDRIS_ADMIN in allowed else nothing
    if user.role == Role.FEDRIS_PSYCHOLOGIST:
        return every if R.FEDRIS_PSYCHOLOGIST in allowed else nothing
    if user.role == Role.REFERRER:
        return Q(**{f"{prefix}referrer": user}) if R.REFERRER in allowed else nothing
    if user.role == Role.PARTICIPANT:
        return (Q(**{f"{prefix}participant__user": user}) if R.PARTICIPANT in allowed
                else nothing)
    provider = _provider(user)
    if provider is None:
        # Researchers see aggregates and pseudonymised exports only; employers have no account.
        return nothing
    key = f"{case_field}_id" if case_field else "pk"
    as_btp, as_isp = R.BTP in allowed, R.ISP in allowed
    if as_btp and as_isp:
        return Q(**{f"{key}__in": _btp_or_isp_cases(provider)})
    if as_btp:
        return Q(**{f"{prefix}btp": provider})
    if as_isp:
        # A subquery, not a join, so a case with several ISPs appears once.
        return Q(**{f"{key}__in": Case.isps.through.objects.filter(provider=provider)
                    .values("case_id")})
    return nothing


def _btp_or_isp_cases(provider):
    isps = Case.isps.through._meta
    return RawSQL(
        f"SELECT id FROM {Case._meta.db_table} WHERE btp_id = %s "  # noqa: S608 - table names
        f"UNION SELECT {isps.get_field('case').column} FROM {isps.db_table} "
        f"WHERE {isps.get_field('provider').column} = %s",
        (provider.pk, provider.pk))


def visible_cases(user):
    """The cases ``user`` may see at all."""
    return cases_for(user, Action.VIEW_CASE)


def with_relations(queryset, prefix=""):
    """Load with each case what ``relations`` reads, so a list asks no query per row.

    ``prefix`` reaches the case from another model, e.g. ``"case__"`` for screening requests.
    """
    return queryset.select_related(f"{prefix}participant").prefetch_related(f"{prefix}isps")


def relations(user, case):
    """The relations ``user`` holds to ``case`` (empty when they have none)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    found = set()
    if user.role == Role.FEDRIS_ADMIN:
        found.add(R.FEDRIS_ADMIN)
    elif user.role == Role.FEDRIS_PSYCHOLOGIST:
        found.add(R.FEDRIS_PSYCHOLOGIST)
    elif user.role == Role.REFERRER and case.referrer_id == user.pk:
        found.add(R.REFERRER)
    elif user.role == Role.PARTICIPANT and case.participant.user_id == user.pk:
        found.add(R.PARTICIPANT)
    elif (provider := _provider(user)) is not None:
        if case.btp_id == provider.pk:
            found.add(R.BTP)
        # all(), not a filter: it uses the ISPs with_relations() loaded for a list.
        if any(isp.pk == provider.pk for isp in case.isps.all()):
            found.add(R.ISP)
    return frozenset(found)


def can(user, action, case):
    return bool(relations(user, case) & RULES[action])


def visible_sessions(user, case):
    """The sessions of ``case`` that ``user`` may see: all of them, or an ISP's own."""
    held = relations(user, case)
    if held & RULES[Action.VIEW_SESSIONS]:
        return case.sessions.all()
    if R.ISP in held:
        return case.sessions.filter(provider__user=user)
    return case.sessions.none()


def may_change_session(user, session):
    """A session is changed (held, a date corrected) by the provider who gives it, only."""
    return session.provider.user_id == user.pk


def sessions_changeable_by(user, case):
    """The sessions of ``case`` that ``user`` may change: those they give."""
    return visible_sessions(user, case).filter(provider__user=user)


def own_part(user, case, lines):
    """The lines of a treatment request or plan ``user`` may see: all of them with the plan's
    access, otherwise (an ISP) the lines they give, nothing of the rest."""
    if can(user, Action.VIEW_PLAN, case):
        return list(lines)
    return [line for line in lines if line.provider and line.provider.user_id == user.pk]


def sent_or_own_drafts(user, queryset, case_field="case"):
    """Clinical reports ``user`` may list: those sent, and drafts only where they are the BTP
    writing them (Action.VIEW_DRAFTS). Whether they may read a report's content at all is
    Action.VIEW_CLINICAL, asked by the caller."""
    drafts = case_condition(user, RULES[Action.VIEW_DRAFTS], case_field)
    return queryset.filter(Q(submitted_at__isnull=False) | drafts)


def sessions_visible_to(user):
    """``visible_sessions`` for every case at once, as a queryset: all sessions of the cases
    whose sessions the user may see, and an ISP's own sessions of the cases it is in."""
    sessions = Session.objects.all()
    condition = case_condition(user, RULES[Action.VIEW_SESSIONS])
    provider = _provider(user) if user.is_authenticated and user.is_active else None
    if provider is None:
        return sessions.filter(condition)
    # Every session of the cases they are the BTP of, and their own of the cases they are an
    # ISP in: two small sets of case ids, so the newest sessions are read from the primary key
    # index, each checked against them (not all of a provider's sessions gathered and sorted).
    return sessions.filter(
        Q(case_id__in=Case.objects.filter(btp=provider).values("pk"))
        | Q(provider=provider,
            case_id__in=Case.isps.through.objects.filter(provider=provider).values("case_id")))


def allowed_actions(user, case):
    """Every action ``user`` may do on ``case``, worked out from one look at their relations."""
    held = relations(user, case)
    return {action for action, allowed in RULES.items() if held & allowed}


# The relations each role can hold, for choices that concern a role rather than one case.
ROLE_RELATIONS = {
    Role.FEDRIS_ADMIN: {R.FEDRIS_ADMIN},
    Role.FEDRIS_PSYCHOLOGIST: {R.FEDRIS_PSYCHOLOGIST},
    Role.REFERRER: {R.REFERRER},
    Role.PROVIDER: {R.BTP, R.ISP},
    Role.PARTICIPANT: {R.PARTICIPANT},
    Role.RESEARCHER: set(),
    Role.WELLBEING_OFFICER: set(),
}


def role_may(user, action):
    """Whether the user's role may ever do ``action`` (on the cases it relates to)."""
    return bool(ROLE_RELATIONS.get(user.role, set()) & RULES[action])


def possible_relations(user):
    """The relations ``user`` can hold to a case, by their role (a worklist's sources)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(ROLE_RELATIONS.get(user.role, set()))


def cases_held(user, relation):
    """The cases to which ``user`` holds ``relation``, as a queryset: the cases a worklist
    looks at for that relation (a provider who is both BTP and ISP has two)."""
    return _cases_related(user, {relation})


def relation_may(relation, action):
    """Whether holding ``relation`` to a case allows ``action`` on it (for a list built from
    the cases of one relation, which then asks no question per case)."""
    return relation in RULES[action]


class Capability(StrEnum):
    """What a role may do beyond any single case."""

    REVIEW_SCREENING_REQUESTS = "review_screening_requests"
    FILE_SCREENING_REQUESTS = "file_screening_requests"
    REVIEW_DIAGNOSES = "review_diagnoses"
    VIEW_OUTCOMES = "view_outcomes"  # the evaluation's aggregate dashboard
    EXPORT_RESEARCH_DATA = "export_research_data"  # the pseudonymised export
    # Every outgoing message and document and why one is not through yet: Fedris follows up.
    SEE_DELIVERY_PROBLEMS = "see_delivery_problems"
    RETRY_DELIVERIES = "retry_deliveries"
    # Who changed which account, provider record, accreditation or invitation: the people who
    # answer for clinical access check the ones who could grant it.
    VIEW_ACCOUNT_AUDIT = "view_account_audit"
    # Individual cases at all: researchers see aggregates and pseudonymised exports only.
    SEE_CASES = "see_cases"
    # Filter a list of cases by their detailed stage (a participant has one or two cases).
    FILTER_CASES = "filter_cases"
    # The re-integration monitor's (FA-BRM) aggregates by organisation and period; which
    # organisations, see monitor_organisations. Nobody reads one person's answers.
    VIEW_MONITOR_AGGREGATES = "view_monitor_aggregates"
    # Stakeholder evaluation campaigns: build, send, follow the response and the aggregates.
    MANAGE_CAMPAIGNS = "manage_campaigns"
    # Send the worker a new link to sign their request (the programme since 2024), for a
    # request the user may read: its referrer, or Fedris' administrators who wait for it.
    RESEND_SIGNATURE_LINK = "resend_signature_link"
    # Paying the programme (botp/payments): a provider reads and confirms their own monthly
    # statements; a participant declares their trips; Fedris' administrators approve, dispute
    # and pay. Psychologists, researchers, referrers and wellbeing officers see none of it.
    SEE_OWN_STATEMENTS = "see_own_statements"
    CLAIM_TRAVEL_COSTS = "claim_travel_costs"
    MANAGE_PAYMENTS = "manage_payments"


CAPABILITIES = {
    Capability.REVIEW_SCREENING_REQUESTS: {Role.FEDRIS_ADMIN},
    Capability.FILE_SCREENING_REQUESTS: {Role.REFERRER},
    Capability.REVIEW_DIAGNOSES: {Role.FEDRIS_PSYCHOLOGIST},
    Capability.VIEW_OUTCOMES: {Role.FEDRIS_PSYCHOLOGIST, Role.RESEARCHER},
    Capability.EXPORT_RESEARCH_DATA: {Role.RESEARCHER},
    Capability.SEE_DELIVERY_PROBLEMS: {Role.FEDRIS_ADMIN, Role.FEDRIS_PSYCHOLOGIST},
    Capability.RETRY_DELIVERIES: {Role.FEDRIS_ADMIN},
    Capability.VIEW_ACCOUNT_AUDIT: {Role.FEDRIS_PSYCHOLOGIST},
    Capability.SEE_CASES: {Role.FEDRIS_ADMIN, Role.FEDRIS_PSYCHOLOGIST, Role.REFERRER,
                           Role.PROVIDER, Role.PARTICIPANT},
    Capability.FILTER_CASES: {Role.FEDRIS_ADMIN, Role.FEDRIS_PSYCHOLOGIST, Role.PROVIDER},
    Capability.VIEW_MONITOR_AGGREGATES: {Role.RESEARCHER, Role.WELLBEING_OFFICER},
    Capability.MANAGE_CAMPAIGNS: {Role.FEDRIS_ADMIN},
    Capability.RESEND_SIGNATURE_LINK: {Role.REFERRER, Role.FEDRIS_ADMIN},
    Capability.SEE_OWN_STATEMENTS: {Role.PROVIDER},
    Capability.CLAIM_TRAVEL_COSTS: {Role.PARTICIPANT},
    Capability.MANAGE_PAYMENTS: {Role.FEDRIS_ADMIN},
}


# --- Payments -----------------------------------------------------------------------------------


def statements_for(user):
    """The monthly statements ``user`` may read: all for Fedris' administrators, a provider's
    own, none for anyone else."""
    from botp.models import Statement

    if has_capability(user, Capability.MANAGE_PAYMENTS):
        return Statement.objects.all()
    provider = _provider(user)
    if provider is not None and has_capability(user, Capability.SEE_OWN_STATEMENTS):
        return Statement.objects.filter(provider=provider)
    return Statement.objects.none()


def may_confirm_statement(user, statement):
    """Confirming a statement and answering its disputes is its provider's."""
    provider = _provider(user)
    return (has_capability(user, Capability.SEE_OWN_STATEMENTS) and provider is not None
            and statement.provider_id == provider.pk)


def travel_claims_for(user):
    """The travel claims ``user`` may read: all for Fedris' administrators, a participant's
    own, none for anyone else."""
    from botp.models import TravelClaim

    if has_capability(user, Capability.MANAGE_PAYMENTS):
        return TravelClaim.objects.all()
    if has_capability(user, Capability.CLAIM_TRAVEL_COSTS):
        return TravelClaim.objects.filter(participant__user=user)
    return TravelClaim.objects.none()


def travel_cases_for(user):
    """The cases ``user`` may declare trips for: their own, as the participant."""
    if not has_capability(user, Capability.CLAIM_TRAVEL_COSTS):
        return Case.objects.none()
    return Case.objects.filter(case_condition(user, {R.PARTICIPANT}, ""))


def payment_runs_for(user):
    from botp.models import PaymentRun

    if has_capability(user, Capability.MANAGE_PAYMENTS):
        return PaymentRun.objects.all()
    return PaymentRun.objects.none()


def payee_of(user):
    """Who ``user`` is paid as (their provider or participant record), or None: whose bank
    account they may set."""
    if has_capability(user, Capability.SEE_OWN_STATEMENTS):
        return _provider(user)
    if has_capability(user, Capability.CLAIM_TRAVEL_COSTS):
        return getattr(user, "participant", None)
    return None


def has_capability(user, capability):
    return user.is_authenticated and user.is_active and user.role in CAPABILITIES[capability]


def monitor_organisations(user):
    """The organisations whose monitor aggregates ``user`` may see: every one for researchers,
    a wellbeing officer's own only (none while their account names none)."""
    from botp.models import FederalOrganisation

    if not has_capability(user, Capability.VIEW_MONITOR_AGGREGATES):
        return []
    if user.role == Role.WELLBEING_OFFICER:
        officer = getattr(user, "wellbeing_officer", None)
        return [officer.organisation] if officer is not None else []
    return list(FederalOrganisation.values)


def require_capability(user, capability):
    """Pages of a capability the user lacks are not found, like cases out of reach."""
    if not has_capability(user, capability):
        raise Http404


# Accounts come to exist by invitation only (botp.invitations). Administrators invite referrers
# and care providers; accounts that reach clinical content or decide on cases (Fedris staff,
# researchers) only a superuser invites. Participants get their account from their approval.
INVITED_BY_ADMINISTRATORS = {Role.REFERRER, Role.PROVIDER}
INVITED_BY_SUPERUSERS = INVITED_BY_ADMINISTRATORS | {
    Role.FEDRIS_ADMIN, Role.FEDRIS_PSYCHOLOGIST, Role.RESEARCHER, Role.WELLBEING_OFFICER,
}


def invitable_roles(user):
    """The roles ``user`` may invite someone to."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return set()
    if user.is_superuser:
        return set(INVITED_BY_SUPERUSERS)
    if user.role == Role.FEDRIS_ADMIN:
        return set(INVITED_BY_ADMINISTRATORS)
    return set()


def may_invite(user, role):
    return role in invitable_roles(user)


def filed_by(user, queryset, referrer_field="referrer"):
    """Requests this user filed, drafts included: a draft has no case yet, so its author is
    the only one who may see it."""
    if not has_capability(user, Capability.FILE_SCREENING_REQUESTS):
        return queryset.none()
    return queryset.filter(**{referrer_field: user})


def scope_by_case(user, queryset, action, case_field="case"):
    """Rows of a stage's model whose case allows ``action`` for ``user``."""
    return queryset.filter(case_condition(user, RULES[action], case_field))


def documents_visible_to(user):
    """Every document ``user`` may download, on any case, as one queryset."""
    from botp.models import Document

    # The kinds a user's relations let them download, grouped by the relations that allow
    # them, so Fedris staff get a filter on the kind alone.
    held = possible_relations(user)
    kinds_by_relations = {}
    for kind, action in DOCUMENT_ACTIONS.items():
        kinds_by_relations.setdefault(frozenset(RULES[action] & held), []).append(kind)
    condition = Q(pk__in=[])
    for relations_, kinds in kinds_by_relations.items():
        if relations_:
            condition |= Q(kind__in=kinds) & case_condition(user, relations_)
    return Document.objects.filter(condition)


def visible_documents(user, case):
    """The documents of ``case`` that ``user`` may download."""
    allowed = allowed_actions(user, case)
    kinds = [kind for kind, action in DOCUMENT_ACTIONS.items() if action in allowed]
    return case.documents.filter(kind__in=kinds)


def get_document_or_404(user, queryset, pk):
    """A document the user may download; any other reads as not found, even on a case they
    can see."""
    document = queryset.select_related("case__participant").filter(pk=pk).first()
    if document is None or not can(user, DOCUMENT_ACTIONS[document.kind], document.case):
        raise Http404
    return document


def get_case_or_404(user, reference, action=Action.VIEW_CASE):
    """The case, if the user may see it and do ``action`` on it; otherwise a 404 or 403.

    A case outside the user's reach is a 404, never a hint that it exists. A case they can see
    but whose ``action`` they may not do is a 403.
    """
    try:
        case = visible_cases(user).select_related(
            "programme", "participant", "btp__user", "referrer"
        ).get(reference=reference)
    except Case.DoesNotExist:
        raise Http404 from None
    if not can(user, action, case):
        raise PermissionDenied
    return case


def stage_label(user, case):
    """The case's stage as this user may know it."""
    if can(user, Action.VIEW_PROGRESS, case):
        return case.get_state_display()
    return case.referrer_stage.label
