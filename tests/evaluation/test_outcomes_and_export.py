"""The outcome dashboard's statistics against a hand-computed dataset, the pseudonymised export,
and who may see what of the evaluation."""

import csv
import datetime
import io
import math
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from botp.models import CaseState
from evaluation import disclosure, export, outcomes, statistics, waves
from evaluation.models import Instrument, Score
from tests.scenarios import backdate

# --- Statistics -------------------------------------------------------------------------------

@pytest.mark.parametrize("df, expected", [(1, 12.706), (2, 4.303), (4, 2.776), (9, 2.262),
                                          (19, 2.093), (29, 2.045), (60, 2.000)])
def test_t_quantiles_match_the_published_table(df, expected):
    assert round(statistics.t_quantile(0.975, df), 3) == expected


def test_summary_by_hand():
    described = statistics.summary([2, 4, 4, 4, 5, 5, 7, 9])
    assert described.n == 8 and described.mean == 5
    assert math.isclose(described.sd, math.sqrt(32 / 7))
    assert statistics.summary([]).mean is None
    assert statistics.summary([3]).sd is None


def test_paired_change_by_hand():
    # Five participants, before and after; a sixth answered only before, a seventh only after.
    before = {1: 30, 2: 24, 3: 28, 4: 20, 5: 26, 6: 40}
    after = {1: 22, 2: 20, 3: 26, 4: 18, 5: 20, 7: 10}
    change = statistics.paired_change(before, after)
    # Changes: -8, -4, -2, -2, -6 -> mean -4.4; SD sqrt(27.2 / 4) = 2.6077
    assert change.n == 5
    assert math.isclose(change.mean, -4.4)
    sd = math.sqrt(((-8 + 4.4) ** 2 + (-4 + 4.4) ** 2 + 2 * (-2 + 4.4) ** 2
                    + (-6 + 4.4) ** 2) / 4)
    assert math.isclose(sd, 2.60768096, rel_tol=1e-8)
    half = 2.776445 * sd / math.sqrt(5)
    assert math.isclose(change.ci_low, -4.4 - half, rel_tol=1e-5)
    assert math.isclose(change.ci_high, -4.4 + half, rel_tol=1e-5)
    assert math.isclose(change.effect_size, -4.4 / sd)
    assert statistics.paired_change({1: 3}, {2: 4}).n == 0


# --- The dashboard on a small cohort ------------------------------------------------------------

def scored(world, case, wave, depression, *, completed=True):
    """Give ``case`` a ``wave`` answered with a DASS depression score of ``depression``."""
    from evaluation.models import SurveyInvitation

    invitation = (SurveyInvitation.objects.filter(case=case, wave=wave).first()
                  or waves.create_invitation(case, wave, timezone.localdate(),
                                             timezone.now() + datetime.timedelta(days=30)))
    invitation.sent_at = timezone.now()
    if completed:
        invitation.completed_at = timezone.now()
    invitation.save()
    if completed:
        Score.objects.create(invitation=invitation,
                             instrument=Instrument.objects.get(code="dass21"),
                             subscale="depression", value=Decimal(depression), band="",
                             answered=7, missing=0)
    return invitation


@pytest.fixture
def cohort(world, instruments):
    """Four admitted cases: pre-test depression 20, 16, 30, 10; post-test 1 12, 10, 26 (the
    fourth did not answer); post-test 2 for the first two only, one of them invited only."""
    cases = []
    for mine in (True, False, False, False):
        case = world.case(CaseState.COMPLETED, mine=mine, btp=world.btp)
        backdate(case, approved_days=100, ended_days=1)
        cases.append(case)
    for case, pre, post1 in zip(cases, [20, 16, 30, 10], [12, 10, 26, None], strict=True):
        scored(world, case, "pre", pre)
        scored(world, case, "post1", post1, completed=post1 is not None)
    scored(world, cases[0], "post2", 8)
    scored(world, cases[1], "post2", None, completed=False)
    return cases


@pytest.fixture
def small_groups_shown(settings):
    """The hand-computed cohort is tiny: let its groups through for these tests."""
    settings.BOTP_MIN_GROUP_SIZE = 1


@pytest.mark.django_db
def test_the_dashboard_statistics(cohort, small_groups_shown):
    report = outcomes.report(outcomes.OutcomeFilters({}), language="en")
    assert report.cohort_size == 4
    assert [(r.wave, r.invited, r.completed) for r in report.responses] == [
        ("pre", 4, 4), ("post1", 4, 3), ("post2", 2, 1)]
    assert report.responses[1].rate == 0.75
    depression = next(s for s in report.scales if (s.instrument, s.subscale)
                      == ("dass21", "depression"))
    pre, post1, post2 = (summary for _, summary in depression.by_wave)
    assert (pre.n, pre.mean) == (4, 19.0)
    assert math.isclose(pre.sd, math.sqrt((1 + 9 + 121 + 81) / 3))
    assert (post1.n, round(post1.mean, 4)) == (3, 16.0)
    assert (post2.n, post2.mean, post2.sd) == (1, 8.0, None)
    (_, to_post1), (_, to_post2) = depression.changes
    # Changes for the three who answered both: -8, -6, -4.
    assert (to_post1.n, to_post1.mean) == (3, -6.0)
    assert math.isclose(to_post1.effect_size, -6 / 2)
    assert math.isclose(to_post1.ci_low, -6 - 4.302653 * 2 / math.sqrt(3), rel_tol=1e-5)
    assert (to_post2.n, to_post2.mean, to_post2.ci_low) == (1, -12.0, None)


