"""Answering a survey through its link: one instrument a page, answers saved as the participant
goes, and on submission the answers become final and are scored.

The link is the only key: it opens this survey and nothing else, and a wrong, closed or used
link says so without revealing whose it was.
"""

import re
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from botp import text
from botp.links import LinkProblem  # codes here: invalid, expired or completed
from evaluation import scoring, selectors
from evaluation.models import Answer, Instrument, Score, SurveyInvitation

MAX_TEXT = 2000
NUMBER = re.compile(r"-?[0-9]{1,9}([.,][0-9]{1,9})?")


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
              answers: Mapping[str, str]) -> dict[str, str]:
    """Save what ``answers`` ({item id: raw value}, as posted) answers on this page, every valid
    answer even when others are missing; return {item id: message} for what needs attention
    (a required item unanswered, a value out of range)."""
    definition = instrument.definition
    page = {item["id"]: (answers.get(item["id"]) or "").strip() for item in definition["items"]}
    problems = {}
    with transaction.atomic():
        locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.completed_at is not None:
            raise LinkProblem("completed")
        for item in definition["items"]:
            value, problem = _clean(item, definition, page[item["id"]])
            if problem:
                problems[item["id"]] = problem
                continue
            if value is None or not shown(item, page):
                Answer.objects.filter(invitation=locked, instrument=instrument,
                                      item=item["id"]).delete()
                if item.get("required") and shown(item, page):
                    problems[item["id"]] = _("Please answer this question.")
                continue
            Answer.objects.update_or_create(invitation=locked, instrument=instrument,
                                            item=item["id"], defaults={"value": value})
    return problems


def unanswered(invitation):
    """(page number from 1, instrument) of the pages with a required question unanswered."""
    answers = selectors.saved_answers(invitation)
    found = []
    for number, instrument in enumerate(selectors.instruments(invitation), start=1):
        page = answers.get(instrument.pk, {})
        if any(item.get("required") and shown(item, page) and item["id"] not in page
               for item in instrument.definition["items"]):
            found.append((number, instrument))
    return found


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
    return []
