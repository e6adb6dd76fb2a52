"""The participant's own pre-test scores, offered to the BTP's diagnosis report."""

from django.utils import formats
from django.utils.translation import gettext as _

from evaluation.models import Score


def pretest_scores(case):
    """{(instrument code, subscale id): score} of ``case``'s answered pre-test; the report takes
    the ones it records."""
    scores = (Score.objects.filter(invitation__case=case, invitation__wave="pre",
                                   invitation__completed_at__isnull=False, value__isnull=False)
              .select_related("instrument", "invitation"))
    values, completed = {}, None
    for score in scores:
        values[score.instrument.code, score.subscale] = score.value
        completed = score.invitation.completed_at
    if not values:
        return {}, ""
    return values, _("the participant's pre-test of %(date)s") % {
        "date": formats.date_format(completed, "SHORT_DATE_FORMAT")}
