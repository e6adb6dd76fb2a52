"""The outcome dashboard: per scale, how the cohort scored at each wave, how much it changed,
and how many answered (attrition). Aggregates only: no case is shown, and the filters and
figures on offer follow ``evaluation.disclosure``. The cohorts are drawn from the export's
publication: a filter selects the cases whose *published* values meet it, never their own."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from botp import instruments
from botp.forms import PortalForm
from botp.models import CaseEvent, Programme, Sector, Wave
from evaluation import disclosure, statistics, tallies
from evaluation.forms import text_in
from evaluation.models import Instrument, SurveyInvitation

WAVES = [Wave.PRE, Wave.POST1, Wave.POST2]


min_group = disclosure.min_group


def _periods(offer):
    """The offered years and quarters of admission: no period narrower than a quarter, so a
    cohort cannot be cut down to the people admitted on one day."""
    choices = [("", _("All periods"))]
    for year in sorted(offer.years, reverse=True):
        choices.append((str(year), str(year)))
        choices += [(f"{year}-Q{q}", f"{year} Q{q}")
                    for y, q in sorted(offer.quarters, reverse=True) if y == year]
    return choices


class OutcomeFilters(PortalForm):
    """The dashboard's and the export's filters. Only the values ``disclosure.offer_filters``
    offers can be chosen: another value is an invalid choice, not an empty group."""

    programme = forms.ModelChoiceField(label=_("Programme"), required=False,
                                       queryset=Programme.objects.all(),
                                       empty_label=_("All programmes"))
    sector = forms.ModelChoiceField(label=_("Sector"), required=False,
                                    queryset=Sector.objects.all(), empty_label=_("All sectors"))
    period = forms.ChoiceField(label=_("Admitted in"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.publication = disclosure.Publication(
            dict(_cached("publication", _publication_counts)), min_group())
        self.offer = disclosure.offer_filters(self.publication.dashboard_counts(), min_group())
        self.fields["programme"].queryset = Programme.objects.filter(
            code__in=self.offer.programmes)
        self.fields["sector"].queryset = Sector.objects.filter(code__in=self.offer.sectors)
        self.fields["period"].choices = _periods(self.offer)

    def _data(self):
        return self.cleaned_data if self.is_bound and self.is_valid() else {}

    def dimensions(self):
        """The dimensions this selection filters on."""
        data = self._data()
        return frozenset(name for name in disclosure.DIMENSIONS if data.get(name))

    def selection(self):
        data = self._data()
        return disclosure.Selection(
            programme=data["programme"].code if data.get("programme") else "",
            sector=data["sector"].code if data.get("sector") else "",
            period=data.get("period") or "")


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
    # True when this selection shows none of the scale's means: with another selection's,
    # they would tell the answers of fewer than the minimum apart.
    withheld: bool = False

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


def _shown(summary, allowed=True):
    """A group's summary, or only its size when it is too small or not allowed to show."""
    if allowed and summary.n >= min_group():
        return summary
    return statistics.Summary(summary.n, None, None)


def _shown_change(change, allowed=True):
    if allowed and change.n >= min_group():
        return change
    return statistics.PairedChange(change.n, None, None, None, None)


def _publication_counts():
    """[(cell, admitted cases)]: what ``disclosure.publish`` counts, as a cacheable list."""
    rows = (disclosure.cell_keyed(disclosure.admitted()).order_by()
            .values_list(*disclosure.EXPORT_FIELDS).annotate(n=Count("pk")))
    return [(tuple(row[:-1]), row[-1]) for row in rows]


def _response_rows():
    """[(*cell, wave, invited, completed)] of every admitted case's invitations."""
    rows = (disclosure.cell_keyed(SurveyInvitation.objects.filter(
                case__in=disclosure.admitted()), "case__")
            .order_by().values_list(*disclosure.EXPORT_FIELDS, "wave")
            .annotate(invited=Count("pk", filter=Q(sent_at__isnull=False)),
                      completed=Count("pk", filter=Q(completed_at__isnull=False))))
    return [tuple(row) for row in rows]


GENERATION = "outcomes:generation"


def changed():
    """Something the dashboard counts changed (a wave completed): its shared counts are worked
    out again at the next view."""
    try:
        cache.incr(GENERATION)
    except ValueError:
        cache.add(GENERATION, 1, None)


def _stamp():
    """What changes when the dashboard's counts may have: a transition (an approval, read
    from the primary key index), a new invitation, a wave completed (``changed``); a wave sent
    shows once the counts expire (OUTCOME_CACHE_SECONDS)."""
    return "-".join(str(value) for value in (
        CaseEvent.objects.aggregate(top=Max("pk"))["top"] or 0,
        SurveyInvitation.objects.aggregate(top=Max("pk"))["top"] or 0,
        cache.get(GENERATION, 0)))


