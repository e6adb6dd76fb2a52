"""Statistical disclosure control for the research outputs (DESIGN.md section 3).

The pseudonymised export and the outcome dashboard keep one rule: nobody is in a published
group of fewer than ``settings.BOTP_MIN_GROUP_SIZE`` (k) participants, also when one output is
set beside another or one figure is subtracted from another.

One publication (``publish``): a case's quasi-identifiers are what someone who knows the
participant could know as well: its programme, its sector, and when it was admitted. They are
generalised cell by cell (month, then quarter, then year of admission; then no sector; then no
date; then no programme) until every combination shown holds at least k participants; cases
still in a smaller group are left out (``generalise``). This is worked out once over all
admitted cases, and both outputs are drawn from it: the export's rows carry the published
values, and the dashboard's filters select on the same published values over the same
published cases. A filtered export, and every group and figure of the dashboard, is then a
function of the full export's rows: set side by side or subtracted from one another, the two
outputs tell nothing the export alone does not. A participant whose sector the export blanks
is in no sector's group on the dashboard either; one the export leaves out is in neither.

The dashboard (``offer_filters`` and ``scale_plan``): see their docstrings. Every group a filter
can select is a union of parts holding 0 or at least k participants, and a scale's figures are
shown only where no sum or difference of the figures shown for any selections depends on the
answers of fewer than k participants. The dashboard's users need not hold the export, so these
checks stand on their own.
"""

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache

from django.conf import settings
from django.db.models import Count, F, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone

from botp.models import Case, Wave

WAVES = [Wave.PRE, Wave.POST1, Wave.POST2]

# Survey answers that repeat a quasi-identifier, so the export leaves them out: the sector a
# participant says they work in would give back the sector the export blanked for them.
QUASI_IDENTIFYING_ITEMS = {("employment", "sector")}


def min_group():
    """The smallest group whose aggregates are shown or exported: below it, one answer could be
    told apart."""
    return settings.BOTP_MIN_GROUP_SIZE


def admitted():
    """The cases the research outputs are about: those admitted to a programme."""
    return Case.objects.filter(approved_at__isnull=False)


# --- The export -------------------------------------------------------------------------------

# How a case's quasi-identifiers are published, from the most detailed to none at all:
# (precision of the admission date, sector shown, programme shown). The date gives way first, as
# the analyses split by programme and sector more than by month.
LEVELS = (
    ("month", True, True),
    ("quarter", True, True),
    ("year", True, True),
    ("year", False, True),
    ("", False, True),
    ("", False, False),
)

EXPORT_FIELDS = ("qi_programme", "qi_sector", "qi_year", "qi_month")

# The sector of a case whose screening request named none of the programme's sectors.
OTHER_SECTOR = "other"


def period_of(year, month, precision):
    if precision == "month":
        return f"{year}-{month:02d}"
    if precision == "quarter":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    if precision == "year":
        return str(year)
    return ""


