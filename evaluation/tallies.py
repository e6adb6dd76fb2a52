"""The outcome dashboard's sums, kept up to date as waves complete.

Read at every view, the dashboard would load every score (millions at national scale) to add
them up. Instead each case's scores are added once, when a wave is completed, to the tally of
its cell (evaluation.disclosure's quasi-identifiers: programme, sector, month of admission),
scale and the waves it answered; the dashboard adds up a few thousand tallies. Sums and sums of
squares are enough for every figure it shows (means, SDs, paired changes with their
confidence intervals) and they add up across cells, so any selection of cells is served.

A case's own contribution is kept too (CaseOutcome), so that bringing a case up to date takes
exactly its old contribution back out: refreshing a case any number of times counts it once.
"""

from collections import defaultdict

from django.db import connection, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from botp.models import Case
from evaluation import disclosure
from evaluation.models import CaseOutcome, OutcomeTally, Score

CELL = ("programme", "sector", "year", "month")
SCALE = ("instrument", "subscale")
SUMS = ("cases", "pre", "pre_sq", "post1", "post1_sq", "post2", "post2_sq",
        "change1", "change1_sq", "change2", "change2_sq")
BITS = {"pre": 1, "post1": 2, "post2": 4}


def waves_of(pattern):
    return frozenset(wave for wave, bit in BITS.items() if pattern & bit)


def _sums(pre, post1, post2):
    """What one case adds: 1 case, each score and its square, each change and its square."""
    def pair(value):
        return (value or 0.0, (value or 0.0) ** 2)

    change1 = post1 - pre if pre is not None and post1 is not None else None
    change2 = post2 - pre if pre is not None and post2 is not None else None
    return (1, *pair(pre), *pair(post1), *pair(post2), *pair(change1), *pair(change2))


def _pattern(outcome):
    return sum(bit for wave, bit in BITS.items() if getattr(outcome, wave) is not None)


def _key(outcome):
    return (*[getattr(outcome, name) for name in CELL + SCALE], _pattern(outcome))


def _cells(case_ids):
    """{case id: (programme, sector, year, month)} of the admitted cases among ``case_ids``."""
    rows = (disclosure.cell_keyed(disclosure.admitted().filter(pk__in=case_ids))
            .values_list("pk", *disclosure.EXPORT_FIELDS))
    return {case_id: tuple(cell) for case_id, *cell in rows}


def _outcomes(case_ids):
    """The CaseOutcome rows ``case_ids`` have now, from their completed waves' scores."""
    cells = _cells(case_ids)
    found = {}
    scores = (Score.objects.filter(invitation__case_id__in=list(cells), value__isnull=False,
                                   invitation__completed_at__isnull=False)
              .values_list("invitation__case_id", "instrument__code", "subscale",
                           "invitation__wave", "value"))
    for case_id, code, subscale, wave, value in scores:
        outcome = found.get((case_id, code, subscale))
        if outcome is None:
            programme, sector, year, month = cells[case_id]
            outcome = found[(case_id, code, subscale)] = CaseOutcome(
                case_id=case_id, instrument=code, subscale=subscale, programme=programme,
                sector=sector, year=year, month=month)
        if wave in BITS:
            setattr(outcome, wave, float(value))
    return list(found.values())


def _add(totals, outcomes, sign):
    for outcome in outcomes:
        if not _pattern(outcome):
            continue
        row = totals[_key(outcome)]
        for index, value in enumerate(_sums(outcome.pre, outcome.post1, outcome.post2)):
            row[index] += sign * value


def _write(totals):
    """Add ``totals`` ({key: sums}) to the tallies, in one statement."""
    table = OutcomeTally._meta.db_table
    columns = CELL + SCALE + ("pattern",) + SUMS
    unique = CELL + SCALE + ("pattern",)
    changes = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in SUMS)
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - our own names
           f"VALUES ({', '.join(['%s'] * len(columns))}) "
           f"ON CONFLICT ({', '.join(unique)}) DO UPDATE SET {changes}")
    rows = [(*key, *sums) for key, sums in totals.items() if any(sums)]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def refresh(case_ids):
    """Bring the tallies of ``case_ids`` up to date with their scores (a fixed number of
    queries, however many cases)."""
    case_ids = sorted(set(case_ids))
    if not case_ids:
        return
    with transaction.atomic():
        # Two waves of one case completed at the same moment take turns here.
        list(Case.objects.select_for_update().filter(pk__in=case_ids).values_list("pk"))
        before = list(CaseOutcome.objects.filter(case_id__in=case_ids))
        after = _outcomes(case_ids)
        totals = defaultdict(lambda: [0.0] * len(SUMS))
        _add(totals, before, -1)
        _add(totals, after, +1)
        _write(totals)
        CaseOutcome.objects.filter(case_id__in=case_ids).delete()
        CaseOutcome.objects.bulk_create(after)
    from evaluation import outcomes  # it reads the tallies: imported when used

    outcomes.changed()


def rebuild(chunk=2000, log=None):
    """Every tally again from the scores (after a bulk load, or to check them)."""
    with transaction.atomic():
        CaseOutcome.objects.all().delete()
        OutcomeTally.objects.all().delete()
        totals = defaultdict(lambda: [0.0] * len(SUMS))
        ids = list(disclosure.admitted().order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), chunk):
            outcomes = _outcomes(ids[start:start + chunk])
            CaseOutcome.objects.bulk_create(outcomes, batch_size=5000)
            _add(totals, outcomes, +1)
            if log and start and start % (chunk * 10) == 0:
                log(f"{start} cases tallied")
        _write(totals)
    from evaluation import outcomes

    outcomes.changed()


@receiver(post_save, sender=Score, dispatch_uid="evaluation-tally-score")
def _score_saved(sender, instance, **kwargs):
    """A score saved on its own (the survey's submission refreshes its case once itself)."""
    refresh([instance.invitation.case_id])


def tallied(selection_cells, plan):
    """The dashboard's sums: {(instrument, subscale): {pattern: [sums]}} over the cells of
    ``selection_cells``, and {(instrument, subscale): Counter((key, waves): cases)} over every
    published cell of ``plan`` ({cell: Published})."""
    sums = defaultdict(lambda: defaultdict(lambda: [0.0] * len(SUMS)))
    patterns = defaultdict(lambda: defaultdict(int))
    rows = (OutcomeTally.objects.filter(cases__gt=0)
            .values_list(*CELL, *SCALE, "pattern", *SUMS))
    for row in rows:
        cell, scale, pattern, values = (tuple(row[:4]), tuple(row[4:6]), row[6], row[7:])
        shown = plan.get(cell)
        if shown is None:
            continue
        patterns[scale][(shown.key, waves_of(pattern))] += values[0]
        if cell in selection_cells:
            total = sums[scale][pattern]
            for index, value in enumerate(values):
                total[index] += value
    return sums, patterns



def rebuilt_after_load(sender, log=None, **kwargs):
    """The benchmark's bulk copies bring scores without a submission: tally them all."""
    rebuild(log=log)
