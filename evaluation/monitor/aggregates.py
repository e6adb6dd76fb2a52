"""The monitor's aggregates for wellbeing policy: by organisation and calendar quarter, under
the disclosure rules of the research outputs (evaluation.disclosure).

- A cell (organisation, quarter) is shown only with at least ``min_group()`` different people
  in it; a smaller one is marked as withheld, never with its figures.
- Only quarters that have ended are shown: a cell never changes once shown, so comparing the
  page from one day to the next tells nothing about one new answer.
- One grouping only (organisation x quarter, no free filters), so no two shown groups differ by
  fewer than k people. The researchers' row for the whole federal administration is shown only
  when what it adds to the shown cells (the withheld ones together) holds no people or at
  least k of them: else subtracting would give the withheld cells back.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone

from botp.models import FederalOrganisation
from evaluation.disclosure import min_group
from evaluation.monitor import instrument
from evaluation.monitor.instrument import ATTENTION
from evaluation.monitor.models import MonitorResponse, MonitorScore


def start_of_quarter(day):
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@dataclass
class FactorFigure:
    name: str
    mean: object
    attention: object  # share of measurements where it is a point of attention, in %


@dataclass
class Cell:
    organisation: str
    period: str
    people: int
    measurements: int = 0
    shown: bool = False
    figures: list = field(default_factory=list)

    @property
    def title(self):
        if not self.organisation:
            return self.period
        return f"{FederalOrganisation(self.organisation).label} — {self.period}"


def _cutoff(now):
    today = timezone.localdate(now)
    return timezone.make_aware(datetime.datetime.combine(start_of_quarter(today),
                                                         datetime.time.min))


def report(organisations, *, with_total=False, language="en", now=None):
    """Cells for ``organisations`` (policy.monitor_organisations) over the ended quarters,
    newest first; the total row per quarter when ``with_total``."""
    k = min_group()
    responses = MonitorResponse.objects.filter(
        completed_at__isnull=False, completed_at__lt=_cutoff(now or timezone.now()))
    periods = responses.annotate(year=ExtractYear("completed_at"),
                                 quarter=ExtractQuarter("completed_at"))
    counts = (periods.values("organisation", "year", "quarter")
              .annotate(people=Count("person", distinct=True), measurements=Count("pk")))
    definition = instrument.read()[0]
    names = {s["id"]: instrument.text(s["name"], language)
             for s in definition["scoring"]["subscales"]}
    overall = definition["feedback"]["overall"]["subscale"]
    scores = (MonitorScore.objects.filter(response__in=responses)
              .annotate(year=ExtractYear("response__completed_at"),
                        quarter=ExtractQuarter("response__completed_at"))
              .values("response__organisation", "year", "quarter", "subscale")
              .annotate(mean=Avg("value"), n=Count("pk"),
                        attention=Count("pk", filter=Q(verdict=ATTENTION))))
    by_cell = defaultdict(dict)
    for row in scores:
        by_cell[(row["response__organisation"], row["year"], row["quarter"])][row["subscale"]] = row

    cells = []
    for row in counts:
        key = (row["organisation"], row["year"], row["quarter"])
        period = f"{row['year']}-Q{row['quarter']}"
        cell = Cell(row["organisation"], period, row["people"], row["measurements"])
        if row["organisation"] in organisations and row["people"] >= k:
            cell.shown = True
            cell.figures = _figures(by_cell[key], names, overall)
        if row["organisation"] in organisations:
            cells.append(cell)
    cells.sort(key=lambda c: c.title)
    cells.sort(key=lambda c: c.period, reverse=True)

    total_rows = []
    if with_total:
        for (year, quarter), row in _totals(periods).items():
            shown_people = sum(c.people for c in cells
                               if c.shown and c.period == f"{year}-Q{quarter}")
            rest = row["people"] - shown_people
            total = Cell("", f"{year}-Q{quarter}", row["people"], row["measurements"])
            if row["people"] >= k and (rest == 0 or rest >= k):
                total.shown = True
                total.figures = _figures(_total_scores(responses, year, quarter), names, overall)
            total_rows.append(total)
        total_rows.sort(key=lambda c: c.period, reverse=True)
    return cells, total_rows


def _totals(periods):
    rows = (periods.values("year", "quarter")
            .annotate(people=Count("person", distinct=True), measurements=Count("pk")))
    return {(r["year"], r["quarter"]): r for r in rows}


def _total_scores(responses, year, quarter):
    rows = (MonitorScore.objects.filter(response__in=responses)
            .annotate(year=ExtractYear("response__completed_at"),
                      quarter=ExtractQuarter("response__completed_at"))
            .filter(year=year, quarter=quarter).values("subscale")
            .annotate(mean=Avg("value"), n=Count("pk"),
                      attention=Count("pk", filter=Q(verdict=ATTENTION))))
    return {r["subscale"]: r for r in rows}


def _figures(rows, names, overall):
    figures = []
    for subscale, name in names.items():
        row = rows.get(subscale)
        if row is None:
            continue
        # The overall result has levels, not points of attention.
        share = (round(100 * row["attention"] / row["n"])
                 if row["n"] and subscale != overall else None)
        figures.append(FactorFigure(name, round(row["mean"], 2), share))
    return figures