@dataclass(frozen=True)
class Published:
    """A case's quasi-identifiers as the export shows them; blank where suppressed."""

    programme: str
    sector: str
    period: str  # of admission: "2026-02", "2026-Q1", "2026" or ""
    precision: str  # "month", "quarter", "year" or ""

    def date(self, moment):
        """A survey date of this case at the precision of its admission date: a pre-test sent in
        the month of admission would otherwise give that month back."""
        if moment is None:
            return ""
        local = timezone.localtime(moment)
        return period_of(local.year, local.month, self.precision)

    def year_and_quarter(self):
        year, _sep, rest = self.period.partition("-")
        if self.precision == "month":
            return year, str((int(rest) - 1) // 3 + 1)
        if self.precision == "quarter":
            return year, rest.removeprefix("Q")
        return year, ""

    @cached_property
    def key(self):
        """The dashboard's key of these values (see ``Offer``): (programme code, sector code,
        year, quarter), None where the export shows nothing. A sector outside the programme's
        list is none a filter can choose."""
        year, quarter = self.year_and_quarter()
        return (self.programme or None,
                self.sector if self.sector not in ("", OTHER_SECTOR) else None,
                int(year) if year else None, int(quarter) if quarter else None)


def _publish(cell, level):
    programme, sector, year, month = cell
    precision, with_sector, with_programme = level
    return Published(programme if with_programme else "", sector if with_sector else "",
                     period_of(year, month, precision), precision)


def generalise(cells, k):
    """{cell: Published} for ``cells`` ({(programme, sector, year, month): participants}).

    A cell is published at the first level of LEVELS at which it, together with the other
    cells not yet published that look the same at that level, holds at least ``k``
    participants. The cells left over after the last level are missing from the result: their
    cases are left out of the export. Blanking their values instead would still leave a group
    of fewer than k, whose members are known to be exactly those found in no other group.
    """
    plan, pending = {}, list(cells)
    for level in LEVELS:
        groups = defaultdict(list)
        for cell in pending:
            groups[_publish(cell, level)].append(cell)
        pending = []
        for published, members in groups.items():
            if sum(cells[cell] for cell in members) >= k:
                plan.update(dict.fromkeys(members, published))
            else:
                pending += members
    return plan


def cell_keyed(queryset, path=""):
    """``queryset`` annotated with EXPORT_FIELDS, the cell of the case reached by ``path``
    ("case__" from a survey invitation)."""
    return queryset.annotate(
        qi_programme=F(f"{path}programme__code"),
        qi_sector=Coalesce(f"{path}screening_request__sector__code", Value(OTHER_SECTOR)),
        qi_year=ExtractYear(f"{path}approved_at"),
        qi_month=ExtractMonth(f"{path}approved_at"),
    )


class Publication:
    """The one published population of the research outputs: which admitted cases the export
    and the dashboard show, and with which quasi-identifier values (``Published``). Worked out
    from one aggregate over the cases; both outputs of a request draw on the same one."""

    def __init__(self, counts, k):
        self.counts = counts  # {cell: participants}
        self.plan = generalise(counts, k)  # {cell: Published}, the cells published

    def size(self, selection):
        """How many published cases ``selection`` holds."""
        return sum(self.counts[cell] for cell in self.cells(selection))

    def cells(self, selection):
        """The published cells whose cases ``selection`` holds."""
        return {cell for cell, shown in self.plan.items() if selection.admits(shown)}

    def dashboard_counts(self):
        """{key: published cases} for ``offer_filters``, a key being ``Published.key``."""
        found = Counter()
        for cell, shown in self.plan.items():
            found[shown.key] += self.counts[cell]
        return dict(found)

    def cases(self):
        """{case id: Published} of the published cases, in case order."""
        rows = cell_keyed(admitted()).order_by("pk").values_list("pk", *EXPORT_FIELDS)
        found = {}
        for case_id, *cell in rows.iterator(chunk_size=2000):
            shown = self.plan.get(tuple(cell))
            if shown is not None:
                found[case_id] = shown
        return found


def publish():
    """The publication of the admitted cases as they stand."""
    counts = (cell_keyed(admitted()).order_by().values_list(*EXPORT_FIELDS)
              .annotate(n=Count("pk")))
    return Publication({tuple(row[:-1]): row[-1] for row in counts}, min_group())


@dataclass(frozen=True)
class Selection:
    """The dashboard's filters by code: programme and sector codes, period "2026" or
    "2026-Q1"; empty for no filter."""

    programme: str = ""
    sector: str = ""
    period: str = ""

    def admits(self, published):
        """Whether ``published`` shows that its case is in this selection. A case whose values
        leave it open (no sector under a sector filter, a year under a quarter filter) is not:
        putting it in would tell what the full export keeps back."""
        if self.programme and published.programme != self.programme:
            return False
        if self.sector and published.sector != self.sector:
            return False
        if self.period:
            year, _sep, quarter = self.period.partition("-Q")
            shown_year, shown_quarter = published.year_and_quarter()
            if shown_year != year or (quarter and shown_quarter != quarter):
                return False
        return True


def published_cases(selection, publication=None):
    """[(case id, Published)] of the cases an export of ``selection`` holds, in case order."""
    publication = publication or publish()
    return [(case_id, shown) for case_id, shown in publication.cases().items()
            if selection.admits(shown)]


# --- The dashboard: which filters it answers --------------------------------------------------

DIMENSIONS = ("programme", "sector", "period")


class _Rest:
    """The part of a dimension no offered filter value covers."""

    def __repr__(self):
        return "REST"


REST = _Rest()


@dataclass(frozen=True)
class Offer:
    """The filter values the dashboard answers: programme and sector codes, years, and
    (year, quarter) pairs within the offered years."""

    programmes: frozenset = frozenset()
    sectors: frozenset = frozenset()
    years: frozenset = frozenset()
    quarters: frozenset = frozenset()

    def part(self, key, dimensions=DIMENSIONS):
        """The part of the offered partition that the cases of ``key`` fall in, over
        ``dimensions``: every filter a user can choose selects a union of such parts."""
        programme, sector, year, quarter = key
        found = []
        if "programme" in dimensions:
            found.append(programme if programme in self.programmes else REST)
        if "sector" in dimensions:
            found.append(sector if sector in self.sectors else REST)
        if "period" in dimensions:
            if year not in self.years:
                found.append(REST)
            else:
                found.append((year, quarter) if (year, quarter) in self.quarters
                             else (year, REST))
        return tuple(found)


def offer_filters(counts, k):
    """The filter values the dashboard offers for ``counts`` ({key: cases}, see
    ``Publication.dashboard_counts``): restricted filters rather than suppressed answers.

    The offered values of each dimension, plus "the rest" of it, split the published cases into
    parts (programme x sector x period). Values are offered only while every part holds 0 or at
    least ``k`` cases. Every group a combination of filters selects, and every difference
    between two such groups (all programmes minus BOTP, a year minus one of its quarters), is
    then a union of such parts: no subtraction gets below k.

    Starting from the values with at least k cases, values are withdrawn until no part is too
    small: first each dimension on its own, then their combinations. For a part that is too
    small, a withdrawal that merges it into a large enough part is preferred; among those, the
    least telling value (a quarter before a year, a sector, a programme; then the smallest).

    Keyed by published values, as the dashboard is, every part is a union of published groups
    of at least k each, so nothing is withdrawn; the check stays so that the rule does not
    rest on how the keys are made.
    """
    size = Counter()
    for (programme, sector, year, quarter), n in counts.items():
        size["programme", programme] += n
        size["sector", sector] += n
        size["year", year] += n
        size["quarter", (year, quarter)] += n
    offered = {value for value, n in size.items() if n >= k and _choosable(value)}
    for dimensions in [(dimension,) for dimension in DIMENSIONS] + [DIMENSIONS]:
        offered = _settle(counts, offered, dimensions, size, k)
    return _offer(offered)


def _choosable(value):
    """Whether a filter could select ``value``: not a value the export leaves blank."""
    dimension, shown = value
    return shown is not None and not (dimension == "quarter" and None in shown)


# Which offered value to withdraw first when several would do: the least telling.
_WITHDRAWAL_ORDER = {"quarter": 0, "year": 1, "sector": 2, "programme": 3}


def _offer(offered):
    return Offer(
        frozenset(v for d, v in offered if d == "programme"),
        frozenset(v for d, v in offered if d == "sector"),
        frozenset(v for d, v in offered if d == "year"),
        frozenset(v for d, v in offered if d == "quarter" and ("year", v[0]) in offered),
    )


def _withdraw(offered, value):
    if value[0] == "year":
        return {v for v in offered if v != value and not (v[0] == "quarter"
                                                          and v[1][0] == value[1])}
    return offered - {value}


def _parts(counts, offered, dimensions):
    offer = _offer(offered)
    found = Counter()
    for key, n in counts.items():
        found[offer.part(key, dimensions)] += n
    return found


def _settle(counts, offered, dimensions, size, k):
    """``offered`` less the values to withdraw until every part over ``dimensions`` holds 0
    or at least ``k`` cases."""
    while True:
        parts = _parts(counts, offered, dimensions)
        small = sorted((n, repr(part), part) for part, n in parts.items() if n < k)
        if not small:
            return offered
        part = small[0][2]
        mending = _mending(_offer(offered), dict(zip(dimensions, part, strict=True)))
        if not mending:
            return offered  # only the whole cohort is left, and it is itself too small
        members = [key for key in counts if _offer(offered).part(key, dimensions) == part]

        def rank(value, offered=offered, members=members):
            trial = _withdraw(offered, value)
            merged = {_offer(trial).part(key, dimensions) for key in members}
            mends = sum(n for p, n in _parts(counts, trial, dimensions).items()
                        if p in merged) >= k
            return not mends, _WITHDRAWAL_ORDER[value[0]], size[value], repr(value)

        offered = _withdraw(offered, min(mending, key=rank))


def _mending(offer, part):
    """The offered values whose withdrawal would merge ``part`` ({dimension: its part}) with
    another part."""
    found = []
    for dimension, offered in (("programme", offer.programmes), ("sector", offer.sectors)):
        if dimension in part:
            value = part[dimension]
            found += [(dimension, v) for v in offered] if value is REST else [(dimension, value)]
    period = part.get("period")
    if period is None:
        return found
    if period is REST:
        found += [("year", year) for year in offer.years]
    elif period[1] is REST:
        quarters = [("quarter", q) for q in offer.quarters if q[0] == period[0]]
        found += quarters or [("year", period[0])]
    else:
        found.append(("quarter", period))
    return found


# --- The dashboard: which figures of a scale it shows -----------------------------------------

# The figures shown for a scale: the mean (and SD) at each wave, and the mean change from the
# pre-test to each later wave.
FIGURES = (("wave", Wave.PRE), ("wave", Wave.POST1), ("wave", Wave.POST2),
           ("change", Wave.POST1), ("change", Wave.POST2))

# The breakdowns a scale may be shown under, the finest first.
BREAKDOWNS = [dims for size in (3, 2, 1, 0)
              for dims in itertools.combinations(DIMENSIONS, size)]


def answer_patterns(answered, keys):
    """{(key, waves answered): cases} of one scale, from ``answered`` ({case id: the waves it
    has a score at}, published cases only) and ``keys`` ({case id: ``Published.key``})."""
    return Counter((keys[case], frozenset(waves)) for case, waves in answered.items() if waves)


def scale_plan(offer, patterns, k):
    """(figures, dimensions): which FIGURES of a scale the dashboard shows, and under which
    filters (a selection filtering on a dimension outside ``dimensions`` shows none of them).

    Each figure is a sum over its respondents (n x mean; the SD and the change's confidence
    interval add sums of squares). A set of figures is safe for a group of cases when no sum or
    difference of them depends on the answers of fewer than ``k`` participants: "pre-test mean
    x n, minus post-test 2 mean x n, plus the change to post-test 2 x n" is the pre-test score
    of whoever answered the pre-test but not post-test 2, when everyone who answered post-test 2
    answered the pre-test too. The wave means of at least k answers (or none) are kept, with as
    many changes as stay safe for all cases; then the finest breakdown under which they are safe
    in every part of ``offer`` is chosen, so that no subtraction between selections gets below k
    either. The check is exact: see ``_least_touched``.
    """
    total = Counter()
    for (_key, pattern), n in patterns.items():
        total[pattern] += n
    waves = tuple(f for f in FIGURES[:3] if _safe(total, (f,), k))
    for changes in (FIGURES[3:], FIGURES[3:4], FIGURES[4:], ()):
        if _safe(total, waves + changes, k):
            figures = waves + changes
            break
    for dimensions in BREAKDOWNS:
        parts = defaultdict(Counter)
        for (key, pattern), n in patterns.items():
            parts[offer.part(key, dimensions)][pattern] += n
        if all(_safe(part, figures, k) for part in parts.values()):
            return frozenset(figures), frozenset(dimensions)
    return frozenset(figures), frozenset()  # not reached: the last breakdown is the whole cohort


def _safe(patterns, figures, k):
    """Whether ``figures`` over the people of ``patterns`` ({waves answered: people}) reveal
    nothing about fewer than ``k`` of them."""
    present = frozenset(pattern for pattern, n in patterns.items() if n)
    return all(sum(patterns[pattern] for pattern in touched) >= k
               for touched in _least_touched(present, tuple(sorted(figures))))


@lru_cache(maxsize=4096)
def _least_touched(patterns, figures):
    """The smallest sets of answer patterns that some sum or difference of ``figures`` depends
    on, over people with ``patterns``: the groups whose answers the figures can isolate.

    The unknowns are the per-pattern sums of each wave's scores; a figure is a row of +1 and -1
    over them. Some combination of the rows depends on the patterns of T only exactly when
    dropping the columns of T lowers the rank.
    """
    patterns = sorted(patterns, key=sorted)
    columns = [(pattern, wave) for pattern in patterns for wave in sorted(pattern)]
    rows = []
    for kind, wave in figures:
        if kind == "wave":
            rows.append([1.0 if w == wave else 0.0 for _p, w in columns])
        else:
            rows.append([(1.0 if w == wave else -1.0 if w == Wave.PRE else 0.0)
                         if {Wave.PRE, wave} <= p else 0.0 for p, w in columns])
    full = _rank(rows)
    found = []
    for size in range(1, len(patterns) + 1):
        for touched in itertools.combinations(patterns, size):
            if any(set(smaller) <= set(touched) for smaller in found):
                continue
            kept = [i for i, (p, _w) in enumerate(columns) if p not in touched]
            if _rank([[row[i] for i in kept] for row in rows]) < full:
                found.append(touched)
    return found


def _rank(rows):
    rows = [list(row) for row in rows if any(row)]
    rank = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((i for i in range(rank, len(rows)) if abs(rows[i][column]) > 1e-9), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and abs(rows[i][column]) > 1e-9:
                factor = rows[i][column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank
