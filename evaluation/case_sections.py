from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from botp import policy, sections
from botp.policy import Action


@sections.register
def survey_waves(case, user):
    if case.approved_at is None or not policy.can(user, Action.VIEW_SURVEY_STATUS, case):
        return None
    return sections.Link(_("Evaluation surveys"),
                         reverse("evaluation:case_waves", args=[case.reference]))
