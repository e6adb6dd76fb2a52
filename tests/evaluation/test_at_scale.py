"""What keeps the evaluation's pages fast at national scale: a survey page saved in a fixed
number of queries, and the dashboard's sums kept as waves complete, equal to working them
out again from every score."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from botp.models import CaseState
from evaluation import outcomes, selectors, survey, tallies
from evaluation.models import CaseOutcome, OutcomeTally
from tests.evaluation.test_outcomes_and_export import scored
from tests.scenarios import answer_everything, backdate


def posted(instrument, items):
    definition = instrument.definition
    answers = {}
    for item in items:
        if item["type"] == "choice":
            scale = next(s for s in definition["scales"] if s["id"] == item["scale"])
            answers[item["id"]] = str(scale["options"][0]["value"])
        elif item["type"] == "number":
            answers[item["id"]] = str(item["min"])
    return answers


@pytest.mark.django_db
def test_a_survey_page_is_saved_in_the_same_queries_whatever_its_length(invited):
    invitation, _path = invited
    pages = survey.pages(invitation)
    short = min(pages, key=lambda page: len(page.items))
    long = max(pages, key=lambda page: len(page.items))
    assert len(long.items) >= 3 * len(short.items)

    def queries(page, answers):
        with CaptureQueriesContext(connection) as captured:
            survey.save_page(invitation, instrument=page.instrument, answers=answers,
                             items=page.items)
        return len(captured)

    first_time = queries(long, posted(long.instrument, long.items))
    assert queries(short, posted(short.instrument, short.items)) == first_time
    # Saved again with changes, and with answers taken back: still the same queries.
    assert queries(long, posted(long.instrument, long.items)) == first_time
    saved = selectors.saved_answers(invitation)[long.instrument.pk]
    assert set(saved) >= {item["id"] for item in long.items if item["type"] != "text"}
    cleared = dict.fromkeys(posted(long.instrument, long.items), "")
    assert queries(long, cleared) <= first_time
    assert not selectors.saved_answers(invitation).get(long.instrument.pk)


@pytest.mark.django_db
def test_a_submitted_survey_is_in_the_tallies_once(invited):
    invitation, _path = invited
    answer_everything(invitation)
    assert survey.submit(invitation) == []
    tallied = OutcomeTally.objects.filter(cases__gt=0)
    assert tallied.exists()
    assert set(tallied.values_list("cases", flat=True)) == {1}
    # Refreshing a case again changes nothing; nor does working everything out anew.
    before = sorted(tallied.values_list("instrument", "subscale", "pattern", "cases", "pre"))
    tallies.refresh([invitation.case_id])
    assert sorted(tallied.values_list("instrument", "subscale", "pattern", "cases",
                                      "pre")) == before
    tallies.rebuild()
    assert sorted(OutcomeTally.objects.filter(cases__gt=0).values_list(
        "instrument", "subscale", "pattern", "cases", "pre")) == before


@pytest.mark.django_db
def test_the_dashboard_reads_tallies_not_scores(world, instruments, settings):
    settings.BOTP_MIN_GROUP_SIZE = 1
    cases = []
    for index in range(6):
        case = world.case(CaseState.COMPLETED, mine=index % 2 == 0, btp=world.btp)
        backdate(case, approved_days=100, ended_days=1)
        scored(world, case, "pre", 10 + index)
        if index < 4:
            scored(world, case, "post1", 5 + index)
        cases.append(case)
    first = outcomes.report(outcomes.OutcomeFilters({}), language="en")
    # Worked out again from every score, the figures are the same.
    tallies.rebuild()
    again = outcomes.report(outcomes.OutcomeFilters({}), language="en")
    depression = [s for s in again.scales if (s.instrument, s.subscale) == ("dass21",
                                                                              "depression")][0]
    assert depression.by_wave[0][1].n == 6 and depression.by_wave[0][1].mean == 12.5
    assert depression.changes[0][1].n == 4 and depression.changes[0][1].mean == -5
    assert [(s.name, s.by_wave, s.changes) for s in again.scales] == [
        (s.name, s.by_wave, s.changes) for s in first.scales]
    assert CaseOutcome.objects.filter(instrument="dass21").count() == 6

    for _ in range(5):
        case = world.case(CaseState.COMPLETED, btp=world.btp)
        backdate(case, approved_days=100, ended_days=1)
        scored(world, case, "pre", 20)
    with CaptureQueriesContext(connection) as few:
        outcomes.report(outcomes.OutcomeFilters({}), language="en")
    assert not any("evaluation_score" in q["sql"] for q in few.captured_queries)
