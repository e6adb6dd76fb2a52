"""The case state machine: every (state, action, relation) combination, allowed or refused."""

import pytest

from botp import states, workflow
from botp.models import AuditEntry, Case, CaseEvent, CaseState
from botp.policy import Relation

ALL_RELATIONS = [
    Relation.FEDRIS_ADMIN, Relation.FEDRIS_PSYCHOLOGIST, Relation.REFERRER, Relation.BTP,
    Relation.ISP, Relation.PARTICIPANT,
]

# The expected table, written out independently of workflow.TRANSITIONS so that a change to the
# table is a deliberate change to this test too.
OPEN = [
    CaseState.REQUESTED, CaseState.AWAITING_BTP_CHOICE, CaseState.BTP_PROPOSED,
    CaseState.IN_DIAGNOSIS, CaseState.DIAGNOSIS_REVIEW, CaseState.NOT_CONFIRMED,
    CaseState.IN_TREATMENT,
]
EXPECTED = {
    ("approve", CaseState.REQUESTED): ({Relation.FEDRIS_ADMIN}, CaseState.AWAITING_BTP_CHOICE),
    ("declare_ineligible", CaseState.REQUESTED): ({Relation.FEDRIS_ADMIN}, CaseState.INELIGIBLE),
    ("choose_btp", CaseState.AWAITING_BTP_CHOICE): (
        {Relation.PARTICIPANT, Relation.FEDRIS_ADMIN}, CaseState.BTP_PROPOSED),
    # Until the BTP accepts, the participant may take their choice back (issue: the loops).
    ("undo_btp_choice", CaseState.BTP_PROPOSED): ({Relation.PARTICIPANT},
                                                  CaseState.AWAITING_BTP_CHOICE),
    ("accept_case", CaseState.BTP_PROPOSED): ({Relation.BTP}, CaseState.IN_DIAGNOSIS),
    ("decline_case", CaseState.BTP_PROPOSED): ({Relation.BTP}, CaseState.AWAITING_BTP_CHOICE),
    ("submit_diagnosis", CaseState.IN_DIAGNOSIS): ({Relation.BTP}, CaseState.DIAGNOSIS_REVIEW),
    ("request_information", CaseState.DIAGNOSIS_REVIEW): (
        {Relation.FEDRIS_PSYCHOLOGIST}, CaseState.IN_DIAGNOSIS),
    ("confirm_diagnosis", CaseState.DIAGNOSIS_REVIEW): (
        {Relation.FEDRIS_PSYCHOLOGIST}, CaseState.IN_TREATMENT),
    ("not_confirm_diagnosis", CaseState.DIAGNOSIS_REVIEW): (
        {Relation.FEDRIS_PSYCHOLOGIST}, CaseState.NOT_CONFIRMED),
    ("close_after_debrief", CaseState.NOT_CONFIRMED): ({Relation.BTP}, CaseState.CLOSED),
    ("complete", CaseState.IN_TREATMENT): ({Relation.BTP}, CaseState.COMPLETED),
}
for state in OPEN:
    EXPECTED[("withdraw", state)] = (
        {Relation.PARTICIPANT, Relation.FEDRIS_ADMIN}, CaseState.WITHDRAWN)

ACTIONS = sorted({action for action, _ in EXPECTED})
RELATIONS_BY_ACTION = {
    action: set().union(*(rels for (a, _), (rels, _) in EXPECTED.items() if a == action))
    for action in ACTIONS
}


def test_the_table_matches_the_design():
    actual = {
        (t.action, state): (set(t.relations), t.target)
        for t in workflow.TRANSITIONS.values() for state in t.sources
    }
    assert actual == EXPECTED