@pytest.mark.django_db
def test_the_dashboard_filters_by_programme_sector_and_quarter(world, cohort, programmes,
                                                               small_groups_shown):
    from botp.models import Sector
    from intake.models import ScreeningRequest

    hospital = Sector.objects.get(code="hospital")
    ScreeningRequest.objects.create(referrer=world.referrer, programme=world.programme,
                                    case=cohort[0], sector=hospital,
                                    submitted_at=timezone.now())

    def size(**data):
        form = outcomes.OutcomeFilters(data)
        assert form.is_valid(), form.errors
        return outcomes.report(form).cohort_size

    assert size(sector=hospital.pk) == 1
    approved = timezone.localdate(cohort[0].approved_at)
    quarter = (approved.month - 1) // 3 + 1
    assert size(period=str(approved.year)) == 4
    assert size(period=f"{approved.year}-Q{quarter}") == 4
    # A programme or quarter without admitted cases is not offered.
    other_quarter = 1 if quarter != 1 else 2
    assert not outcomes.OutcomeFilters({"programme": programmes["fa-botp"].pk}).is_valid()
    assert not outcomes.OutcomeFilters(
        {"period": f"{approved.year}-Q{other_quarter}"}).is_valid()
    # Nothing narrower than a quarter can be asked for.
    assert not outcomes.OutcomeFilters({"period": approved.isoformat()}).is_valid()
    assert not outcomes.OutcomeFilters({"approved_from": approved.isoformat(),
                                        "period": "2026-Q7"}).is_valid()


@pytest.mark.django_db
def test_small_groups_are_not_shown_or_exported(client, world, cohort, settings):
    """Four participants, below the minimum of ten: no mean, no export, not even a count."""
    assert settings.BOTP_MIN_GROUP_SIZE == 10
    report = outcomes.report(outcomes.OutcomeFilters({}))
    assert report.suppressed and report.scales == [] and report.responses == []
    client.force_login(world.researcher)
    page = client.get(reverse("evaluation:outcomes")).content.decode()
    assert "fewer than 10 participants" in page and "19.00" not in page
    response = client.post(reverse("evaluation:export"))
    assert response.status_code == 400 and "fewer than 10" in response.content.decode()
    # Within a large enough cohort, a cell of fewer than ten answers shows its size only.
    settings.BOTP_MIN_GROUP_SIZE = 4
    depression = next(s for s in outcomes.report(outcomes.OutcomeFilters({})).scales
                      if (s.instrument, s.subscale) == ("dass21", "depression"))
    pre, post1, _ = (summary for _, summary in depression.by_wave)
    assert (pre.n, pre.mean) == (4, 19.0)
    assert (post1.n, post1.mean, post1.sd) == (3, None, None)
    (_, to_post1), _ = depression.changes
    assert (to_post1.n, to_post1.mean, to_post1.ci_low) == (3, None, None)


# --- The export --------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_export_has_one_row_per_case_and_wave_and_no_identifier(world, cohort,
                                                                    small_groups_shown):
    from evaluation.models import Answer

    # A free-text answer and the participant's identity must stay inside.
    invitation = cohort[0].survey_invitations.get(wave="pre")
    employment = Instrument.objects.get(code="employment")
    Answer.objects.create(invitation=invitation, instrument=employment, item="situation",
                          value="other")
    Answer.objects.create(invitation=invitation, instrument=employment, item="situation_other",
                          value="Nurse at AZ Sint-Jan, ward 3")
    text = "".join(export.csv_lines(disclosure.published_cases(disclosure.Selection())))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4 + 4 + 2  # every invitation: pre 4, post-test 1 4, post-test 2 2
    assert {(row["wave"], row["wave_status"]) for row in rows} >= {("post1", "completed"),
                                                                   ("post2", "sent")}
    first = [row for row in rows if row["pseudonym"] == export.pseudonym(cohort[0].pk)]
    assert {row["wave"] for row in first} == {"pre", "post1", "post2"}
    pre = next(row for row in first if row["wave"] == "pre")
    assert pre["dass21_depression"] == "20.0000" and pre["employment_situation"] == "other"
    assert "employment_situation_other" not in rows[0]
    for case in cohort:
        participant = case.participant
        for secret in (case.reference, participant.last_name, participant.email,
                       participant.niss, str(participant.birth_date), "AZ Sint-Jan"):
            assert secret not in text, secret
    assert export.pseudonym(cohort[0].pk) != export.pseudonym(cohort[1].pk)
    assert len(export.pseudonym(cohort[0].pk)) == 24


# --- Who sees what ------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("role, waves_page, scores_shown, dashboard, export_csv", [
    ("psychologist", 200, True, 200, 404),
    ("admin", 200, False, 404, 404),
    ("researcher", 404, False, 200, 200),
    ("btp", 403, False, 404, 404),
    ("isp", 403, False, 404, 404),
    ("participant", 403, False, 404, 404),
    ("referrer", 403, False, 404, 404),
    ("other_btp", 404, False, 404, 404),
])
def test_evaluation_pages_by_role(client, world, cohort, role, waves_page, scores_shown,
                                  dashboard, export_csv, small_groups_shown):
    case = cohort[0]
    case.isps.add(world.isp)
    client.force_login(world.user(role))
    response = client.get(reverse("evaluation:case_waves", args=[case.reference]))
    assert response.status_code == waves_page
    assert ("20.00" in response.content.decode()) == scores_shown
    assert client.get(reverse("evaluation:outcomes")).status_code == dashboard
    assert client.get(reverse("evaluation:export")).status_code == export_csv
