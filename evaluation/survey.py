"""Answering a survey through its link: one instrument a page (a long one in parts), answers
saved as the participant goes, and on submission the answers become final and are scored.

The link is the only key: it opens this survey and nothing else, and a wrong, closed or used
link says so without revealing whose it was.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from botp import text
from botp.links import LinkProblem  # codes here: invalid, expired or completed
from evaluation import scoring, selectors, tallies
from evaluation.models import Answer, Instrument, Score, SurveyInvitation

MAX_TEXT = 2000
NUMBER = re.compile(r"-?[0-9]{1,9}([.,][0-9]{1,9})?")
# More questions than this on a phone is a page people give up on: an instrument this long is
# asked in parts of about equal length.
MAX_PAGE_ITEMS = 12


@dataclass(frozen=True)
class Page:
    number: int  # from 1
    instrument: Instrument
    items: tuple  # the instrument's item definitions asked on this page
    part: int
    parts: int
    start: int = 1  # the instrument's number of this page's first question

    @property
    def item_ids(self):
        return {item["id"] for item in self.items}


def _parts(items):
    """``items`` cut into parts of at most MAX_PAGE_ITEMS, of about equal length, never between
    a question and one it shows or hides (``show_if`` looks at its own page)."""
    count = math.ceil(len(items) / MAX_PAGE_ITEMS)
    size = math.ceil(len(items) / count)
    parts, current = [], []
    for item in items:
        if len(current) >= size and not item.get("show_if"):
            parts.append(current)
            current = []
        current.append(item)
    parts.append(current)
    return parts


def pages(invitation: SurveyInvitation) -> list[Page]:
    """The survey's pages, in order."""
    found = []
    for instrument in selectors.instruments(invitation):
        parts = _parts(instrument.definition["items"])
        start = 1
        for part, items in enumerate(parts, start=1):
            found.append(Page(len(found) + 1, instrument, tuple(items), part, len(parts), start))
            start += len(items)
    return found


def open_link(token: str) -> SurveyInvitation:
    """The invitation behind ``token`` if it can still be answered, its first opening recorded
    (the drop-out figures count who opened the survey)."""
    invitation = selectors.invitation_for(token)
    if invitation.opened_at is None:
        SurveyInvitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
            opened_at=timezone.now())
    return invitation


def shown(item, answers):
    """Whether ``item`` is asked, given the answers on its page (``show_if``)."""
    rule = item.get("show_if")
    return rule is None or str(answers.get(rule["item"], "")) in {str(v) for v in rule["values"]}


def _clean(item, definition, raw):
    """The value to store for ``raw`` (None for no answer), or a message for a bad one."""
    value = (raw or "").strip()
    if not value:
        return None, None
    kind = item["type"]
    if kind == "choice":
        options = next(s["options"] for s in definition["scales"] if s["id"] == item["scale"])
        if value not in {str(option["value"]) for option in options}:
            return None, _("Choose one of the answers.")
        return value, None
    if kind == "number":
        # Digits as typed, a decimal comma or point: Decimal() alone would also take "NaN",
        # "Infinity", "1e999999" and digits of other scripts.
        if not NUMBER.fullmatch(value):
            return None, _("Enter a number.")
        number = Decimal(value.replace(",", "."))
        if not Decimal(str(item["min"])) <= number <= Decimal(str(item["max"])):
            return None, _("Enter a number from %(min)s to %(max)s.") % {
                "min": item["min"], "max": item["max"]}
        return str(int(number)) if number == number.to_integral() else str(number), None
    value = text.normalise(value)
    if len(value) > MAX_TEXT:
        return None, _("At most %(max)s characters.") % {"max": MAX_TEXT}
    if not text.is_clean(value, multiline=True):
        return None, str(text.MESSAGE)
    return value, None


def save_page(invitation: SurveyInvitation, *, instrument: Instrument,
              answers: Mapping[str, str], items=None) -> dict[str, str]:
    """Save what ``answers`` ({item id: raw value}, as posted) answers on this page (``items``
    of ``instrument``, all of them by default), every valid answer even when others are
    missing; return {item id: message} for what needs attention (a required item unanswered, a
    value out of range)."""
    definition = instrument.definition
    items = definition["items"] if items is None else items
    page = {item["id"]: (answers.get(item["id"]) or "").strip() for item in items}
    problems = {}
    with transaction.atomic():
        locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.completed_at is not None:
            raise LinkProblem("completed")
        kept, cleared = [], []
        for item in items:
            value, problem = _clean(item, definition, page[item["id"]])
            if problem:
                problems[item["id"]] = problem
                continue
            if value is None or not shown(item, page):
                cleared.append(item["id"])
                if item.get("required") and shown(item, page):
                    problems[item["id"]] = _("Please answer this question.")
                continue
            kept.append(Answer(invitation=locked, instrument=instrument, item=item["id"],
                               value=value))
        # The whole page in two statements, whatever its length: one delete, one upsert.
        if cleared:
            Answer.objects.filter(invitation=locked, instrument=instrument,
                                  item__in=cleared).delete()
        if kept:
            Answer.objects.bulk_create(
                kept, update_conflicts=True,
                unique_fields=["invitation", "instrument", "item"],
                update_fields=["value", "saved_at"])
    return problems


def _open_on(page, saved):
    """Whether ``page`` has a required question unanswered in ``saved`` ({item: value})."""
    return any(item.get("required") and shown(item, saved) and item["id"] not in saved
               for item in page.items)


def unanswered(invitation) -> list[Page]:
    """The pages with a required question unanswered."""
    answers = selectors.saved_answers(invitation)
    return [page for page in pages(invitation)
            if _open_on(page, answers.get(page.instrument.pk, {}))]


def resume_at(invitation) -> int:
    """The page to continue on: the first one not yet answered (a required question open, or
    nothing answered on it), else the last."""
    answers = selectors.saved_answers(invitation)
    survey = pages(invitation)
    for page in survey:
        saved = answers.get(page.instrument.pk, {})
        if _open_on(page, saved) or not page.item_ids & saved.keys():
            return page.number
    return len(survey)


def submit(invitation: SurveyInvitation) -> list:
    """Make the answers final and score them. Returns the pages still missing answers instead
    when there are any (and changes nothing)."""
    with transaction.atomic():
        locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.completed_at is not None:
            raise LinkProblem("completed")
        if locked.is_closed:
            raise LinkProblem("expired")
        missing = unanswered(locked)
        if missing:
            return missing
        answers = selectors.saved_answers(locked)
        for instrument in selectors.instruments(locked):
            results = scoring.score(instrument.definition, answers.get(instrument.pk, {}),
                                    locked.language)
            Score.objects.bulk_create([
                Score(invitation=locked, instrument=instrument, subscale=result.subscale,
                      value=result.score, band=result.band or "", answered=result.answered,
                      missing=result.missing)
                for result in results.values()
            ])
        locked.completed_at = timezone.now()
        locked.save(update_fields=["completed_at"])
        # The outcome dashboard's sums take this wave in now, in the same transaction.
        tallies.refresh([locked.case_id])
    return []