def actor_for(world, relation, case):
    """A user holding ``relation`` to ``case`` (and no other)."""
    if relation == Relation.BTP:
        case.btp = world.btp
        case.save()
        return world.btp.user
    if relation == Relation.ISP:
        case.isps.add(world.isp)
        return world.isp.user
    return {
        Relation.FEDRIS_ADMIN: world.admin,
        Relation.FEDRIS_PSYCHOLOGIST: world.psychologist,
        Relation.REFERRER: world.referrer,
        Relation.PARTICIPANT: world.participant,
    }[relation]


def payload_for(world, action):
    payload = {"reason": "A reason given in the test."}
    if action == "choose_btp":
        payload["btp"] = world.other_btp.pk
        payload["asked_via"] = "phone"  # when Fedris chooses, at the participant's request
    if action == "close_after_debrief":
        payload["referral"] = "gp"
    if action == "confirm_diagnosis":
        payload["report_version"] = 1
    return payload


def meet_preconditions(world, case, action):
    """What a transition's guard needs besides its payload (the debrief before the closing,
    the treatment request sent before the confirmation)."""
    if action == "close_after_debrief":
        record_debrief(world, case)
    if action == "confirm_diagnosis":
        send_request(case)


def send_request(case):
    from django.utils import timezone

    from botp.models import TreatmentRequest

    return TreatmentRequest.objects.get_or_create(case=case, version=1,
                                                  defaults={"submitted_at": timezone.now()})[0]


def record_debrief(world, case, status="held"):
    import datetime

    from botp.models import Session

    return Session.objects.create(
        case=case, session_type=case.programme.session_types.get(code="debrief"),
        provider=world.btp, date=datetime.date.today(), duration_minutes=45, status=status,
        recorded_by=world.btp.user,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("relation", ALL_RELATIONS)
@pytest.mark.parametrize("state", list(CaseState))
def test_every_state_action_and_relation(world, state, relation):
    for action in ACTIONS:
        case = world.case(state)
        actor = actor_for(world, relation, case)
        meet_preconditions(world, case, action)
        events_before = CaseEvent.objects.filter(case=case).count()
        expected = EXPECTED.get((action, state))
        if expected and relation in expected[0]:
            event = workflow.perform(case, action, actor, payload=payload_for(world, action))
            case.refresh_from_db()
            assert case.state == expected[1], (action, state, relation)
            assert (event.from_state, event.to_state, event.actor) == (state, expected[1], actor)
            assert case.version == 2
            assert AuditEntry.objects.filter(case=case, what=f"transition:{action}").exists()
        else:
            with pytest.raises(workflow.TransitionError) as refused:
                workflow.perform(case, action, actor, payload=payload_for(world, action))
            # Wrong role: 403. Right role, wrong state: 409.
            forbidden = relation not in RELATIONS_BY_ACTION[action]
            assert isinstance(refused.value, workflow.TransitionForbidden) == forbidden
            assert refused.value.status == (403 if forbidden else 409)
            case.refresh_from_db()
            assert case.state == state
            assert case.version == 1
            assert CaseEvent.objects.filter(case=case).count() == events_before
        case.isps.clear()


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["declare_ineligible", "decline_case", "request_information",
                                    "not_confirm_diagnosis", "withdraw"])
def test_a_reason_is_required(world, action):
    (relations, _), state = next(
        (value, key[1]) for key, value in EXPECTED.items() if key[0] == action
    )
    case = world.case(state)
    actor = actor_for(world, sorted(relations)[0], case)
    with pytest.raises(workflow.TransitionError, match="reason"):
        workflow.perform(case, action, actor, payload={"reason": "   "})
    case.refresh_from_db()
    assert case.state == state and not case.events.exists()


