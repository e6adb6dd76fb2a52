from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from botp import policy, sections
from botp.models import CaseState
from botp.policy import Action, Relation

TREATMENT_STATES = {CaseState.IN_TREATMENT, CaseState.COMPLETED, CaseState.WITHDRAWN}


@sections.register
def my_programme(case, user):
    if Relation.PARTICIPANT not in policy.relations(user, case) or case.approved_at is None:
        return None
    return sections.Link(_("My programme: my providers, sessions and consents"),
                         reverse("treatment:mine", args=[case.reference]))


@sections.register
def treatment(case, user):
    if case.state not in TREATMENT_STATES:
        return None
    if case.state != CaseState.IN_TREATMENT and not hasattr(case, "treatment_plan"):
        return None  # withdrawn before treatment started
    held = policy.relations(user, case)
    if Relation.PARTICIPANT in held:
        return None  # their own page says it all
    if not (held & policy.RULES[Action.VIEW_PLAN] or Relation.ISP in held):
        return None
    return sections.Link(_("Treatment: plan and sessions"),
                         reverse("treatment:overview", args=[case.reference]))


@sections.register
def final_report(case, user):
    if not policy.can(user, Action.VIEW_CLINICAL, case):
        return None
    if case.state not in (CaseState.IN_TREATMENT, CaseState.COMPLETED) and not hasattr(
            case, "final_report"):
        return None
    return sections.Link(_("Final report"), reverse("treatment:final_report",
                                                    args=[case.reference]))
