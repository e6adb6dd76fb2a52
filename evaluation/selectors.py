"""The evaluation's reads: a survey behind its link, its pages and the answers saved so far, and
a case's waves and scores as staff see them. Nothing here writes; answering is in
evaluation.survey, the waves and invitations in evaluation.waves and evaluation.invitations.
"""

from django.db.models import QuerySet

from botp.links import LinkProblem  # codes here: invalid, expired or completed
from botp.models import Case
from evaluation import links
from evaluation.models import Instrument, Score, SurveyInvitation


def invitation_for(token: str) -> SurveyInvitation:
    """The invitation behind ``token`` if it can still be answered; LinkProblem otherwise."""
    invitation = (SurveyInvitation.objects.select_related("case__programme")
                  .filter(token_hash=links.hash_of(token or "")).first())
    if invitation is None or invitation.sent_at is None:
        raise LinkProblem("invalid")
    if invitation.completed_at is not None:
        raise LinkProblem("completed")
    if invitation.is_closed:
        raise LinkProblem("expired")
    return invitation


def instruments(invitation: SurveyInvitation) -> list[Instrument]:
    """The survey's pages, in order."""
    return [link.instrument for link in
            invitation.waveinstrument_set.select_related("instrument").order_by("position")]


def saved_answers(invitation: SurveyInvitation,
                  instrument: Instrument | None = None) -> dict[int, dict[str, str]]:
    """{instrument id: {item id: value}} of what is saved so far."""
    rows = invitation.answers.all()
    if instrument is not None:
        rows = rows.filter(instrument=instrument)
    found = {}
    for instrument_id, item, value in rows.values_list("instrument_id", "item", "value"):
        found.setdefault(instrument_id, {})[item] = value
    return found


def case_waves(case: Case) -> list[SurveyInvitation]:
    """The case's survey invitations, soonest due first, each with its e-mail's delivery."""
    return SurveyInvitation.with_deliveries(list(case.survey_invitations.order_by("due_on")))


def case_scores(case: Case) -> QuerySet[Score]:
    """The case's scores, by instrument, subscale and wave."""
    return (Score.objects.filter(invitation__case=case, value__isnull=False)
            .select_related("invitation", "instrument")
            .order_by("instrument__code", "subscale", "invitation__due_on"))