@pytest.mark.django_db
def test_choosing_a_btp_needs_an_accredited_active_btp_of_the_programme(world, programmes):
    from tests.factories import ProviderFactory

    case = world.case(CaseState.AWAITING_BTP_CHOICE)
    not_btp = world.isp
    inactive = ProviderFactory(active=False, programmes=[world.programme])
    untrained = ProviderFactory(training_completed=False, programmes=[world.programme])
    other_programme = ProviderFactory(programmes=[programmes["fa-botp"]])
    for provider in (not_btp, inactive, untrained, other_programme):
        with pytest.raises(workflow.TransitionError, match="accredited"):
            workflow.perform(case, "choose_btp", world.participant, payload={"btp": provider.pk})
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_BTP_CHOICE and case.btp is None

    workflow.perform(case, "choose_btp", world.participant, payload={"btp": world.btp.pk})
    case.refresh_from_db()
    assert case.btp == world.btp and case.state == CaseState.BTP_PROPOSED


@pytest.mark.django_db
def test_declining_returns_the_case_to_choice_and_unlinks_the_btp(world):
    case = world.case(CaseState.BTP_PROPOSED, btp=world.btp)
    workflow.perform(case, "decline_case", world.btp.user, payload={"reason": "Full agenda"})
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_BTP_CHOICE and case.btp is None


@pytest.mark.django_db
def test_a_stale_version_is_a_conflict_and_changes_nothing(world):
    case = world.case(CaseState.REQUESTED)
    workflow.perform(case, "approve", world.admin, expected_version=1)
    stale = Case.objects.get(pk=case.pk)
    stale.version = 1
    with pytest.raises(workflow.StaleCase):
        workflow.perform(stale, "withdraw", world.admin, payload={"reason": "x"},
                         expected_version=1)
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_BTP_CHOICE and case.events.count() == 1


@pytest.mark.django_db
def test_final_states_record_the_end_date(world):
    case = world.case(CaseState.REQUESTED)
    assert case.ended_at is None
    workflow.perform(case, "declare_ineligible", world.admin, payload={"reason": "sector"})
    case.refresh_from_db()
    assert case.ended_at is not None and case.state in states.FINAL


@pytest.mark.django_db
def test_case_references_follow_the_programme_prefix_and_year(world, programmes):
    case = world.case()
    assert case.reference == f"BOTP-{case.requested_at.year}-{case.pk:06d}"
    fa_case = Case.objects.create(programme=programmes["fa-botp"], participant=case.participant)
    assert fa_case.reference == f"FABOTP-{fa_case.requested_at.year}-{fa_case.pk:06d}"


def test_every_state_has_its_meaning_and_the_final_ones_end_the_case():
    assert set(states.STATES) == set(CaseState)
    assert states.FINAL == {CaseState.INELIGIBLE, CaseState.COMPLETED, CaseState.CLOSED,
                            CaseState.WITHDRAWN}
    # No transition leaves a final state; every open state has someone who must act.
    for transition in workflow.TRANSITIONS.values():
        assert not transition.sources & states.FINAL, transition.action
    for state in states.OPEN:
        assert states.of(state).next_actors, state


@pytest.mark.django_db
def test_who_is_told_follows_the_state_table(world):
    from botp.models import OutboxMessage

    case = world.case(CaseState.DIAGNOSIS_REVIEW, btp=world.btp)
    event = workflow.perform(case, "request_information", world.psychologist,
                             payload={"reason": "Sleep?"})
    told = set(OutboxMessage.objects.filter(case=case, kind="case_event")
               .values_list("key", flat=True))
    # In diagnosis the BTP must act; the participant is told too; the psychologist acted.
    assert told == {f"case_event:{event.pk}:user:{world.btp.user.pk}",
                    f"case_event:{event.pk}:user:{world.participant.pk}"}


@pytest.mark.django_db
def test_a_case_state_cannot_be_set_outside_the_workflow(world):
    case = world.case(CaseState.REQUESTED)
    with pytest.raises(AttributeError, match="botp.workflow"):
        case.state = CaseState.IN_TREATMENT
    assert case.state == CaseState.REQUESTED
    # Loading it again, or the workflow moving it, is fine.
    workflow.perform(case, "approve", world.admin)
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_BTP_CHOICE
