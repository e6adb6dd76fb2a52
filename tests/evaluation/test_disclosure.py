"""Statistical disclosure control of the research outputs (Trust issue, item 12): the attacks
that singled out one participant from the export and the dashboard, and that they now fail."""

import csv
import datetime
import io
import itertools
from collections import defaultdict
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from botp.models import CaseState, Sector, Wave
from evaluation import disclosure, outcomes, waves
from evaluation.models import Answer, Instrument, Score, SurveyInvitation
from tests.factories import CaseFactory

WAVES = [Wave.PRE, Wave.POST1, Wave.POST2]


def admitted_case(world, programme, approved, sector=None, **depression):
    """An admitted case of ``programme`` approved on ``approved`` (y, m, d), in ``sector``, with a
    DASS depression score at each wave given as pre=..., post1=..., post2=...."""
    from intake.models import ScreeningRequest

    moment = timezone.make_aware(datetime.datetime(*approved, 12, 0))
    case = CaseFactory(programme=programme, state=CaseState.COMPLETED, approved_at=moment)
    if sector:
        ScreeningRequest.objects.create(referrer=world.referrer, programme=programme, case=case,
                                        sector=Sector.objects.get(code=sector),
                                        submitted_at=moment)
    dass = Instrument.objects.get(code="dass21")
    for wave, score in depression.items():
        invitation = waves.create_invitation(case, wave, timezone.localdate(),
                                             timezone.now() + datetime.timedelta(days=30))
        SurveyInvitation.objects.filter(pk=invitation.pk).update(
            sent_at=moment, completed_at=moment + datetime.timedelta(days=3))
        Score.objects.create(invitation=invitation, instrument=dass, subscale="depression",
                             value=Decimal(score), band="", answered=7, missing=0)
    return case


# --- The export -------------------------------------------------------------------------------


@pytest.fixture
def banking_loner(world, instruments, programmes, settings):
    """The issue's export case: one banking participant approved in 2025-02, alone in their
    sector x month cell, with medication, psychiatrist visits and a DASS depression score;
    around them large cells (hospital and banking, 2025-01), two hospital participants of
    2025-03 and two banking participants of 2024-05."""
    settings.BOTP_MIN_GROUP_SIZE = 3
    botp = programmes["botp"]
    for i in range(3):
        admitted_case(world, botp, (2025, 1, 15), "hospital", pre=10 + i)
        admitted_case(world, botp, (2025, 1, 20), "banking", pre=20 + i)
    loner = admitted_case(world, botp, (2025, 2, 10), "banking", pre=33)
    for _ in range(2):
        admitted_case(world, botp, (2025, 3, 5), "hospital", pre=5)
        admitted_case(world, botp, (2024, 5, 5), "banking", pre=7)
    healthcare = Instrument.objects.get(code="healthcare")
    invitation = loner.survey_invitations.get(wave="pre")
    for item, value in (("psychiatrist_visits", "6"), ("med_antidepressants", "yes")):
        Answer.objects.create(invitation=invitation, instrument=healthcare, item=item,
                              value=value)
    return loner


