"""The evaluation's part of the worklists (botp.worklists): a questionnaire to answer."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from botp import worklists
from botp.policy import Relation as R
from evaluation import links
from evaluation.models import SurveyInvitation


@worklists.source(R.PARTICIPANT)
def questionnaires(user, cases):
    open_ = (SurveyInvitation.objects.filter(case__in=cases, sent_at__isnull=False,
                                             completed_at__isnull=True,
                                             closes_at__gt=timezone.now())
             .select_related("case__programme", "case__participant").order_by("due_on", "pk"))
    for invitation in worklists.first(open_):
        yield worklists.Todo(
            _("Answer your questionnaire"),
            reverse("evaluation:survey", args=[links.token_for(invitation.nonce)]),
            invitation.case, kind="questionnaire",
            note=_("You can answer it until %(date)s.")
            % {"date": date_format(invitation.last_day, "SHORT_DATE_FORMAT")})