def _cached(name, compute):
    """``compute()``, shared by every process for up to OUTCOME_CACHE_SECONDS while nothing of
    the stamp changed: the counts over every admitted case and invitation take a second at
    national scale, the rest of the dashboard a few milliseconds."""
    seconds = settings.OUTCOME_CACHE_SECONDS
    if not seconds:
        return compute()
    key = f"outcomes:{name}:{_stamp()}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return found


def _responses(publication, selection):
    """Invited and completed per wave for the published cases of ``selection``, from one
    aggregate over the invitations by cell."""
    cells = publication.cells(selection)
    invited, completed = defaultdict(int), defaultdict(int)
    for *cell, wave, sent, done in _cached("responses", _response_rows):
        if tuple(cell) in cells:
            invited[wave] += sent
            completed[wave] += done
    return [WaveResponse(wave, Wave(wave).label, invited[wave], completed[wave])
            for wave in WAVES]


def report(filters, language=None):
    """The dashboard for the cohort of ``filters`` (a valid OutcomeFilters)."""
    language = (language or translation.get_language() or "nl")[:2]
    publication, selection = filters.publication, filters.selection()
    size = publication.size(selection)
    if size < min_group():
        return Report(size, [], [], suppressed=True)
    responses = _responses(publication, selection)
    # The sums of the cohort's cells, and which waves the cases of every published cell
    # answered (what may be shown depends on all the groups a user could choose), from the
    # tallies kept as waves complete: a few thousand rows, not every score.
    sums, answered = tallies.tallied(publication.cells(selection), publication.plan)
    scales = []
    for instrument in _latest_scored_instruments():
        definition = instrument.definition
        for subscale in definition["scoring"]["subscales"]:
            key = (instrument.code, subscale["id"])
            low, high = instruments.subscale_range(definition, subscale)
            outcome = ScaleOutcome(
                instrument.code, subscale["id"],
                f"{text_in(definition['name'], language)} — "
                f"{text_in(subscale['name'], language)}",
                float(low), float(high),
            )
            figures, dimensions = disclosure.scale_plan(
                filters.offer, Counter(answered.get(key, {})), min_group())
            outcome.withheld = not filters.dimensions() <= dimensions
            allowed = set() if outcome.withheld else figures
            by_pattern = sums.get(key, {})
            outcome.by_wave = [
                (Wave(wave).label, _shown(_wave_summary(by_pattern, wave),
                                          ("wave", wave) in allowed))
                for wave in WAVES]
            outcome.changes = [
                (label, _shown_change(_change(by_pattern, wave), ("change", wave) in allowed))
                for label, wave in ((_("pre-test → post-test 1"), Wave.POST1),
                                    (_("pre-test → post-test 2"), Wave.POST2))
            ]
            scales.append(outcome)
    return Report(size, responses, scales)


def _added(by_pattern, waves, columns):
    """The sums of ``columns`` (names of tallies.SUMS) over the patterns holding ``waves``."""
    found = [0.0] * len(columns)
    for pattern, sums in by_pattern.items():
        if set(waves) <= tallies.waves_of(pattern):
            for index, column in enumerate(columns):
                found[index] += sums[tallies.SUMS.index(column)]
    return found


def _wave_summary(by_pattern, wave):
    return statistics.summary_of_sums(*_added(by_pattern, [wave],
                                              ["cases", wave, f"{wave}_sq"]))


def _change(by_pattern, wave):
    number = {Wave.POST1: "1", Wave.POST2: "2"}[wave]
    return statistics.paired_change_of_sums(*_added(
        by_pattern, [Wave.PRE, wave], ["cases", f"change{number}", f"change{number}_sq"]))


def _latest_scored_instruments():
    latest = {}
    for instrument in Instrument.objects.order_by("code", "-version"):
        latest.setdefault(instrument.code, instrument)
    return [i for i in latest.values() if i.definition.get("scoring")]


def score_table(scores, language=None):
    """A case's scores as rows {"name", "cells": [score at each wave or None]}, each score with
    its band's label in ``language`` (``band_label``), names in it too."""
    language = (language or translation.get_language() or "nl")[:2]
    rows = {}
    for score in scores:
        key = (score.instrument.code, score.subscale)
        definition = score.instrument.definition
        subscale = next((s for s in definition["scoring"]["subscales"]
                         if s["id"] == score.subscale), {})
        if key not in rows:
            rows[key] = {"name": f"{text_in(definition['name'], language)} — "
                                 f"{text_in(subscale.get('name', {}), language)}",
                         "cells": dict.fromkeys(WAVES)}
        band = next((b for b in subscale.get("bands", {}).get("ranges", [])
                     if b["code"] == score.band), None)
        score.band_label = text_in(band["label"], language) if band else ""
        rows[key]["cells"][score.invitation.wave] = score
    return [{"name": row["name"], "cells": list(row["cells"].values())}
            for row in rows.values()]
