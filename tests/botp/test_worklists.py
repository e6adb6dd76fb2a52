"""Worklists ("needs your action"): each person's home shows the cases that wait for them, from
the state table and the open work, with names only where the policy allows identity, the
programme's clock, and search within what the policy allows. The participant's home shows the
next step; leaving asks for confirmation."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from botp import duration, worklists
from botp.models import Case, CaseState, OutboxMessage
from tests.scenarios import backdate, in_diagnosis

S = CaseState


def todos(user, **filters):
    return [todo for todo in worklists.for_user(user) if not todo.info
            and all(getattr(todo, k) == v for k, v in filters.items())]


def todo_for(user, case):
    return [todo for todo in todos(user) if todo.case and todo.case.pk == case.pk]


# --- Who must act next sees the case, nobody else -----------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("state, role, what, url", [
    (S.REQUESTED, "admin", "Decide on the screening request", "case_detail"),
    (S.AWAITING_BTP_CHOICE, "participant", "Choose your BTP", "diagnosis:choose_btp"),
    (S.BTP_PROPOSED, "btp", "Accept or decline the case", "case_detail"),
    (S.IN_DIAGNOSIS, "btp", "Record the diagnosis sessions and send the report",
     "diagnosis:overview"),
    (S.DIAGNOSIS_REVIEW, "psychologist", "Review the diagnosis report and treatment request",
     "diagnosis:review"),
    (S.NOT_CONFIRMED, "btp", "Hold the debrief session and close the case",
     "diagnosis:overview"),
    (S.IN_TREATMENT, "btp", "Record the sessions and write the final report",
     "treatment:overview"),
    (S.IN_TREATMENT, "isp", "Record the sessions you give", "treatment:overview"),
])
def test_the_case_is_on_the_worklist_of_whoever_acts_next(world, state, role, what, url):
    acting = {"btp", "isp"} if state == S.IN_TREATMENT else {role}
    case = world.case(state, btp=world.btp, isp=world.isp)
    other = world.case(state, mine=False, btp=world.other_btp, isp=world.other_isp)
    found = todo_for(world.user(role), case)
    assert [todo.what for todo in found] == [what]
    assert found[0].url == reverse(url, args=[case.reference])
    if role not in ("admin", "psychologist"):
        assert not todo_for(world.user(role), other)
    for someone in ("admin", "psychologist", "referrer", "btp", "isp", "participant",
                    "other_btp", "other_isp"):
        if someone not in acting:
            assert not todo_for(world.user(someone), case), someone


@pytest.mark.django_db
@pytest.mark.parametrize("state", [S.INELIGIBLE, S.COMPLETED, S.CLOSED, S.WITHDRAWN])
def test_an_ended_case_needs_nobody(world, state):
    case = world.case(state, btp=world.btp, isp=world.isp)
    for role in ("admin", "psychologist", "referrer", "btp", "isp", "participant"):
        assert not todo_for(world.user(role), case), role


@pytest.mark.django_db
def test_a_request_links_to_its_review_and_shows_the_name_to_fedris(client, world,
                                                                    referrer_client,
                                                                    form_data):
    from intake.models import ScreeningRequest
    from tests.scenarios import post_new

    post_new(referrer_client, form_data())
    screening = ScreeningRequest.objects.get()
    [todo] = todo_for(world.admin, screening.case)
    assert todo.url == reverse("intake:review", args=[screening.pk])
    assert todo.name == str(screening.case.participant)
    client.force_login(world.admin)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Decide on the screening request" in page and todo.name in page


@pytest.mark.django_db
def test_the_referrer_sees_drafts_and_outcomes_never_a_name(client, world, referrer_client,
                                                            form_data):
    from intake.models import ScreeningRequest

    referrer_client.post(reverse("intake:new"), {**form_data(), "action": "save"})
    draft = ScreeningRequest.objects.get(submitted_at__isnull=True)
    [todo] = todos(world.referrer)
    assert todo.url == reverse("intake:edit", args=[draft.pk]) and todo.case is None
    approved = backdate(world.case(S.AWAITING_BTP_CHOICE), approved_days=2)
    news = [t for t in worklists.for_user(world.referrer) if t.info]
    assert [(t.case, t.what, t.name) for t in news] == [(approved, "Approved", "")]
    page = referrer_client.get(reverse("dashboard")).content.decode()
    assert "Finish and send your draft screening request" in page
    assert str(approved.participant) not in page
    assert "Participant</th>" not in page


@pytest.mark.django_db
def test_the_psychologist_sees_red_flags_first(world, submitted):
    plain = submitted().case
    flagged = submitted(in_diagnosis(world, mine=False), suicidal_ideation=True,
                        urgent_referral="Referred to the GP the same day.").case
    reviews = todos(world.psychologist, kind="reviews")
    assert [todo.case for todo in reviews] == [flagged, plain]
    assert reviews[0].flag == "Red flag: suicidal ideation" and not reviews[1].flag


@pytest.mark.django_db
def test_a_report_sent_back_is_to_revise(world, submitted):
    from diagnosis import services as diagnosis

    case = submitted().case
    assert todo_for(world.psychologist, case)
    diagnosis.decide(case, world.psychologist, decision=diagnosis.Decision.MORE_INFORMATION,
                     comment="What about sleep apnoea?")
    [todo] = todo_for(world.btp.user, case)
    assert todo.what.startswith("Revise the diagnosis report")
    assert todo.url == reverse("diagnosis:report", args=[case.reference])
    assert not todo_for(world.psychologist, case)


@pytest.mark.django_db
def test_consents_given_and_withdrawn_reach_the_btp(world, treated, consent):
    from botp import consents

    given = consent(treated)
    assert "Consent given: prepare the workplace meeting" in [
        t.what for t in todo_for(world.btp.user, treated)]
    consents.withdraw(given, world.participant)
    found = [t for t in todo_for(world.btp.user, treated) if t.kind == "consents"]
    assert [t.flag for t in found] == ["Withdrawn"]
    assert not [t for t in todo_for(world.isp.user, treated) if t.kind == "consents"]


@pytest.mark.django_db
def test_the_final_report_is_due_near_the_limit(world, treated):
    assert todo_for(world.btp.user, treated)[0].what.startswith("Record the sessions")
    backdate(treated, approved_days=260)
    [todo] = todo_for(world.btp.user, treated)
    assert todo.what == "Write and send the final report" and todo.clock.near
    assert todo.url == reverse("treatment:final_report", args=[treated.reference])


# --- Administrators: deliveries, activation links, the duration limit ----------------------------

@pytest.mark.django_db
def test_failed_deliveries_are_on_the_administrators_worklist(world):
    assert not todos(world.admin, kind="deliveries")
    OutboxMessage.objects.create(key="x:1", kind="case_event", status=OutboxMessage.Status.FAILED)
    [todo] = todos(world.admin, kind="deliveries")
    assert todo.url == reverse("deliveries") and todo.flag
    assert not todos(world.psychologist, kind="deliveries")


@pytest.mark.django_db
def test_an_expired_activation_link_is_on_the_administrators_worklist(world):
    from intake import activation
    from intake.models import ActivationLink

    case = backdate(world.case(S.AWAITING_BTP_CHOICE, mine=False), approved_days=20)
    case.participant.user = None
    case.participant.save()
    link = activation.issue_link(case.participant)
    assert not todos(world.admin, kind="activation")
    ActivationLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    [todo] = todos(world.admin, kind="activation")
    assert todo.case == case
    activation.issue_link(case.participant)
    assert not todos(world.admin, kind="activation")


@pytest.mark.django_db
def test_a_case_overdue_before_treatment_shows_everywhere(client, world):
    case = backdate(world.case(S.AWAITING_BTP_CHOICE), approved_days=290)
    [todo] = todos(world.admin, kind="duration")
    assert todo.case == case and todo.clock.overdue and todo.flag == "Overdue"
    over = f"{todo.clock.days_over} days past the maximum duration"
    for user in (world.admin, world.participant):
        client.force_login(user)
        assert over in client.get(reverse("case_detail", args=[case.reference])).content.decode()
        assert over in client.get(reverse("dashboard")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("today", [datetime.date(2027, 2, 28), datetime.date(2027, 3, 31),
                                   datetime.date(2027, 12, 1)])
def test_the_due_query_agrees_with_the_deadline_day_by_day(world, today):
    """``duration.due`` finds in the database exactly the cases ``due_kind`` names."""
    cases = []
    for days in range(255, 310):
        case = world.case(S.IN_TREATMENT, btp=world.btp)
        approved = today - datetime.timedelta(days=days)
        case.approved_at = timezone.make_aware(datetime.datetime.combine(
            approved, datetime.time(hour=23, minute=30)))
        case.save()
        cases.append(case)
    everything = Case.objects.all()
    near = set(duration.due(everything, today=today))
    overdue = set(duration.due(everything, overdue_only=True, today=today))
    for case in cases:
        kind = duration.due_kind(case, today)
        assert (case in near) == (kind is not None), (case.approved_at, kind)
        assert (case in overdue) == (kind == "overdue"), (case.approved_at, kind)


# --- The list: names, search and filters within the policy ---------------------------------------

def listed(client, **query):
    """The "All cases" part of the dashboard, after its search form."""
    page = client.get(reverse("dashboard"), query).content.decode()
    start = page.index('id="cases-title"')
    return page[page.index("</form>", start):]


@pytest.mark.django_db
def test_search_by_reference_name_and_national_number_within_the_policy(client, world):
    mine = world.case(S.IN_TREATMENT, btp=world.btp)
    other = world.case(S.IN_TREATMENT, mine=False, btp=world.other_btp)
    person = other.participant
    by_name, by_niss = person.last_name, person.niss

    client.force_login(world.admin)
    for query in (other.reference, by_name, f"{person.first_name} {by_name}", by_niss,
                  f"{by_niss[:6]}-{by_niss[6:9]}.{by_niss[9:]}"):
        page = listed(client, q=query)
        assert other.reference in page and mine.reference not in page, query

    # The BTP finds only their own cases; the other case's person is unknown to them.
    client.force_login(world.btp.user)
    for query in (other.reference, by_name, by_niss):
        page = listed(client, q=query)
        assert other.reference not in page and "No case matches your search." in page
    assert mine.reference in listed(client, q=mine.participant.last_name)

    # A referrer searches by reference only: the participant record's name is not theirs.
    client.force_login(world.referrer)
    assert mine.reference in listed(client, q=mine.reference)
    assert "No case matches your search." in listed(client, q=mine.participant.last_name)


@pytest.mark.django_db
def test_the_duration_filter(client, world):
    fresh = backdate(world.case(S.IN_TREATMENT, btp=world.btp), approved_days=10)
    near = backdate(world.case(S.IN_TREATMENT, btp=world.btp), approved_days=260)
    late = backdate(world.case(S.AWAITING_BTP_CHOICE), approved_days=290)
    client.force_login(world.admin)
    for clock, shown in [("near", {near, late}), ("overdue", {late})]:
        table = listed(client, clock=clock)
        assert {c for c in (fresh, near, late) if c.reference in table} == shown


@pytest.mark.django_db
def test_names_show_where_the_policy_allows_identity(client, world):
    case = world.case(S.IN_TREATMENT, btp=world.btp, isp=world.isp)
    name = str(case.participant)
    for role, shown in [("admin", True), ("psychologist", True), ("btp", True), ("isp", True),
                        ("referrer", False)]:
        client.force_login(world.user(role))
        assert (name in client.get(reverse("dashboard")).content.decode()) == shown, role


@pytest.mark.django_db
def test_a_long_worklist_says_it_is_cut_short(client, world, monkeypatch):
    monkeypatch.setattr(worklists, "LIMIT", 2)
    for _ in range(2):
        world.case(S.REQUESTED)
    client.force_login(world.admin)
    assert "Only part of your to-dos" not in client.get(reverse("dashboard")).content.decode()
    world.case(S.REQUESTED)
    page = client.get(reverse("dashboard")).content.decode()
    assert page.count("Decide on the screening request") == 2
    assert "Only part of your to-dos" in page


# --- Queries stay bounded -------------------------------------------------------------------------

def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "psychologist", "btp", "isp", "referrer",
                                  "participant"])
def test_worklists_do_not_query_per_case(client, world, role, submitted, consent):
    client.force_login(world.user(role))

    def add():
        for state in (S.REQUESTED, S.BTP_PROPOSED, S.IN_TREATMENT, S.NOT_CONFIRMED):
            backdate(world.case(state, btp=world.btp, isp=world.isp), approved_days=280)
        submitted(in_diagnosis(world))

    add()
    few = queries_for(client, reverse("dashboard"))
    for _ in range(4):
        add()
    OutboxMessage.objects.create(key="x:2", kind="case_event", status=OutboxMessage.Status.FAILED)
    assert queries_for(client, reverse("dashboard")) == few


# --- The participant's home and leaving -----------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("state, main", [
    (S.REQUESTED, None),
    (S.AWAITING_BTP_CHOICE, "Choose your BTP"),
    (S.BTP_PROPOSED, None),
    (S.IN_TREATMENT, "See your sessions and care providers"),
])
def test_the_participants_main_button_is_the_next_step(client, world, state, main):
    case = backdate(world.case(state, btp=world.btp), approved_days=30)
    client.force_login(world.participant)
    response = client.get(reverse("dashboard"))
    progress = response.context["progress"]
    assert progress.case == case
    assert (progress.main.what if progress.main else None) == main
    page = response.content.decode()
    assert "The programme in a few words" in page and "at most 9 months" in page
    assert reverse("case_leave", args=[case.reference]) in page
    assert f'class="button large" href="{progress.main.url}"' in page if main else True


@pytest.mark.django_db
def test_the_participants_home_shows_the_next_session_and_progress(client, world, treated,
                                                                    give):
    give(treated, "work_related")
    give(treated, "work_related", status="planned", days=3)
    client.force_login(world.participant)
    response = client.get(reverse("dashboard"))
    progress = response.context["progress"]
    assert progress.held == 3  # two diagnosis sessions and one work-related
    assert progress.next_session.date == datetime.date.today() + datetime.timedelta(days=3)
    assert progress.planned == 13 - 1
    page = response.content.decode()
    assert "Your next session" in page and world.btp.city in page
    assert 'aria-current="step"' in page


@pytest.mark.django_db
def test_the_participants_questionnaire_is_a_to_do(client, world, invited):
    invitation, path = invited
    client.force_login(world.participant)
    progress = client.get(reverse("dashboard")).context["progress"]
    assert progress.main.what == "Choose your BTP"
    assert [(t.what, t.url) for t in progress.others] == [("Answer your questionnaire", path)]


@pytest.mark.django_db
def test_leaving_asks_for_confirmation(client, world, treated):
    client.force_login(world.participant)
    url = reverse("case_leave", args=[treated.reference])
    page = client.get(url).content.decode()
    assert "Leave the programme?" in page and "Yes, leave the programme" in page
    treated.refresh_from_db()
    assert treated.state == S.IN_TREATMENT  # showing the page changes nothing

    refused = client.post(url, {"version": treated.version, "reason": "Moving abroad"})
    assert refused.status_code == 400 and "Tick the box" in refused.content.decode()
    assert "Moving abroad" in refused.content.decode()
    treated.refresh_from_db()
    assert treated.state == S.IN_TREATMENT

    done = client.post(url, {"version": treated.version, "reason": "Moving abroad",
                             "confirm": "on"})
    assert done.status_code == 302 and done["Location"] == reverse("dashboard")
    treated.refresh_from_db()
    assert treated.state == S.WITHDRAWN
    assert treated.events.get(action="withdraw").payload["reason"] == "Moving abroad"
    assert client.get(url).status_code == 302  # nothing left to leave


@pytest.mark.django_db
def test_the_case_page_sends_the_participant_to_the_confirmation(client, world, treated):
    client.force_login(world.participant)
    page = client.get(reverse("case_detail", args=[treated.reference])).content.decode()
    assert reverse("case_leave", args=[treated.reference]) in page
    assert reverse("case_transition", args=[treated.reference, "withdraw"]) not in page
    # An administrator withdrawing at the participant's request keeps the case page's form.
    client.force_login(world.admin)
    page = client.get(reverse("case_detail", args=[treated.reference])).content.decode()
    assert reverse("case_transition", args=[treated.reference, "withdraw"]) in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "btp", "referrer"])
def test_only_the_participant_has_the_leave_page(client, world, treated, role):
    client.force_login(world.user(role))
    assert client.get(reverse("case_leave", args=[treated.reference])).status_code == 403
