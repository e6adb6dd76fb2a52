from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from botp import policy, sections
from botp.models import CaseState
from botp.policy import Action

TREATMENT_STATES = {CaseState.IN_TREATMENT, CaseState.COMPLETED, CaseState.WITHDRAWN}


@sections.register
def my_programme(case, user):
    if case.approved_at is None or not policy.can(user, Action.VIEW_MY_PROGRAMME, case):
        return None
    return sections.Link(_("My programme: my providers, sessions and consents"),
                         reverse("treatment:mine", args=[case.reference]))


@sections.register
def treatment(case, user):
    if case.state not in TREATMENT_STATES:
        return None
    if case.state != CaseState.IN_TREATMENT and not hasattr(case, "treatment_plan"):
        return None  # withdrawn before treatment started
    allowed = policy.allowed_actions(user, case)
    if Action.VIEW_MY_PROGRAMME in allowed:
        return None  # their own page says it all
    if not allowed & {Action.VIEW_PLAN, Action.VIEW_OWN_ASSIGNMENT}:
        return None
    return sections.Link(_("Treatment: plan and sessions"),
                         reverse("treatment:overview", args=[case.reference]))


@sections.register
def final_report(case, user):
    if not policy.can(user, Action.VIEW_CLINICAL, case):
        return None
    if case.state != CaseState.IN_TREATMENT and not hasattr(case, "final_report"):
        return None
    return sections.Link(_("Final report"), reverse("treatment:final_report",
                                                    args=[case.reference]))
