"""The participant's own pre-test scores, offered to the BTP's diagnosis report."""

from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from evaluation.models import Score

# (instrument, subscale) -> diagnosis report field
DIAGNOSIS_FIELDS = {
    ("bat", "total"): "bat_total",
    ("bat", "exhaustion"): "bat_exhaustion",
    ("bat", "mental_distance"): "bat_mental_distance",
    ("bat", "cognitive_impairment"): "bat_cognitive_impairment",
    ("bat", "emotional_impairment"): "bat_emotional_impairment",
    ("dass21", "depression"): "dass_depression",
    ("dass21", "anxiety"): "dass_anxiety",
    ("dass21", "stress"): "dass_stress",
}


def pretest_scores(case):
    scores = (Score.objects.filter(invitation__case=case, invitation__wave="pre",
                                   invitation__completed_at__isnull=False, value__isnull=False)
              .select_related("instrument", "invitation"))
    values, completed = {}, None
    for score in scores:
        field = DIAGNOSIS_FIELDS.get((score.instrument.code, score.subscale))
        if field:
            values[field] = (int(score.value) if field.startswith("dass")
                             else score.value.quantize(Decimal("0.01")))
            completed = score.invitation.completed_at
    if not values:
        return {}, ""
    return values, _("the participant's pre-test of %(date)s") % {
        "date": formats.date_format(completed, "SHORT_DATE_FORMAT")}
