"""The outcome dashboard: per scale, how the cohort scored at each wave, how much it changed,
and how many answered (attrition). Aggregates only: no case is shown."""

from collections import defaultdict
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from botp.forms import PortalForm
from botp.models import Case, Programme, Sector, Wave
from evaluation import definitions, statistics
from evaluation.forms import text_in
from evaluation.models import Instrument, Score, SurveyInvitation

WAVES = [Wave.PRE, Wave.POST1, Wave.POST2]


def min_group():
    """The smallest group whose aggregates are shown or exported: below it, one answer could be
    told apart."""
    return settings.BOTP_MIN_GROUP_SIZE


def _periods():
    """Whole years and quarters of admission: no period narrower than a quarter, so a cohort
    cannot be cut down to the people admitted on one day."""
    first = Case.objects.filter(approved_at__isnull=False).order_by("approved_at").first()
    start = timezone.localdate(first.approved_at).year if first else timezone.localdate().year
    choices = [("", _("All periods"))]
    for year in range(timezone.localdate().year, start - 1, -1):
        choices.append((str(year), str(year)))
        choices += [(f"{year}-Q{q}", f"{year} Q{q}") for q in (4, 3, 2, 1)]
    return choices


class OutcomeFilters(PortalForm):
    programme = forms.ModelChoiceField(label=_("Programme"), required=False,
                                       queryset=Programme.objects.all(),
                                       empty_label=_("All programmes"))
    sector = forms.ModelChoiceField(label=_("Sector"), required=False,
                                    queryset=Sector.objects.all(), empty_label=_("All sectors"))
    period = forms.ChoiceField(label=_("Admitted in"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = _periods()

    def cohort(self):
        """The cases admitted to the programme that match the filters."""
        cases = Case.objects.filter(approved_at__isnull=False)
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("programme"):
            cases = cases.filter(programme=data["programme"])
        if data.get("sector"):
            cases = cases.filter(screening_request__sector=data["sector"])
        if data.get("period"):
            year, _sep, quarter = data["period"].partition("-Q")
            cases = cases.filter(approved_at__year=int(year))
            if quarter:
                first_month = 3 * (int(quarter) - 1) + 1
                cases = cases.filter(approved_at__month__gte=first_month,
                                     approved_at__month__lt=first_month + 3)
        return cases


@dataclass
class WaveResponse:
    wave: str
    label: str
    invited: int
    completed: int

    @property
    def rate(self):
        return self.completed / self.invited if self.invited else None


@dataclass
class ScaleOutcome:
    instrument: str
    subscale: str
    name: str
    low: float
    high: float
    by_wave: list = field(default_factory=list)  # [(wave label, Summary)]
    changes: list = field(default_factory=list)  # [(label, PairedChange)]

    def bars(self, height=100, width=70, gap=25, baseline=110):
        """One bar a wave for an SVG chart: the mean's place between the scale's lowest and
        highest score."""
        found = []
        for index, (label, summary) in enumerate(self.by_wave):
            share = 0.0
            if summary.mean is not None and self.high > self.low:
                share = (summary.mean - self.low) / (self.high - self.low)
            bar_height = round(height * share, 1)
            x = gap + index * (width + gap)
            found.append({"x": x, "middle": x + width / 2, "y": baseline - bar_height,
                          "height": bar_height, "width": width, "label": label,
                          "mean": summary.mean})
        return found


@dataclass
class Report:
    cohort_size: int
    responses: list
    scales: list
    # True when the cohort is too small to show anything about it.
    suppressed: bool = False


def _shown(summary):
    """A group's summary, or only its size when it is too small to show."""
    return summary if summary.n >= min_group() else statistics.Summary(summary.n, None, None)


def _shown_change(change):
    if change.n >= min_group():
        return change
    return statistics.PairedChange(change.n, None, None, None, None)


def report(cohort, language=None):
    language = (language or translation.get_language() or "nl")[:2]
    size = cohort.count()
    if size < min_group():
        return Report(size, [], [], suppressed=True)
    invitations = SurveyInvitation.objects.filter(case__in=cohort)
    responses = [
        WaveResponse(wave, Wave(wave).label,
                     invitations.filter(wave=wave, sent_at__isnull=False).count(),
                     invitations.filter(wave=wave, completed_at__isnull=False).count())
        for wave in WAVES
    ]
    # {(instrument code, subscale): {wave: {case: value}}}
    values = defaultdict(lambda: defaultdict(dict))
    scores = (Score.objects.filter(invitation__case__in=cohort, value__isnull=False,
                                   invitation__completed_at__isnull=False)
              .values_list("instrument__code", "subscale", "invitation__wave",
                           "invitation__case_id", "value"))
    for code, subscale, wave, case_id, value in scores.iterator(chunk_size=2000):
        values[(code, subscale)][wave][case_id] = value
    scales = []
    for instrument in _latest_scored_instruments():
        definition = instrument.definition
        for subscale in definition["scoring"]["subscales"]:
            key = (instrument.code, subscale["id"])
            low, high = definitions.subscale_range(definition, subscale)
            outcome = ScaleOutcome(
                instrument.code, subscale["id"],
                f"{text_in(definition['name'], language)} — "
                f"{text_in(subscale['name'], language)}",
                float(low), float(high),
            )
            by_wave = values.get(key, {})
            outcome.by_wave = [
                (Wave(wave).label, _shown(statistics.summary(by_wave.get(wave, {}).values())))
                for wave in WAVES]
            before = by_wave.get(Wave.PRE, {})
            outcome.changes = [
                (_("pre-test → post-test 1"), _shown_change(
                    statistics.paired_change(before, by_wave.get(Wave.POST1, {})))),
                (_("pre-test → post-test 2"), _shown_change(
                    statistics.paired_change(before, by_wave.get(Wave.POST2, {})))),
            ]
            scales.append(outcome)
    return Report(size, responses, scales)


def _latest_scored_instruments():
    latest = {}
    for instrument in Instrument.objects.order_by("code", "-version"):
        latest.setdefault(instrument.code, instrument)
    return [i for i in latest.values() if i.definition.get("scoring")]


def score_table(scores, language=None):
    """A case's scores as rows {"name", "cells": [score at each wave or None]}."""
    language = (language or translation.get_language() or "nl")[:2]
    rows = {}
    for score in scores:
        key = (score.instrument.code, score.subscale)
        if key not in rows:
            names = {s["id"]: s["name"] for s in score.instrument.definition["scoring"]
                     ["subscales"]}
            rows[key] = {"name": f"{score.instrument.name} — "
                                 f"{text_in(names.get(score.subscale, {}), language)}",
                         "cells": dict.fromkeys(WAVES)}
        rows[key]["cells"][score.invitation.wave] = score
    return [{"name": row["name"], "cells": list(row["cells"].values())}
            for row in rows.values()]
