"""DESIGN.md section 2: every role against a case of its own and someone else's, in several
states, for the dashboard list and the case pages. A case out of reach is a 404."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from botp import policy
from botp.models import CaseState
from botp.policy import Action
from tests.scenarios import STATES, cases_for

# role -> (sees own case, sees other's case)
EXPECTED_VISIBILITY = {
    "admin": (True, True),
    "psychologist": (True, True),
    "referrer": (True, False),
    "btp": (True, False),
    "isp": (True, False),
    "participant": (True, False),
    "researcher": (False, False),
}

# role -> actions allowed on a case it can see
STAGE1 = {Action.VIEW_SCREENING_REQUEST, Action.VIEW_REFERRAL_SIGNALS}
STAGE3 = {Action.VIEW_PLAN, Action.VIEW_CONSENTS, Action.VIEW_WORKPLACE_EXCHANGES}
EXPECTED_ACTIONS = {
    "admin": {Action.VIEW_CASE, Action.VIEW_PROGRESS, Action.VIEW_IDENTITY, Action.VIEW_TIMELINE,
              Action.VIEW_EVENT_DETAILS, Action.VIEW_SCREENING_REQUEST, Action.VIEW_SESSIONS,
              Action.VIEW_PLAN, Action.VIEW_CONSENTS, Action.VIEW_SURVEY_STATUS,
              Action.VIEW_ELIGIBILITY_LETTER},
    "psychologist": {Action.VIEW_CASE, Action.VIEW_PROGRESS, Action.VIEW_IDENTITY,
                     Action.VIEW_TIMELINE, Action.VIEW_EVENT_DETAILS, Action.VIEW_CLINICAL,
                     Action.VIEW_AUDIT, Action.VIEW_SESSIONS, Action.VIEW_SURVEY_STATUS,
                     Action.VIEW_SURVEY_SCORES, Action.VIEW_PRETEST_SCORES,
                     Action.VIEW_ELIGIBILITY_LETTER, Action.VIEW_DECISION_LETTER}
                    | STAGE1 | STAGE3,
    "referrer": {Action.VIEW_CASE} | STAGE1,
    "btp": {Action.VIEW_CASE, Action.VIEW_PROGRESS, Action.VIEW_IDENTITY, Action.VIEW_TIMELINE,
            Action.VIEW_CLINICAL, Action.VIEW_SESSIONS, Action.VIEW_DRAFTS,
            Action.VIEW_PRETEST_SCORES, Action.VIEW_DECISION_LETTER} | STAGE1 | STAGE3,
    "isp": {Action.VIEW_CASE, Action.VIEW_PROGRESS, Action.VIEW_IDENTITY,
            Action.VIEW_OWN_ASSIGNMENT},
    "participant": {Action.VIEW_CASE, Action.VIEW_PROGRESS, Action.VIEW_IDENTITY,
                    Action.VIEW_TIMELINE, Action.VIEW_SESSIONS, Action.VIEW_ELIGIBILITY_LETTER,
                    Action.VIEW_DECISION_LETTER, Action.VIEW_MY_PROGRAMME} | STAGE1 | STAGE3,
    "researcher": set(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", sorted(EXPECTED_VISIBILITY))
def test_dashboard_and_case_pages(client, world, role, state):
    own, other = cases_for(world, state)
    user = world.user(role)
    sees_own, sees_other = EXPECTED_VISIBILITY[role]

    assert set(policy.visible_cases(user)) == {c for c, seen in
                                               [(own, sees_own), (other, sees_other)] if seen}
    client.force_login(user)
    listed = client.get(reverse("dashboard")).content.decode()
    assert (own.reference in listed) == sees_own
    assert (other.reference in listed) == sees_other
    for case, seen in [(own, sees_own), (other, sees_other)]:
        response = client.get(reverse("case_detail", args=[case.reference]))
        assert response.status_code == (200 if seen else 404), (role, case.reference)


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(EXPECTED_ACTIONS))
def test_actions_on_a_visible_case(world, role):
    own, _ = cases_for(world, CaseState.IN_TREATMENT)
    user = world.user(role)
    allowed = {action for action in policy.RULES if policy.can(user, action, own)}
    assert allowed == EXPECTED_ACTIONS[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(EXPECTED_VISIBILITY))
def test_audit_trail_page(client, world, role):
    own, other = cases_for(world, CaseState.IN_TREATMENT)
    client.force_login(world.user(role))
    own_status = client.get(reverse("case_audit", args=[own.reference])).status_code
    other_status = client.get(reverse("case_audit", args=[other.reference])).status_code
    if role == "psychologist":
        assert (own_status, other_status) == (200, 200)
    else:
        sees_own, sees_other = EXPECTED_VISIBILITY[role]
        assert own_status == (403 if sees_own else 404)
        assert other_status == (403 if sees_other else 404)


@pytest.mark.django_db
def test_a_btp_who_declined_no_longer_sees_the_case(world):
    from botp import workflow

    case = world.case(CaseState.BTP_PROPOSED, btp=world.btp)
    assert case in policy.visible_cases(world.btp.user)
    workflow.perform(case, "decline_case", world.btp.user, payload={"reason": "full"})
    assert case not in policy.visible_cases(world.btp.user)


@pytest.mark.django_db
def test_a_provider_who_is_both_btp_and_isp_sees_both_kinds_of_case(world):
    from tests.factories import ProviderFactory

    both = ProviderFactory(is_btp=True, is_isp=True, programmes=[world.programme])
    as_btp = world.case(CaseState.IN_TREATMENT, btp=both)
    as_isp = world.case(CaseState.IN_TREATMENT, mine=False, btp=world.btp, isp=both)
    world.case(CaseState.IN_TREATMENT, mine=False, btp=world.other_btp)
    assert set(policy.visible_cases(both.user)) == {as_btp, as_isp}
    assert policy.can(both.user, Action.VIEW_CLINICAL, as_btp)
    assert not policy.can(both.user, Action.VIEW_CLINICAL, as_isp)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client, world):
    case = world.case()
    for url in (reverse("dashboard"), reverse("case_detail", args=[case.reference]),
                reverse("case_audit", args=[case.reference])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_an_inactive_account_sees_nothing(world):
    case = world.case(btp=world.btp)
    assert case in policy.visible_cases(world.btp.user) and policy.relations(world.btp.user, case)
    world.btp.user.is_active = False
    assert case not in policy.visible_cases(world.btp.user)
    assert not policy.relations(world.btp.user, case)


@pytest.mark.django_db
def test_a_case_page_view_is_audited(client, world):
    case = world.case()
    client.force_login(world.psychologist)
    client.get(reverse("case_detail", args=[case.reference]))
    entry = case.audit_entries.get()
    assert (entry.actor, entry.kind, entry.what) == (world.psychologist, "view", "case page")


@pytest.mark.django_db
@pytest.mark.parametrize("state, coarse", [
    (CaseState.REQUESTED, "Received"),
    (CaseState.BTP_PROPOSED, "Approved"),
    (CaseState.INELIGIBLE, "Not eligible"),
    (CaseState.NOT_CONFIRMED, "In programme"),
    (CaseState.DIAGNOSIS_REVIEW, "In programme"),
    (CaseState.COMPLETED, "Closed"),
])
def test_a_referrer_sees_only_the_administrative_stage(client, world, state, coarse):
    case = world.case(state, btp=world.btp)
    client.force_login(world.referrer)
    detailed = escape(case.get_state_display())
    for url in (reverse("dashboard"), reverse("case_detail", args=[case.reference])):
        page = client.get(url).content.decode()
        assert coarse in page
        assert detailed not in page or detailed == coarse
    # Filtering by a detailed state is not a way around it.
    filtered = client.get(reverse("dashboard"), {"state": "requested"}).content.decode()
    assert case.reference in filtered
    client.force_login(world.btp.user)
    assert detailed in client.get(reverse("case_detail", args=[case.reference])).content.decode()


@pytest.mark.django_db
def test_the_referrer_is_mailed_the_coarse_stage(world, django_capture_on_commit_callbacks):
    from django.core import mail

    from botp import workflow

    case = world.case(CaseState.REQUESTED)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(case, "approve", world.admin)
    to_referrer = next(m for m in mail.outbox if world.referrer.email in m.to)
    assert "Approved" in to_referrer.subject and "awaiting BTP choice" not in to_referrer.subject


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(EXPECTED_ACTIONS))
def test_cases_for_each_action_agree_with_can(world, role):
    """The queryset form of the policy gives the same answers as the per-case form."""
    own, other = cases_for(world, CaseState.IN_TREATMENT)
    user = world.user(role)
    for action in policy.RULES:
        listed = set(policy.cases_for(user, action))
        assert listed == {c for c in (own, other) if policy.can(user, action, c)}, action
