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


@pytest.mark.django_db
def test_the_export_is_prepared_by_a_worker_sealed_and_downloaded_by_its_researcher(
        client, world, settings, django_capture_on_commit_callbacks):
    import csv
    import io

    from django.urls import reverse

    from botp.models import AuditEntry, OutboxMessage
    from evaluation import disclosure, export, exports
    from evaluation.models import ResearchExport
    from tests.evaluation.test_outcomes_and_export import scored

    settings.BOTP_MIN_GROUP_SIZE = 1
    from evaluation.loading import load_instruments

    load_instruments()
    for index in range(3):
        case = world.case(CaseState.COMPLETED, mine=index == 0, btp=world.btp)
        backdate(case, approved_days=100, ended_days=1)
        scored(world, case, "pre", 10 + index)
    client.force_login(world.researcher)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("evaluation:export"), follow=True)
    page = response.content.decode()
    assert "being prepared" in page and "Being prepared" in page
    job = ResearchExport.objects.get()
    assert job.status == ResearchExport.Status.QUEUED and job.cases == 3
    assert OutboxMessage.objects.filter(key=job.delivery_key).exists()

    from botp import outbox

    outbox.deliver_due()
    job.refresh_from_db()
    assert job.status == ResearchExport.Status.READY and job.rows == 3
    sealed = (exports._folder() / job.file).read_bytes()
    expected = "".join(export.csv_lines(disclosure.published_cases(disclosure.Selection())))
    first_pseudonym = expected.splitlines()[1].split(",")[0]
    assert first_pseudonym.encode() not in sealed  # encrypted at rest
    assert "Download the export" in client.get(reverse("evaluation:export")).content.decode()

    response = client.get(reverse("evaluation:export_download", args=[job.pk]))
    text = b"".join(response.streaming_content).decode()
    assert text == expected and len(list(csv.DictReader(io.StringIO(text)))) == 3
    assert AuditEntry.objects.filter(actor=world.researcher,
                                     what="pseudonymised export").count() == 1
    assert AuditEntry.objects.filter(actor=world.researcher,
                                     what="pseudonymised export requested").count() == 1
    # Nobody else downloads it, not even another researcher.
    other = type(world.researcher).objects.create(email="other-researcher@example.org",
                                                  role=world.researcher.role)
    client.force_login(other)
    assert client.get(reverse("evaluation:export_download",
                              args=[job.pk])).status_code == 404
    client.force_login(world.psychologist)
    assert client.get(reverse("evaluation:export_download",
                              args=[job.pk])).status_code == 404


@pytest.mark.parametrize("df", [1000, 5000, 250_000])
def test_large_samples_take_the_t_quantile_from_its_expansion(df):
    from evaluation import statistics

    low, high = 0.0, 4.0
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if statistics.t_cdf(middle, df) < 0.975 else (low, middle)
    assert statistics.t_quantile(0.975, df) == pytest.approx(low, abs=1e-9)


@pytest.mark.django_db
def test_the_dashboard_counts_are_shared_until_a_case_moves_or_a_wave_completes(
        world, instruments, settings):
    settings.BOTP_MIN_GROUP_SIZE = 1
    settings.OUTCOME_CACHE_SECONDS = 60

    def cohort_size():
        return outcomes.report(outcomes.OutcomeFilters({}), language="en").cohort_size

    for _ in range(2):
        case = world.case(CaseState.COMPLETED, btp=world.btp)
        backdate(case, approved_days=100, ended_days=1)
        scored(world, case, "pre", 12)
    assert cohort_size() == 2
    with CaptureQueriesContext(connection) as again:
        assert cohort_size() == 2
    assert not any("botp_case" in q["sql"] and "GROUP BY" in q["sql"]
                   for q in again.captured_queries)
    case = world.case(CaseState.COMPLETED, btp=world.btp)
    backdate(case, approved_days=100, ended_days=1)
    scored(world, case, "pre", 14)  # a completed wave: counted at once
    assert cohort_size() == 3
