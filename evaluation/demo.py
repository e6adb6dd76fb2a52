"""Demo evaluation: the questionnaires loaded, and answered survey waves for the completed demo
cases, so the outcome dashboard and the export have data. Answers are drawn at random (with a
fixed seed) and improve after the programme, roughly as the pilot's did."""

import datetime
import random

from django.utils import timezone

from botp.models import Case, CaseState
from evaluation import selectors, survey, waves
from evaluation.campaigns import demo as campaign_demo
from evaluation.loading import load_instruments
from evaluation.monitor import demo as monitor_demo

# How far each wave's answers lean toward the healthy end of each scale (0 = as at pre-test).
IMPROVEMENT = {"pre": 0.0, "post1": 0.35, "post2": 0.45}

# The waves each participant leaves unanswered, by turn. Over the 24 of the demo cohort, the
# groups who answered every wave, all but post-test 2, all but post-test 1, and the pre-test
# only (6, 8, 4 and 6) let the dashboard show every mean and change: had only a few skipped
# post-test 1, the pre-test and post-test 1 means and the change between them would give the
# sum of those few's pre-test scores, and the change would be withheld.
SKIPPED = [(), (), (), ("post2",), ("post2",), ("post2",), ("post2",), ("post1",), ("post1",),
           ("post1", "post2"), ("post1", "post2"), ("post1", "post2")]


def _answer(item, definition, rng, lean, reverse):
    if item["type"] == "number":
        return str(rng.randint(item["min"], min(item["max"], item["min"] + 10)))
    if item["type"] != "choice":
        return ""
    options = next(s["options"] for s in definition["scales"] if s["id"] == item["scale"])
    # Burnout and distress scales: a higher value is worse, except for reverse-keyed items.
    values = [str(option["value"]) for option in options]
    if all(value.lstrip("-").isdigit() for value in values):
        values.sort(key=int)
    if item["id"] in reverse:
        values = values[::-1]
    high = max(0, len(values) - 1 - round(lean * (len(values) - 1)))
    return values[min(len(values) - 1, max(0, int(rng.triangular(0, len(values) - 1, high))))]


def _answer_survey(invitation, rng):
    lean = IMPROVEMENT[invitation.wave]
    for instrument in selectors.instruments(invitation):
        definition = instrument.definition
        reverse = set(definition.get("scoring", {}).get("reverse", []))
        posted = {}
        for item in definition["items"]:
            if item["type"] == "text":
                continue
            posted[item["id"]] = _answer(item, definition, rng, lean, reverse)
        survey.save_page(invitation, instrument=instrument, answers=posted)
    survey.submit(invitation)


def seed(users):
    load_instruments()
    monitor_demo.seed(users)
    campaign_demo.seed(users)
    rng = random.Random(2026)
    cohort = Case.objects.filter(state=CaseState.COMPLETED,
                                 participant__first_name="Cohort").order_by("pk")
    for index, case in enumerate(cohort):
        if case.survey_invitations.filter(completed_at__isnull=False).exists():
            continue
        # Spread the cohort over the past year, so that every wave has come for it; the demo
        # keeps each wave open a month from today so its answers can be given now.
        ended = timezone.now() - datetime.timedelta(days=100 + 5 * index)
        approved = ended - datetime.timedelta(days=200)
        Case.objects.filter(pk=case.pk).update(
            requested_at=approved - datetime.timedelta(days=6), approved_at=approved,
            ended_at=ended)
        case.refresh_from_db()
        case.survey_invitations.all().delete()
        for due in waves.due_waves(case):
            invitation = waves.create_invitation(case, due.schedule.wave, due.due_on,
                                                 timezone.now() + datetime.timedelta(days=30))
            invitation.sent_at = timezone.now()
            invitation.save(update_fields=["sent_at"])
            # Some drop out along the way, as in the pilot.
            if invitation.wave in SKIPPED[index % len(SKIPPED)]:
                continue
            _answer_survey(invitation, rng)