def exported(client, world, **filters):
    """The export of ``filters`` as the researcher gets it: asked for, prepared by the worker,
    downloaded."""
    from botp import outbox
    from evaluation.models import ResearchExport

    client.force_login(world.researcher)
    response = client.post(reverse("evaluation:export"), filters)
    assert response.status_code == 302, response.content
    outbox.deliver_due()
    job = ResearchExport.objects.filter(requested_by=world.researcher).first()
    assert job.status == ResearchExport.Status.READY
    response = client.get(reverse("evaluation:export_download", args=[job.pk]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def pseudonyms_by_combination(rows):
    found = defaultdict(set)
    for row in rows:
        found[row["programme"], row["sector"], row["approved_period"]].add(row["pseudonym"])
    return found


def looks_like(row, sector, month):
    """Whether ``row``'s published values fit a participant of ``sector`` approved in ``month``
    ("2025-02"): what an attacker who knows that much keeps as candidates."""
    year, number = month.split("-")
    periods = {"", year, f"{year}-Q{(int(number) - 1) // 3 + 1}", month}
    return row["sector"] in ("", sector) and row["approved_period"] in periods


@pytest.mark.django_db
def test_export_attack_lone_banking_participant_of_a_month_is_not_singled_out(
        client, world, banking_loner):
    rows = exported(client, world)
    # The attack: the one banking participant approved in 2025-02, with their answers.
    assert not [row for row in rows
                if row["sector"] == "banking" and row["approved_period"] == "2025-02"]
    candidates = {row["pseudonym"] for row in rows if looks_like(row, "banking", "2025-02")}
    assert len(candidates) >= 3
    # The loner's cell was generalised together with the two of 2025-03: no sector, the year.
    loner = [row for row in rows if row["dass21_depression"] == "33.0000"]
    assert [(r["sector"], r["approved_period"], r["healthcare_psychiatrist_visits"])
            for r in loner] == [("", "2025", "6")]
    # Every combination of quasi-identifiers holds at least three participants.
    assert all(len(group) >= 3 for group in pseudonyms_by_combination(rows).values())
    # The survey dates are no more precise than the admission date.
    assert {r["invited_period"] for r in loner} <= {"2025"}
    # The two of 2024 would be a group of two even with nothing shown: they are left out.
    assert {row["dass21_depression"] for row in rows}.isdisjoint({"7.0000"})
    # The sector the participant reports in the survey would give the blanked sector back.
    assert "employment_sector" not in rows[0]


@pytest.mark.django_db
def test_export_keeps_large_groups_unchanged(client, world, banking_loner):
    rows = exported(client, world)
    by_score = {row["dass21_depression"]: row for row in rows}
    for score, sector in (("10.0000", "hospital"), ("12.0000", "hospital"),
                          ("20.0000", "banking"), ("22.0000", "banking")):
        row = by_score[score]
        assert (row["programme"], row["sector"], row["approved_period"]) == (
            "botp", sector, "2025-01")
    assert len({row["pseudonym"] for row in rows}) == 6 + 1 + 2


@pytest.mark.django_db
def test_filtered_export_tells_no_more_than_the_full_export(client, world, banking_loner):
    full = exported(client, world)
    banking = Sector.objects.get(code="banking")
    filtered = exported(client, world, sector=banking.pk)
    # A banking-only export that generalised within its own cohort would publish the loner (as
    # "botp", no sector, no date, with the two of 2024): filtering on banking would then give
    # back the sector the full export blanks, and the loner is one of one in "banking 2025".
    assert filtered and all(row in full for row in filtered)
    assert {row["sector"] for row in filtered} == {"banking"}
    assert "33.0000" not in {row["dass21_depression"] for row in filtered}


def test_generalise_coarsens_only_the_cells_that_are_too_small():
    cells = {("botp", "hospital", 2025, 1): 12, ("botp", "banking", 2025, 2): 1,
             ("botp", "banking", 2025, 3): 9, ("fa-botp", "federal_administration", 2025, 1): 2}
    plan = disclosure.generalise(cells, 10)
    assert plan[("botp", "hospital", 2025, 1)].period == "2025-01"
    assert {plan[("botp", "banking", 2025, m)] for m in (2, 3)} == {
        disclosure.Published("botp", "banking", "2025-Q1", "quarter")}
    assert ("fa-botp", "federal_administration", 2025, 1) not in plan


# --- The dashboard ----------------------------------------------------------------------------


def answered(data):
    """What the dashboard shows for the selection ``data`` of the DASS depression scale:
    {figure: (n, n x mean)}, or None when the selection is not offered or shows nothing."""
    form = outcomes.OutcomeFilters(data)
    if not form.is_valid():
        return None
    report = outcomes.report(form, language="en")
    if report.suppressed:
        return None
    scale = next(s for s in report.scales if (s.instrument, s.subscale)
                 == ("dass21", "depression"))
    found = {}
    for (_label, summary), wave in zip(scale.by_wave, WAVES, strict=True):
        if summary.mean is not None:
            found["wave", wave] = (summary.n, summary.n * summary.mean)
    for (_label, change), wave in zip(scale.changes, WAVES[1:], strict=True):
        if change.mean is not None:
            found["change", wave] = (change.n, change.n * change.mean)
    return found


def subtract(whole, part, figure):
    """The attack: n x mean of ``whole`` minus n x mean of ``part``, as (people, sum), when the
    dashboard shows both."""
    if not whole or not part or figure not in whole or figure not in part:
        return None
    return whole[figure][0] - part[figure][0], whole[figure][1] - part[figure][1]


def offered_selections():
    form = outcomes.OutcomeFilters({})
    return [
        {k: v for k, v in zip(("programme", "sector", "period"), combination, strict=True) if v}
        for combination in itertools.product(
            [""] + [p.pk for p in form.fields["programme"].queryset],
            [""] + [s.pk for s in form.fields["sector"].queryset],
            [value for value, _label in form.fields["period"].choices])
    ]


def assert_no_shown_group_differs_by_fewer_than(k):
    """For every two offered selections, one inside the other, the participants they count and
    the people behind every figure both show are the same or at least k more in the larger."""
    shown = []
    for data in offered_selections():
        found = answered(data)
        if found is not None:
            selection = outcomes.OutcomeFilters(data).selection()
            cases = {case for case, _shown in disclosure.published_cases(selection)}
            shown.append((cases, found))
    assert shown
    for (cases, found), (other_cases, other) in itertools.permutations(shown, 2):
        if other_cases <= cases:
            assert len(cases - other_cases) in (0, *range(k, len(cases) + 1))
            for figure in found.keys() & other.keys():
                people = found[figure][0] - other[figure][0]
                assert people == 0 or people >= k, (figure, people)
    for _cases, found in shown:
        assert all(n >= k for n, _sum in found.values())


@pytest.fixture
def min3(settings, instruments):
    settings.BOTP_MIN_GROUP_SIZE = 3


@pytest.mark.django_db
def test_dashboard_attack_all_programmes_minus_botp_fails(client, world, programmes, min3):
    """n x mean of "all programmes" minus n x mean of "BOTP" gave the one FA-BOTP
    participant's score. The export leaves them out, a group of one at every step, and so
    does every group of the dashboard: "all programmes" is BOTP."""
    botp, fa_botp = programmes["botp"], programmes["fa-botp"]
    for score in (10, 12, 14, 16):
        admitted_case(world, botp, (2025, 1, 15), pre=score)
    admitted_case(world, fa_botp, (2025, 1, 15), pre=40)
    whole = answered({})
    assert whole["wave", Wave.PRE] == (4, pytest.approx(52))
    assert subtract(whole, answered({"programme": botp.pk}), ("wave", Wave.PRE)) == (
        0, pytest.approx(0))
    assert not outcomes.OutcomeFilters({"programme": fa_botp.pk}).is_valid()
    client.force_login(world.researcher)
    for data in ({}, {"programme": botp.pk}):
        text = client.get(reverse("evaluation:outcomes"), data).content.decode()
        assert "13.00" in text and "18.40" not in text  # 18.40: the mean with the fifth
    assert_no_shown_group_differs_by_fewer_than(3)


@pytest.mark.django_db
def test_dashboard_attack_all_sectors_minus_hospital_fails(world, programmes, min3):
    """All sectors minus hospital gave the one banker's score: the export leaves them out,
    and so does the dashboard."""
    hospital = Sector.objects.get(code="hospital")
    for score in (10, 12, 14, 16):
        admitted_case(world, programmes["botp"], (2025, 1, 15), "hospital", pre=score)
    admitted_case(world, programmes["botp"], (2025, 1, 15), "banking", pre=40)
    assert not outcomes.OutcomeFilters({"sector": Sector.objects.get(code="banking").pk}
                                       ).is_valid()
    assert subtract(answered({}), answered({"sector": hospital.pk}), ("wave", Wave.PRE)) == (
        0, pytest.approx(0))
    assert_no_shown_group_differs_by_fewer_than(3)


@pytest.mark.django_db
def test_dashboard_attack_year_minus_quarter_fails(world, programmes, min3):
    """A year minus its first quarter gave the score of the one admitted in the second: the
    export leaves them out, and so does the dashboard."""
    for score in (10, 12, 14, 16):
        admitted_case(world, programmes["botp"], (2025, 2, 15), pre=score)
    admitted_case(world, programmes["botp"], (2025, 5, 15), pre=40)
    assert not outcomes.OutcomeFilters({"period": "2025-Q2"}).is_valid()
    for whole in ({}, {"period": "2025"}):
        assert subtract(answered(whole), answered({"period": "2025-Q1"}),
                        ("wave", Wave.PRE)) == (0, pytest.approx(0))
    assert_no_shown_group_differs_by_fewer_than(3)


@pytest.mark.django_db
def test_dashboard_attack_on_one_wave_respondent_fails(client, world, programmes, min3):
    """Both programmes are large enough, but only one FA-BOTP participant answered post-test 1:
    the post-test 1 means of all programmes and of BOTP would differ by that one answer."""
    botp, fa_botp = programmes["botp"], programmes["fa-botp"]
    for score in (10, 12, 14, 16):
        admitted_case(world, botp, (2025, 1, 15), pre=score + 10, post1=score)
    admitted_case(world, fa_botp, (2025, 1, 15), pre=30, post1=40)
    for _ in range(2):
        admitted_case(world, fa_botp, (2025, 1, 15), pre=30)
    assert answered({"programme": botp.pk}) == {}  # offered, but the scale is withheld
    assert subtract(answered({}), answered({"programme": botp.pk}),
                    ("wave", Wave.POST1)) is None
    assert answered({})["wave", Wave.POST1][0] == 5
    client.force_login(world.researcher)
    page = client.get(reverse("evaluation:outcomes"), {"programme": botp.pk}).content.decode()
    assert "Not shown for this selection" in page
    assert_no_shown_group_differs_by_fewer_than(3)


@pytest.mark.django_db
def test_dashboard_attack_between_a_scales_own_means_fails(world, programmes, min3):
    """Four answered every wave; a fifth answered post-test 1 only. Post-test 1 mean x 5 minus
    the change to post-test 1 x 4 minus the pre-test mean x 4 would be the fifth's answer."""
    botp = programmes["botp"]
    for score in (10, 12, 14, 16):
        admitted_case(world, botp, (2025, 1, 15), pre=score + 10, post1=score, post2=score)
    admitted_case(world, botp, (2025, 1, 15), post1=40)
    shown = answered({})
    assert shown["wave", Wave.POST1][0] == 5 and shown["wave", Wave.PRE][0] == 4
    assert ("change", Wave.POST1) not in shown
    assert shown["change", Wave.POST2][0] == 4  # this change reveals nothing about the fifth


@pytest.mark.django_db
def test_dashboard_keeps_large_groups_unchanged(world, programmes, settings, instruments):
    settings.BOTP_MIN_GROUP_SIZE = 2
    botp, fa_botp = programmes["botp"], programmes["fa-botp"]
    for pre, post1 in ((20, 10), (24, 12)):
        admitted_case(world, botp, (2025, 1, 15), pre=pre, post1=post1)
    for pre, post1 in ((30, 26), (34, 28)):
        admitted_case(world, fa_botp, (2025, 4, 15), pre=pre, post1=post1)
    assert answered({}) == {("wave", Wave.PRE): (4, pytest.approx(108)),
                            ("wave", Wave.POST1): (4, pytest.approx(76)),
                            ("change", Wave.POST1): (4, pytest.approx(-32))}
    assert answered({"programme": fa_botp.pk}) == {
        ("wave", Wave.PRE): (2, pytest.approx(64)), ("wave", Wave.POST1): (2, pytest.approx(54)),
        ("change", Wave.POST1): (2, pytest.approx(-10))}
    assert answered({"period": "2025-Q1"}) == answered({"programme": botp.pk})


def test_offer_withdraws_only_the_filters_that_single_someone_out():
    # (programme, sector, year, quarter): cases. Programme 2 and sector 8 hold one person.
    counts = {(1, 7, 2025, 1): 40, (2, 8, 2025, 1): 1}
    offer = disclosure.offer_filters(counts, 10)
    assert offer == disclosure.Offer(frozenset(), frozenset(), frozenset({2025}),
                                     frozenset({(2025, 1)}))
    # Ten more of programme 2 and sector 8 in the second quarter: the programmes and sectors
    # can be told apart, but the quarters would leave the one of the first quarter.
    counts[2, 8, 2025, 2] = 10
    offer = disclosure.offer_filters(counts, 10)
    assert offer == disclosure.Offer(frozenset({1, 2}), frozenset({7, 8}), frozenset({2025}),
                                     frozenset())


# --- The dashboard and the export together ------------------------------------------------------


def matches(row, data):
    """Whether an export ``row``'s published values put it in the dashboard selection ``data``,
    as a researcher holding both would read them."""
    form = outcomes.OutcomeFilters(data)
    assert form.is_valid(), form.errors
    chosen = form.cleaned_data
    if chosen.get("programme") and row["programme"] != chosen["programme"].code:
        return False
    if chosen.get("sector") and row["sector"] != chosen["sector"].code:
        return False
    period = chosen.get("period")
    if period:
        year, _sep, quarter = period.partition("-Q")
        shown = row["approved_period"]
        if shown.partition("-")[0] != year:
            return False
        if quarter and shown not in (f"{year}-Q{quarter}",
                                     *(f"{year}-{3 * (int(quarter) - 1) + m:02d}"
                                       for m in (1, 2, 3))):
            return False
    return True


def from_export(rows, data):
    """The DASS depression figures of the selection ``data``, worked out from the export's rows
    alone: {figure: (n, n x mean)}."""
    scores = defaultdict(dict)
    for row in rows:
        if row["dass21_depression"] and matches(row, data):
            scores[row["wave"]][row["pseudonym"]] = float(row["dass21_depression"])
    found = {("wave", wave): (len(scores[wave]), sum(scores[wave].values())) for wave in WAVES}
    for wave in WAVES[1:]:
        both = scores[Wave.PRE].keys() & scores[wave].keys()
        found["change", wave] = (len(both),
                                 sum(scores[wave][p] - scores[Wave.PRE][p] for p in both))
    return found


def assert_the_dashboard_tells_nothing_the_export_does_not(client, world):
    """Every offered selection's participants and every figure shown for it are those of the
    export's rows with the same published values: setting one output beside the other, or
    subtracting one from the other, leaves no one over."""
    rows = exported(client, world)
    checked = 0
    for data in offered_selections():
        report = outcomes.report(outcomes.OutcomeFilters(data), language="en")
        people = {row["pseudonym"] for row in rows if matches(row, data)}
        assert report.cohort_size == len(people), data
        shown, derived = answered(data) or {}, from_export(rows, data)
        for figure, (n, total) in shown.items():
            assert derived[figure] == (n, pytest.approx(total)), (data, figure)
            checked += 1
    assert checked


@pytest.fixture
def blanked_banker(world, programmes, min3):
    """Three hospital and three banking participants of 2025-01, one banking participant of
    2025-02 and two hospital participants of 2025-03. The export publishes the banker of
    2025-02 without a sector, as "2025", among the two of 2025-03."""
    botp = programmes["botp"]
    for i in range(3):
        admitted_case(world, botp, (2025, 1, 15), "hospital", pre=10 + i)
        admitted_case(world, botp, (2025, 1, 20), "banking", pre=20 + i)
    admitted_case(world, botp, (2025, 2, 10), "banking", pre=33)
    for score in (5, 6):
        admitted_case(world, botp, (2025, 3, 5), "hospital", pre=score)


@pytest.mark.django_db
def test_combined_attack_dashboard_banking_minus_exported_banking_rows_fails(
        client, world, blanked_banker):
    """The dashboard's banking n x mean minus the export's banking rows gave the score of the
    one banker whose sector the export blanked, and with it their row's sector."""
    banking = Sector.objects.get(code="banking")
    rows = exported(client, world)
    blanked = [(row["sector"], row["approved_period"]) for row in rows
               if row["dass21_depression"] == "33.0000"]
    assert blanked == [("", "2025")]
    dashboard = answered({"sector": banking.pk})["wave", Wave.PRE]
    banking_rows = [float(row["dass21_depression"]) for row in rows
                    if row["sector"] == "banking" and row["wave"] == Wave.PRE]
    people, total = dashboard[0] - len(banking_rows), dashboard[1] - sum(banking_rows)
    assert (people, total) == (0, pytest.approx(0))
    assert dashboard == (3, pytest.approx(63))
    assert_the_dashboard_tells_nothing_the_export_does_not(client, world)


@pytest.mark.django_db
def test_combined_attack_dashboard_all_minus_export_all_fails(client, world, programmes, min3):
    """The one FA-BOTP participant is in a group under three at every step of the export's
    generalisation, so the export leaves them out; the dashboard's total minus the export's
    total gave their answers."""
    for score in (10, 12, 14, 16):
        admitted_case(world, programmes["botp"], (2025, 1, 15), pre=score)
    admitted_case(world, programmes["fa-botp"], (2025, 1, 15), pre=40)
    rows = exported(client, world)
    exported_pre = [float(row["dass21_depression"]) for row in rows if row["wave"] == Wave.PRE]
    assert 40 not in exported_pre
    dashboard = answered({})["wave", Wave.PRE]
    people, total = dashboard[0] - len(exported_pre), dashboard[1] - sum(exported_pre)
    assert (people, total) == (0, pytest.approx(0))
    report = outcomes.report(outcomes.OutcomeFilters({}), language="en")
    assert report.cohort_size == len({row["pseudonym"] for row in rows}) == 4
    assert_the_dashboard_tells_nothing_the_export_does_not(client, world)
