"""The pseudonymised export for researchers: one CSV row per case and survey wave.

A row names the case only by a keyed hash (the same case always gets the same pseudonym, and
without the portal's key nobody can go back from it). No name, national number, e-mail, exact
date, free text or reference leaves the portal. The case's programme, sector and dates are
generalised by ``disclosure.generalise`` until every combination of them holds at least
``BOTP_MIN_GROUP_SIZE`` participants: the periods are a month ("2026-02"), a quarter
("2026-Q1"), a year ("2026") or blank.
"""

import csv
from collections import Counter, defaultdict

from django.db.models import F

from botp import instruments, keys
from botp.models import Session, SessionStatus, SessionType
from evaluation.disclosure import QUASI_IDENTIFYING_ITEMS
from evaluation.models import Answer, Instrument, Score, SurveyInvitation

CHUNK = 500
NONE = {}


class _Echo:
    def write(self, value):
        return value


def pseudonym(case_id):
    return keys.keyed_hash("research-pseudonym", case_id)[:24]


def _columns():
    session_codes = list(dict.fromkeys(
        SessionType.objects.order_by("order").values_list("code", flat=True)))
    scores, answers = [], []
    latest = {}
    for instrument in Instrument.objects.order_by("code", "-version"):
        latest.setdefault(instrument.code, instrument)
    for instrument in latest.values():
        definition = instrument.definition
        if definition.get("scoring"):
            scores += [(instrument.code, s["id"]) for s in definition["scoring"]["subscales"]]
        else:
            free = set(instruments.free_text_item_ids(definition))
            answers += [(instrument.code, item["id"]) for item in definition["items"]
                        if item["id"] not in free
                        and (instrument.code, item["id"]) not in QUASI_IDENTIFYING_ITEMS]
    return session_codes, scores, answers


def _cell(value):
    return "" if value is None else value


def csv_lines(cases):
    """The export of ``cases`` ([(case id, Published)], see ``disclosure.published_cases``) as
    CSV lines, produced chunk by chunk."""
    session_codes, score_columns, answer_columns = _columns()
    writer = csv.writer(_Echo())
    yield writer.writerow(
        ["pseudonym", "programme", "sector", "stage_reached", "approved_period", "wave",
         "wave_status", "invited_period", "completed_period"]
        + [f"sessions_{code}" for code in session_codes]
        + [f"{code}_{subscale}" for code, subscale in score_columns]
        + [f"{code}_{item}" for code, item in answer_columns]
    )
    answer_keys = set(answer_columns)
    answered_instruments = list(Instrument.objects.filter(
        code__in={code for code, _item in answer_columns}).values_list("pk", flat=True))
    for start in range(0, len(cases), CHUNK):
        published = dict(cases[start:start + CHUNK])
        chunk = list(published)
        sessions = Counter(
            Session.objects.filter(case_id__in=chunk, status=SessionStatus.HELD)
            .values_list("case_id", "session_type__code")
        )
        # Only what a row shows; the e-mails' deliveries (for the waves not sent yet) in one
        # query a chunk, not one a wave.
        invitations = SurveyInvitation.with_deliveries(list(
            SurveyInvitation.objects.filter(case_id__in=chunk).order_by("case_id", "due_on")
            .annotate(case_state=F("case__state"))
            .only("case_id", "wave", "due_on", "closes_at", "sent_at", "opened_at",
                  "completed_at")))
        # Scores and answers by their invitations' keys, so each is read by its index: asked
        # through the case, the answers query scanned every answer for every chunk.
        invitation_ids = [invitation.pk for invitation in invitations]
        completed_ids = [invitation.pk for invitation in invitations
                         if invitation.completed_at is not None]
        scores = defaultdict(dict)
        for invitation_id, code, subscale, value in Score.objects.filter(
                invitation_id__in=invitation_ids).values_list(
                "invitation_id", "instrument__code", "subscale", "value"):
            scores[invitation_id][code, subscale] = value
        answers = defaultdict(dict)
        for invitation_id, code, item, value in Answer.objects.filter(
                invitation_id__in=completed_ids, instrument_id__in=answered_instruments
        ).values_list("invitation_id", "instrument__code", "item", "value"):
            if (code, item) in answer_keys:
                answers[invitation_id][code, item] = value
        names = {}  # a case has a row per wave: its keyed hash once
        for invitation in invitations:
            case_id = invitation.case_id
            shown = published[case_id]
            if case_id not in names:
                names[case_id] = pseudonym(case_id)
            its_scores = scores.get(invitation.pk, NONE)
            its_answers = answers.get(invitation.pk, NONE)
            yield writer.writerow(
                [names[case_id], shown.programme, shown.sector, invitation.case_state,
                 shown.period, invitation.wave, invitation.status,
                 shown.date(invitation.sent_at), shown.date(invitation.completed_at)]
                + [sessions.get((case_id, code), 0) for code in session_codes]
                + [_cell(its_scores.get(column)) for column in score_columns]
                + [its_answers.get(column, "") for column in answer_columns]
            )
